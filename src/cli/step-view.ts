/**
 * What `ucsp-sandbox step` prints, as pure functions: the numbered actions with their parameters
 * resolved, each journal entry as one line (every fact once), the runner's check lines, the result.
 */
import type { ChalkInstance } from 'chalk';
import { RESPONSE_MESSAGES, type ResponseCode } from '../errors/index.js';
import type { ScenarioResult } from '../scenarios/results.js';
import type { JournalView } from '../scenarios/sandbox-client.js';
import type { Scenario, ScenarioStep } from '../scenarios/scenario-schema.js';
import { resolve, type Vars } from '../scenarios/template.js';

/** The steps a person confirms — every step but the checks — numbered 1, 2, 3… */
export interface ActionNumbers {
  /** index in `scenario.steps` → its number among the actions */
  of: ReadonlyMap<number, number>;
  total: number;
}

export function numberActions(s: Scenario): ActionNumbers {
  const of = new Map<number, number>();
  s.steps.forEach((step, i) => {
    if (!('check' in step)) of.set(i, of.size + 1);
  });
  return { of, total: of.size };
}

function value(v: unknown): string {
  return typeof v === 'string' && v !== '' ? v : JSON.stringify(v);
}

/** `orderId: O2026…, txnAmt: 1234`, with `${name.field}` replaced by what earlier steps kept. */
export function formatParams(params: Record<string, unknown> | undefined, vars: Readonly<Vars>): string {
  if (!params || Object.keys(params).length === 0) return '';
  let shown = params;
  try {
    shown = resolve(params, vars);
  } catch {
    // a reference not known yet: the step itself will fail and say so; show it as written
  }
  return Object.entries(shown)
    .map(([k, v]) => `${k}: ${value(v)}`)
    .join(', ');
}

export function describeAction(step: ScenarioStep, vars: Readonly<Vars>): string {
  const withParams = (what: string, params: Record<string, unknown> | undefined) => {
    const p = formatParams(params, vars);
    return p ? `${what} (${p})` : what;
  };
  if ('drive' in step) return withParams(`the partner: ${step.drive}`, step.with);
  if ('user' in step) return withParams(`the user: ${step.user}`, step.with);
  if ('world' in step) return withParams(`the world: ${step.world}`, step.with);
  if ('wait' in step) return `wait for the partner's ${step.msgType}${step.timeoutMs ? ` (up to ${Math.ceil(step.timeoutMs / 1000)} s)` : ''}`;
  return `check ${step.check}`;
}

/** `00 Approved`, `11 Signature Verification Fails`; an unknown code as it is. */
export function codeText(code: string): string {
  const meaning = RESPONSE_MESSAGES[code as ResponseCode];
  return meaning ? `${code} ${meaning}` : code;
}

function who(e: JournalView): string {
  switch (e.channel) {
    case 'issuer':
      return e.direction === 'in' ? 'issuer → UCSP' : 'UCSP → issuer';
    case 'cashier':
    case 'signing':
      return `user → UCSP (${e.channel})`;
    case 'login':
      return 'UCSP → partner (login hand-off)';
    default:
      return e.direction === 'in' ? 'partner → UCSP' : 'UCSP → partner';
  }
}

/** A note that only repeats what the line already says (the code, the HTTP status, the signature verdict). */
function redundant(note: string, e: JournalView): boolean {
  if (e.responseCode && note === `answered ${e.responseCode}`) return true;
  if (e.httpStatus !== undefined && note === `HTTP ${e.httpStatus}`) return true;
  if (e.signature && !e.signature.valid && note === `answer signature invalid: ${e.signature.summary}`) return true;
  return false;
}

/** One journal entry: who sent what (or which message it answers), its code, signature verdict and note; then its content. */
export function entryLines(e: JournalView, c: ChalkInstance): string[] {
  const parsed = e.parsed as { trxInfo?: unknown; msgResponse?: { responseCode?: unknown } } | undefined;
  const code = e.responseCode ?? (typeof parsed?.msgResponse?.responseCode === 'string' ? parsed.msgResponse.responseCode : undefined);
  const facts: string[] = [];
  let what: string;
  if (e.replyTo !== undefined) {
    const outcome = [e.httpStatus !== undefined && e.httpStatus !== 200 ? `HTTP ${e.httpStatus}` : '', code ? codeText(code) : ''].filter(Boolean);
    what = `answer to #${e.replyTo}${outcome.length ? `: ${outcome.join(', ')}` : ''}`;
  } else {
    what = [e.msgType ? c.bold(e.msgType) : '', code ? codeText(code) : ''].filter(Boolean).join(' ');
  }
  if (e.signature) facts.push(e.signature.valid ? c.green('signature valid') : c.red(`signature INVALID: ${e.signature.summary}`));
  if (e.note && !redundant(e.note, e)) facts.push(c.dim(e.note));
  const lines = [`  ${c.dim(`#${e.seq}`)} ${who(e)}${what ? ` ${what}` : ''}${facts.length ? ` · ${facts.join(' · ')}` : ''}`];
  const content = parsed ? JSON.stringify(parsed.trxInfo ?? parsed) : e.raw ? (e.raw.length > 300 ? `${e.raw.slice(0, 300)}…` : e.raw) : '';
  if (content && content !== '{}') lines.push(c.dim(`       ${content}`));
  return lines;
}

/**
 * A line the runner logs (`✓ id: message`, `· drive x → 00`, `✗ step N (…) failed: …`), as step
 * shows it: checks marked as checks; undefined for lines the stepper already shows in its own words
 * (the step that ran, whose messages follow; a step that failed, shown with its number at the end).
 */
export function checkLine(line: string, c: ChalkInstance): string | undefined {
  const m = /^\s*([✓✗~-]) (.*)$/s.exec(line);
  if (!m) return line.trimStart().startsWith('·') ? undefined : line;
  const [, mark, rest] = m as unknown as [string, string, string];
  if (mark === '✗' && /^step \d+ \(/.test(rest)) return undefined;
  const paint = mark === '✓' ? c.green : mark === '✗' ? c.red : mark === '~' ? c.yellow : c.dim;
  return `  ${paint(mark)} check ${rest}`;
}

/** The end: the scenario's status in one line, then what failed, with where and how to fix it. */
export function resultLines(r: ScenarioResult, numbers: ActionNumbers, c: ChalkInstance): string[] {
  const count = (f: (x: ScenarioResult['checks'][number]) => boolean) => r.checks.filter(f).length;
  const stepFailure = (id: string) => /^step-(\d+)$/.exec(id);
  const checks = r.checks.filter((x) => !stepFailure(x.id));
  const passed = count((x) => x.status === 'passed');
  const failed = checks.filter((x) => x.status === 'failed').length;
  const skipped = count((x) => x.status === 'skipped');
  const waived = count((x) => x.status === 'waived');
  const parts = [`${passed} of ${checks.length} checks passed`, ...(failed ? [`${failed} failed`] : []), ...(waived ? [`${waived} waived`] : []), ...(skipped ? [`${skipped} not reached`] : [])];
  const status = { PASSED: c.green('PASSED'), FAILED: c.red('FAILED'), WARNING: c.yellow('WARNING'), SKIPPED: c.dim('SKIPPED') }[r.status];
  const lines = ['', `${status} ${r.id}: ${r.status === 'SKIPPED' && r.reason ? r.reason : parts.join(', ')}`];
  for (const x of r.checks) {
    if (x.status !== 'failed' && x.status !== 'waived') continue;
    const stepNo = stepFailure(x.id);
    const n = stepNo ? numbers.of.get(Number(stepNo[1]) - 1) : undefined;
    const mark = x.status === 'waived' ? c.yellow('~') : x.severity === 'warning' ? c.yellow('!') : c.red('✗');
    const title = stepNo ? `step ${n ?? '?'} of ${numbers.total} could not run` : `${x.id} — ${x.title}`;
    lines.push(`  ${mark} ${title}`, `      ${x.message}`, c.dim(`      ${x.ref} · hint: ${x.hint}`));
  }
  return lines;
}
