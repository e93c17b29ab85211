/** `--reporter junit`: one <testsuite> per capability, one <testcase> per scenario, evidence in the body. */
import type { RunSummary, ScenarioResult } from '../scenarios/results.js';
import { coverageText } from './coverage-table.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xml(s: unknown): string {
  return String(s ?? '')
    .replace(ANSI, '')
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function transcript(r: ScenarioResult): string {
  const checks = r.checks.map((c) => `[${c.status}] ${c.key} (${c.severity}, ${c.ref}): ${c.cause ? `${c.cause.summary} (see ${c.cause.owner}) — ` : ''}${c.message}${c.status === 'failed' ? `\n    hint: ${c.hint}` : ''}`);
  const msgs = r.messages.map((m) => `#${m.seq} ${m.direction === 'in' ? '→ UCSP' : '← UCSP'} ${m.channel} ${m.msgType ?? ''}${m.responseCode ? ` code ${m.responseCode}` : ''}${m.signature ? ` signature ${m.signature.valid ? 'valid' : `INVALID (${m.signature.summary})`}` : ''}${m.note ? ` — ${m.note}` : ''}\n    ${m.raw}`);
  return [...checks, '', 'messages:', ...msgs].join('\n');
}

function testcase(r: ScenarioResult): string {
  const failed = r.checks.filter((c) => c.status === 'failed' && c.severity === 'failure');
  const props = `<properties>${r.refs.map((ref) => `<property name="ref" value="${xml(ref)}"/>`).join('')}<property name="status" value="${r.status}"/></properties>`;
  let inner = props;
  if (r.status === 'SKIPPED') inner += `<skipped message="${xml(r.reason ?? 'skipped')}"/>`;
  else if (failed.length) {
    const first = failed[0]!;
    // the cause first: UCSP's code and reason, and the check that owns it
    const lead = first.cause ? `${first.cause.summary}; see ${first.cause.owner} — ` : '';
    inner += `<failure message="${xml(`${first.key}: ${lead}${first.message}`)}" type="${xml(first.id)}">${xml(transcript(r))}</failure>`;
  } else inner += `<system-out>${xml(transcript(r))}</system-out>`;
  return `<testcase classname="${xml(r.capability)}" name="${xml(`${r.id}: ${r.title}`)}" time="${(r.durationMs / 1000).toFixed(3)}">${inner}</testcase>`;
}

export function junitReport(s: RunSummary): string {
  const byCap = new Map<string, ScenarioResult[]>();
  for (const r of s.scenarios) byCap.set(r.capability, [...(byCap.get(r.capability) ?? []), r]);
  const suites = [...byCap].map(([cap, rs]) => {
    const failures = rs.filter((r) => r.status === 'FAILED').length;
    const skipped = rs.filter((r) => r.status === 'SKIPPED').length;
    const time = rs.reduce((t, r) => t + r.durationMs, 0) / 1000;
    return `<testsuite name="${xml(cap)}" tests="${rs.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}" timestamp="${xml(s.startedAt.replace(/\.\d+Z$/, ''))}">${rs.map(testcase).join('')}</testsuite>`;
  });
  const stale = s.staleWaivers.length
    ? `<testsuite name="expected-failures" tests="${s.staleWaivers.length}" failures="${s.staleWaivers.length}" errors="0" skipped="0">${s.staleWaivers
        .map((w) => `<testcase classname="expected-failures" name="${xml(w.key)}"><failure message="${xml(`${w.key} no longer fails: remove it from the expected-failures file`)}" type="stale-waiver"/></testcase>`)
        .join('')}</testsuite>`
    : '';
  const causes = s.causes.length
    ? `<testsuite name="causes" tests="0" failures="0" errors="0" skipped="0"><system-out>${xml(s.causes.map((g, i) => `${i + 1}. ${g.failures} failure(s): ${g.summary}; see ${g.owner}\n   first seen in ${g.firstSeen.scenario} (journal #${g.firstSeen.seq})`).join('\n'))}</system-out></testsuite>`
    : '';
  const p = s.partnerProcess;
  const partner = p
    ? `<testsuite name="partner-output" tests="0" failures="0" errors="0" skipped="0"><system-out>${xml(`${p.command}${p.exit ? ` (it exited: ${p.exit.code ?? p.exit.signal})` : ''}\n${p.lastLines.join('\n')}`)}</system-out></testsuite>`
    : '';
  const coverage = `<testsuite name="coverage" tests="0" failures="0" errors="0" skipped="0"><system-out>${xml(coverageText(s.coverage))}</system-out></testsuite>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ucsp-sandbox conformance" tests="${s.counts.total + s.staleWaivers.length}" failures="${s.counts.failed + s.staleWaivers.length}" errors="0" skipped="${s.counts.skipped}" time="${(s.wallMs / 1000).toFixed(3)}">${causes}${suites.join('')}${stale}${partner}${coverage}</testsuites>\n`;
}
