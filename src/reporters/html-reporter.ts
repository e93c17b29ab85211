/**
 * `--reporter html`: one self-contained file (inline CSS, no scripts, no external references) with
 * the summary, the coverage matrix and, per scenario, its checks and message sequence. Each cited
 * ref ("PROFILE §6.3", "seed: 2. …") is a link to its section of the installed docs/protocol.md
 * (a file: URL), with the section's heading as its title; nothing is loaded from it.
 */
import { protocolDocUrl, resolveRef } from '../scenarios/refs.js';
import type { CheckResult, RunSummary, ScenarioResult } from '../scenarios/results.js';
import { CODES, coverageCounts, coverageMatrix } from './coverage-table.js';

const esc = (s: unknown) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.muted{color:#667}
.counts span{display:inline-block;margin-right:14px;font-weight:600}
.PASSED{color:#0a7f3f}.FAILED{color:#c0152f}.WARNING{color:#b26a00}.SKIPPED{color:#667}
details.scenario{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:8px 0;padding:8px 12px}
details.scenario>summary{cursor:pointer;font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0;background:#fff}th,td{border-bottom:1px solid #e6e9ed;padding:4px 6px;text-align:left;vertical-align:top}
th{font-weight:600;color:#445;background:#f1f3f5}td.num{text-align:right}
.check-failed{background:#fff1f2}.check-waived{background:#fff8e6}
pre{white-space:pre-wrap;word-break:break-all;background:#f7f8fa;border:1px solid #e6e9ed;padding:6px;margin:4px 0;font-size:12px}
.seq td{font-size:13px}.dir{font-family:monospace;white-space:nowrap}.bad{color:#c0152f;font-weight:600}.ok{color:#0a7f3f}
.matrix td,.matrix th{text-align:center}.matrix td:first-child{text-align:left}.missing{color:#c0152f}.na{color:#bbb}`;

/** A cited ref as a link to its section of docs/protocol.md, or as text when it names no section. */
function refHtml(ref: string): string {
  const r = resolveRef(ref);
  return r ? `<a href="${esc(protocolDocUrl(r.anchor))}" title="${esc(`${r.label} — ${r.file}`)}">${esc(ref)}</a>` : esc(ref);
}

function checkRow(c: CheckResult): string {
  return `<tr class="check-${c.status}"><td>${esc(c.status)}</td><td><b>${esc(c.id)}</b><br>${esc(c.title)}</td><td>${esc(c.severity)}</td><td>${refHtml(c.ref)}</td><td>${esc(c.message)}${c.status === 'failed' ? `<br><i>Hint:</i> ${esc(c.hint)}` : ''}</td></tr>`;
}

function arrow(m: ScenarioResult['messages'][number]): string {
  // the user's own acts (paying, abandoning at the cashier, deciding on the signing page)
  if (m.channel === 'cashier' || m.channel === 'signing') return 'user → UCSP';
  const partyOut = m.channel === 'issuer' ? 'UCSP → issuer' : 'UCSP → partner';
  const partyIn = m.channel === 'issuer' ? 'issuer → UCSP' : 'partner → UCSP';
  return m.direction === 'out' ? partyOut : partyIn;
}

function sequence(r: ScenarioResult): string {
  if (!r.messages.length) return '<p class="muted">No messages.</p>';
  const rows = r.messages.map((m) => {
    const sig = m.signature ? (m.signature.valid ? '<span class="ok">valid</span>' : `<span class="bad">${esc(m.signature.summary)}</span>`) : '';
    const pretty = m.parsed !== undefined ? JSON.stringify(m.parsed, null, 2) : m.raw;
    return `<tr><td class="num">${m.seq}</td><td class="dir">${esc(arrow(m))}</td><td>${esc(m.channel)}</td><td>${esc(m.msgType ?? '')}</td><td>${esc(m.responseCode ?? (m.httpStatus ? `HTTP ${m.httpStatus}` : ''))}</td><td>${sig}</td><td>${esc(m.note ?? '')}<details><summary>message</summary><pre>${esc(pretty)}</pre></details></td></tr>`;
  });
  return `<table class="seq"><tr><th>#</th><th>direction</th><th>channel</th><th>message</th><th>code</th><th>signature</th><th>note / body</th></tr>${rows.join('')}</table>`;
}

function scenario(r: ScenarioResult): string {
  return `<details class="scenario"${r.status === 'FAILED' ? ' open' : ''}><summary><span class="${r.status}">${r.status}</span> ${esc(r.id)} — ${esc(r.title)} <span class="muted">(${r.durationMs} ms)</span></summary>
<p class="muted">${r.refs.map(refHtml).join(' · ')}${r.reason ? ` — ${esc(r.reason)}` : ''}</p>
${r.checks.length ? `<table><tr><th>status</th><th>check</th><th>severity</th><th>ref</th><th>result</th></tr>${r.checks.map(checkRow).join('')}</table>` : ''}
<h3>Message sequence</h3>${sequence(r)}</details>`;
}

/** The causes, most failures first: UCSP's code and reason, the check that owns each, where first seen. */
function causesSection(s: RunSummary): string {
  if (!s.causes.length) return '';
  const failed = s.scenarios.reduce((n, r) => n + r.checks.filter((c) => c.status === 'failed').length, 0);
  const explained = s.causes.reduce((n, g) => n + g.failures, 0);
  const items = s.causes.map(
    (g) => `<li><b class="FAILED">${g.failures} failure${g.failures === 1 ? '' : 's'}:</b> ${esc(g.summary)}<br><span class="muted">see <b>${esc(g.owner)}</b>${g.ownerHint ? ` (${esc(g.ownerRef ?? '')}): ${esc(g.ownerHint)}` : ''} · first seen in ${esc(g.firstSeen.scenario)}, ${esc(g.firstSeen.msgType)} ${esc(g.firstSeen.msgID ?? '')} (journal #${g.firstSeen.seq})</span></li>`,
  );
  const own = failed - explained;
  return `<h2>Causes</h2><p class="muted">${explained} of ${failed} failed checks share ${s.causes.length} cause${s.causes.length === 1 ? '' : 's'}${own ? `; ${own} fail for a reason of their own` : ''}.</p><ol class="causes">${items.join('')}</ol>`;
}

/** A failed check a cause explains leads with it; its own hint stays beside. */
function causeFirst(r: ScenarioResult): ScenarioResult {
  if (!r.checks.some((c) => c.cause)) return r;
  return { ...r, checks: r.checks.map((c) => (c.cause ? { ...c, message: `${c.cause.summary} (see ${c.cause.owner}) — ${c.message}` } : c)) };
}

/** The partner's own process (run --exec) and its last output lines, when something failed. */
function partnerSection(s: RunSummary): string {
  const p = s.partnerProcess;
  if (!p) return '';
  const how = p.exit ? ` (it exited: ${p.exit.code ?? p.exit.signal})` : '';
  return `<h2>Your partner's last output${esc(how)}</h2><p class="muted">${esc(p.command)}</p><pre>${esc(p.lastLines.join('\n') || '(nothing)')}</pre>`;
}

export function htmlReport(s: RunSummary): string {
  const { exercised, possible } = coverageCounts(s.coverage);
  const matrix = coverageMatrix(s.coverage)
    .map((row) => `<tr><td>${esc(row.msgType)} <span class="muted">(${esc(row.via)})</span></td>${CODES.map((c) => {
      const v = row.cells[c];
      return v === undefined ? '<td class="na">·</td>' : v === -1 ? '<td class="missing">—</td>' : `<td>${v}</td>`;
    }).join('')}</tr>`)
    .join('');
  const stale = s.staleWaivers.length ? `<h2 class="FAILED">Stale expected failures</h2><ul>${s.staleWaivers.map((w) => `<li>${esc(w.key)} no longer fails: remove it</li>`).join('')}</ul>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>UCSP conformance report</title><style>${CSS}</style></head><body>
<h1>UCSP conformance report</h1>
<p class="muted">ucsp-sandbox · ${esc(s.startedAt)} · mode ${esc(s.mode)} · wall time ${(s.wallMs / 1000).toFixed(2)} s${s.interrupted ? ' · <b>interrupted</b>' : ''}</p>
<p class="counts"><span class="PASSED">${s.counts.passed} passed</span><span class="FAILED">${s.counts.failed} failed</span><span class="WARNING">${s.counts.warning} warning</span><span class="SKIPPED">${s.counts.skipped} skipped</span><span>${s.counts.total} scenarios</span></p>
${causesSection(s)}
${stale}
${partnerSection(s)}
<h2>Scenarios</h2>${s.scenarios.map(causeFirst).map(scenario).join('\n')}
<h2>Coverage: message type × response code</h2><p class="muted">Exercised ${exercised} of ${possible} pairs the protocol allows. — allowed but not exercised · not applicable.</p>
<table class="matrix"><tr><th>message (via)</th>${CODES.map((c) => `<th>${c}</th>`).join('')}</tr>${matrix}</table>
</body></html>
`;
}
