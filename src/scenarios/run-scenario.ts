/**
 * Runs one scenario: reset both sides, execute the steps in order (running what falls due after
 * each), evaluate the checks, and keep the messages exchanged as evidence.
 */
import type { NoticeRecord } from '../protocol/notice-machine.js';
import type { InquiryScheduleMode } from '../protocol/inquiry-schedule.js';
import { browse, walkPayment, type PaymentWalk } from './browser.js';
import { evaluate, type CheckContext } from './checks.js';
import type { PartnerDriver } from './partner-drivers.js';
import { DriverUnavailable, waitForRequest } from './partner-drivers.js';
import type { CheckResult, ScenarioResult, ScenarioStatus } from './results.js';
import type { InFlightView, SandboxClient } from './sandbox-client.js';
import type { CheckStepT, Scenario, ScenarioStep } from './scenario-schema.js';
import { WHOLE_REFERENCE, lookup, resolve, type Vars } from './template.js';

export interface ScenarioEnv {
  sandbox: SandboxClient;
  partner: PartnerDriver;
  zone: string;
  skew: { timeStampSeconds: number; txnTimeSeconds: number };
  inquiryScheduleMs: readonly number[];
  inquiryScheduleMode?: InquiryScheduleMode;
  /** Checks known to fail, by key: reported as waived. */
  waived: ReadonlySet<string>;
  /** Default timeout of wait steps. */
  waitTimeoutMs: number;
  /**
   * The limit of one step (real ms): how long the runner waits for what a step set in motion —
   * notice attempts, the partner's answers, driver calls — before reporting that the partner did
   * not answer. Never a verdict on a wrong answer.
   */
  stepTimeoutMs: number;
  signal?: AbortSignal;
  /**
   * Called before each step that is not a check (the interactive stepper uses it), with the results
   * kept so far (`as`), so that the step's `${name.field}` references can be shown resolved.
   */
  beforeStep?: (step: ScenarioStep, index: number, scenario: Scenario, vars: Readonly<Vars>) => Promise<void>;
  /** Called after each step has run and what fell due has run (before the checks that follow), with the step's result. */
  afterStep?: (step: ScenarioStep, index: number, scenario: Scenario, result: unknown) => Promise<void>;
  onLog?: (line: string) => void;
}

class StepFailure extends Error {}

/** The partner (or something it had to answer) did not finish within the step limit. */
class PartnerTimeout extends StepFailure {}

/** The partner declined a step marked skipIfRefused: it does not offer what the scenario is about. */
class ScenarioSkip extends Error {}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export function describeInFlight(items: InFlightView[]): string {
  if (!items.length) return 'nothing left in flight';
  return `still in flight: ${items.map((i) => `${i.what} (for ${seconds(i.ageMs)})`).join('; ')}`;
}

const TIMEOUT_HINT =
  'The runner waits, by events, for everything a step set in motion (notice attempts and their answers, driver calls) before it judges anything. ' +
  'Something listed here had not finished within the step limit: a partner that hangs, or a test deployment slower than --step-timeout (raise it). ' +
  'This is not a verdict on any answer; the checks after it were not judged.';

/** Waits until the sandbox has nothing in flight; a partner that keeps it busy past the limit is a timeout. */
async function settle(env: ScenarioEnv): Promise<void> {
  const r = await env.sandbox.settle(env.stepTimeoutMs);
  if (!r.settled) throw new PartnerTimeout(`the partner did not answer within ${seconds(env.stepTimeoutMs)} — ${describeInFlight(r.inFlight)}`);
}

function describeStep(s: ScenarioStep): string {
  if ('drive' in s) return `drive ${s.drive}`;
  if ('user' in s) return `user ${s.user}`;
  if ('world' in s) return `world ${s.world}`;
  if ('wait' in s) return `wait for ${s.msgType}`;
  return `check ${s.check}`;
}

async function latestNotice(sandbox: SandboxClient, orderId: string, status?: NoticeRecord['status']): Promise<NoticeRecord> {
  const all = (await sandbox.notices(orderId)).filter((n) => !status || n.status === status).sort((a, b) => a.createdAt - b.createdAt);
  const n = all.at(-1);
  if (!n) throw new StepFailure(`UCSP has no ${status ? `${status.toLowerCase()} ` : ''}notice for order ${orderId}`);
  return n;
}

/** Where the scenario stands when a step runs: where its journal starts, and the partner's last action. */
interface Progress {
  sinceSeq: number;
  lastDrive?: { action: string; result: { status: number; error?: string } };
}

/** The partner's latest request of a type in this scenario: its trxInfo, msgID and orderId. */
async function latestRequest(sandbox: SandboxClient, msgType: string, progress: Progress): Promise<Record<string, unknown>> {
  const e = (await sandbox.journal({ since: progress.sinceSeq, channel: 'api' })).entries.filter((x) => x.direction === 'in' && x.msgType === msgType).at(-1);
  if (!e) {
    // why, when the partner's last action says: a refusal names the order it refused to act on
    const last = progress.lastDrive;
    const why = last && last.result.status !== 200 ? ` (its last action, ${last.action}: it could not act (${last.result.status}): ${last.result.error ?? ''})` : '';
    throw new StepFailure(`the partner sent no ${msgType} in this scenario${why}`);
  }
  const trx = (e.parsed as { trxInfo?: Record<string, unknown> } | undefined)?.trxInfo ?? {};
  return { ...trx, ...(e.msgID ? { msgID: e.msgID } : {}), ...(e.orderId ? { orderId: e.orderId } : {}) };
}

/**
 * payInBrowser / abandonInBrowser: the user's browser follows the paymentUrl the partner returned.
 * A paymentUrl the partner did not give (its order was refused, say) is no step failure but a walk
 * that stopped, naming the order, so that the check judging the walk fails with the reason.
 */
async function walkStep(action: 'payInBrowser' | 'abandonInBrowser', given: Record<string, unknown>, vars: Vars, env: ScenarioEnv): Promise<PaymentWalk> {
  const stopped = (problem: string): PaymentWalk => ({ outcome: 'stopped', problem, steps: [] });
  let p: Record<string, unknown>;
  try {
    p = resolve(given, vars);
  } catch (e) {
    const ref = typeof given.paymentUrl === 'string' ? WHOLE_REFERENCE.exec(given.paymentUrl)?.[1] : undefined;
    const from = ref ? lookup(vars, ref.split('.')[0]!) : undefined;
    const r = from !== null && typeof from === 'object' ? (from as Record<string, unknown>) : {};
    const about = typeof r.orderId === 'string' ? ` — the partner's result for order ${r.orderId} carries no paymentUrl${r.responseCode !== undefined ? ` (responseCode ${String(r.responseCode)})` : ''}` : '';
    return stopped(`no paymentUrl to follow: ${(e as Error).message}${about}`);
  }
  const url = p.paymentUrl;
  if (typeof url !== 'string' || !URL.canParse(url)) return stopped(`no paymentUrl to follow: ${url === undefined ? 'with.paymentUrl is missing (give the paymentUrl the partner returned)' : `not an absolute URL: ${JSON.stringify(url)}`}`);
  const card = typeof p.card === 'string' ? p.card : undefined;
  return walkPayment(url, { choice: action === 'payInBrowser' ? 'pay' : 'cancel', ...(card ? { card } : {}), timeoutMs: env.stepTimeoutMs });
}

async function runStep(step: ScenarioStep, env: ScenarioEnv, vars: Vars, progress: Progress): Promise<unknown> {
  const { sandbox } = env;
  if ('drive' in step) {
    const params = resolve(step.with ?? {}, vars);
    const r = await env.partner.act(step.drive, params);
    if (r.status === 0 && r.error?.startsWith('the partner did not answer within')) throw new PartnerTimeout(r.error);
    if (r.status !== 200 && !step.mayRefuse) {
      if (step.skipIfRefused && r.status >= 400 && r.status < 500) throw new ScenarioSkip(`the partner declined ${step.drive} (${r.status}: ${r.error ?? ''}) — it does not offer what this scenario is about`);
      throw new StepFailure(`the partner could not ${step.drive}: ${r.error ?? `status ${r.status}`}`);
    }
    return r;
  }
  if ('user' in step) {
    if (step.user === 'payInBrowser' || step.user === 'abandonInBrowser') return walkStep(step.user, step.with ?? {}, vars, env);
    const p = resolve(step.with ?? {}, vars) as Record<string, string>;
    switch (step.user) {
      case 'login': {
        const r = await sandbox.call<{ url: string; userId: string }>('/login', p);
        const b = await browse(r.url);
        return { status: b.status, cookies: b.cookies, url: r.url, userId: r.userId };
      }
      case 'pay': {
        const r = await sandbox.call<{ order: { status: string } }>('/pay', p).catch((e: Error) => ({ order: { status: 'ERROR' }, error: e.message }));
        return { status: r.order.status, ...('error' in r ? { error: r.error } : {}) };
      }
      case 'abandon':
        return (await sandbox.call<{ order: { status: string } }>('/abandon', p)).order;
      case 'sign':
        return sandbox.call('/sign', p);
      case 'returnToFrontUrl':
      case 'openPaymentPage': {
        const o = await sandbox.order<{ frontUrl?: string; paymentUrl?: string }>(String(p.orderId));
        if (!o) throw new StepFailure(`UCSP has no order ${String(p.orderId)}`);
        const url = step.user === 'returnToFrontUrl' ? o.frontUrl : o.paymentUrl;
        if (!url) throw new StepFailure(`order ${String(p.orderId)} has no ${step.user === 'returnToFrontUrl' ? 'frontUrl' : 'paymentUrl (it is no frontend payment)'}`);
        const b = await browse(url);
        return { status: b.status };
      }
    }
  }
  if ('world' in step) {
    const p = resolve(step.with ?? {}, vars) as Record<string, unknown>;
    switch (step.world) {
      case 'outcome':
        return sandbox.call('/issuer/outcome', p);
      case 'noticeFault':
        return sandbox.call('/notices/faults', p);
      case 'advance':
        return sandbox.advance(Number(p.ms ?? 0));
      case 'forceAnswer':
        return sandbox.call('/api/answer', p);
      case 'answerFault':
        // an unsigned minimal answer cannot be told from a corrupted one: the scenario does not apply
        if ((await sandbox.status()).answerForm === 'minimal') throw new ScenarioSkip('not applicable: this sandbox answers in the minimal form (answerForm "minimal", unsigned), so a corrupted answer cannot be told from a genuine one');
        return sandbox.call('/api/faults', p);
      case 'findRequest':
        return latestRequest(sandbox, String(p.msgType), progress);
      case 'resendNotice': {
        // a byte-identical copy, or (tamper, trxInfo, result) a message of its own: its answer, and the copy as `copy`
        const n = await latestNotice(sandbox, String(p.orderId));
        const copy = Object.fromEntries(['tamper', 'trxInfo', 'result'].filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
        const r = await sandbox.call<{ attempt: { responseCode?: string; httpStatus?: number; ok: boolean }; copy: unknown }>(`/notices/${n.id}/send`, copy);
        return { ...r.attempt, copy: r.copy };
      }
      case 'releaseNotice': {
        const n = await latestNotice(sandbox, String(p.orderId), 'HELD');
        return sandbox.call(`/notices/${n.id}/release`, {});
      }
      case 'dropNotice': {
        const n = await latestNotice(sandbox, String(p.orderId), 'PENDING');
        return sandbox.call(`/notices/${n.id}/drop`, {});
      }
      case 'advanceToExpiry': {
        // time passes until UCSP's deadline for the unpaid order, whatever orderExpirySeconds says
        const o = await sandbox.order<{ status?: string; expiresAt?: number }>(String(p.orderId));
        if (o?.expiresAt === undefined) throw new StepFailure(`UCSP's order ${String(p.orderId)} is not awaiting payment (${o ? String(o.status) : 'no such order'}): it has no expiry`);
        const { clock } = await sandbox.status();
        return sandbox.advance(Math.max(0, o.expiresAt - clock.now));
      }
      case 'findContract': {
        const all = await sandbox.call<{ contractId: string; userId: string; createdAt: number }[]>('/contracts');
        const c = all.filter((x) => x.userId === p.userId).sort((a, b) => a.createdAt - b.createdAt).at(-1);
        if (!c) throw new StepFailure(`UCSP has no contract for ${String(p.userId)}`);
        return c;
      }
    }
  }
  if ('wait' in step) {
    const since = (await sandbox.status()).journal.lastSeq;
    const r = await waitForRequest(sandbox, step.msgType, since, step.timeoutMs ?? env.waitTimeoutMs, env.signal);
    if (r.status !== 200) throw new StepFailure(r.error ?? `no ${step.msgType}`);
    return r;
  }
  return undefined;
}

function checkResult(scenario: Scenario, step: CheckStepT, v: { status: CheckResult['status']; message: string; expected?: unknown; actual?: unknown }, waived: ReadonlySet<string>): CheckResult {
  const key = `${scenario.id}#${step.check}`;
  const status = v.status === 'failed' && waived.has(key) ? 'waived' : v.status;
  return {
    key,
    id: step.check,
    title: step.title,
    severity: step.severity ?? 'failure',
    ref: step.ref,
    hint: step.hint,
    status,
    message: v.message,
    ...(v.expected !== undefined ? { expected: v.expected } : {}),
    ...(v.actual !== undefined ? { actual: v.actual } : {}),
  };
}

export function scenarioStatus(checks: CheckResult[]): ScenarioStatus {
  if (checks.some((c) => c.status === 'failed' && c.severity === 'failure')) return 'FAILED';
  if (checks.some((c) => c.status === 'failed')) return 'WARNING';
  return 'PASSED';
}

export async function runScenario(scenario: Scenario, env: ScenarioEnv): Promise<ScenarioResult> {
  const started = performance.now();
  const { sandbox } = env;
  await sandbox.reset();
  let resetProblem: string | undefined;
  try {
    await env.partner.reset();
  } catch (e) {
    if (!(e instanceof DriverUnavailable)) throw e;
    resetProblem = e.message;
  }
  const sinceSeq = (await sandbox.status()).journal.lastSeq;
  const progress: Progress = { sinceSeq };
  const vars: Vars = {};
  const checks: CheckResult[] = [];
  const log: string[] = [];
  const say = (line: string) => {
    log.push(line);
    env.onLog?.(line);
  };
  const ctx: CheckContext = {
    sandbox,
    partner: env.partner,
    vars,
    journal: async () => (await sandbox.journal({ since: sinceSeq })).entries,
    zone: env.zone,
    skew: env.skew,
    inquiryScheduleMs: env.inquiryScheduleMs,
    ...(env.inquiryScheduleMode ? { inquiryScheduleMode: env.inquiryScheduleMode } : {}),
  };
  let broken: string | undefined;
  let declined = false;
  const stepFailure = (id: string, title: string, message: string, hint: string) => {
    checks.push({
      key: `${scenario.id}#${id}`,
      id,
      title,
      severity: 'failure',
      ref: scenario.refs[0]!,
      hint,
      status: env.waived.has(`${scenario.id}#${id}`) ? 'waived' : 'failed',
      message,
    });
  };
  if (resetProblem) {
    broken = `the partner's driver could not reset: ${resetProblem}`;
    stepFailure('reset', 'Reset the partner (POST {driverUrl}/reset)', resetProblem, TIMEOUT_HINT);
  }
  for (const [i, step] of scenario.steps.entries()) {
    if (env.signal?.aborted) {
      broken ??= 'interrupted';
      break;
    }
    if ('check' in step) {
      if (broken) {
        checks.push(checkResult(scenario, step, { status: 'skipped', message: `not reached: ${broken}` }, env.waived));
        continue;
      }
      let v;
      try {
        // judge only once everything earlier steps set in motion has finished
        await settle(env);
        v = await evaluate(resolve(step.expect, vars), ctx);
      } catch (e) {
        if (e instanceof PartnerTimeout || e instanceof DriverUnavailable) {
          broken = e.message;
          // failed under the check's own name, but as a timeout — never as a wrong answer
          checks.push({ ...checkResult(scenario, step, { status: 'failed', message: `not judged: ${e.message}` }, env.waived), hint: TIMEOUT_HINT });
          say(`  ✗ ${step.check}: not judged: ${e.message}`);
          continue;
        }
        v = { status: 'failed' as const, message: `could not evaluate: ${(e as Error).message}` };
      }
      const r = checkResult(scenario, step, v, env.waived);
      checks.push(r);
      say(`  ${r.status === 'passed' ? '✓' : r.status === 'skipped' ? '-' : r.status === 'waived' ? '~' : '✗'} ${step.check}: ${r.message}`);
      continue;
    }
    if (broken) continue;
    await env.beforeStep?.(step, i, scenario, vars);
    try {
      const out = await runStep(step, env, vars, progress);
      if ('as' in step && step.as) vars[step.as] = out;
      if ('drive' in step) progress.lastDrive = { action: step.drive, result: out as { status: number; error?: string } };
      say(`  · ${describeStep(step)}${out && typeof out === 'object' && 'responseCode' in out ? ` → ${String((out as { responseCode: unknown }).responseCode)}` : ''}`);
      // what the step set in motion (notices, inquiries, the partner's answers) finishes before the next step
      await settle(env);
      await env.afterStep?.(step, i, scenario, out);
    } catch (e) {
      if (e instanceof ScenarioSkip) {
        broken = e.message;
        declined = true;
        say(`  - ${broken}`);
        continue;
      }
      const timeout = e instanceof PartnerTimeout || e instanceof DriverUnavailable;
      broken = `step ${i + 1} (${describeStep(step)}) ${timeout ? 'timed out' : 'failed'}: ${(e as Error).message}`;
      stepFailure(
        `step-${i + 1}`,
        `Step ${i + 1}: ${describeStep(step)}`,
        (e as Error).message,
        timeout ? TIMEOUT_HINT : 'The partner (or its test driver) could not do what this step asks; see the message and the journal.',
      );
      say(`  ✗ ${broken}`);
    }
  }
  // the evidence is complete only once nothing is in flight (bounded by the step limit)
  if (!broken) await sandbox.settle(env.stepTimeoutMs).catch(() => undefined);
  const messages = (await sandbox.journal({ since: sinceSeq })).entries;
  const status = (broken === 'interrupted' && checks.length === 0) || (declined && !checks.some((c) => c.status === 'failed')) ? 'SKIPPED' : scenarioStatus(checks);
  return {
    id: scenario.id,
    title: scenario.title,
    capability: scenario.capability,
    refs: scenario.refs,
    status,
    ...(broken ? { reason: broken } : {}),
    durationMs: Math.round(performance.now() - started),
    checks,
    messages,
    log,
  };
}
