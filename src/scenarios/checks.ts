/** Each kind of `expect`, evaluated against the partner (its driver), the sandbox and the journal. */
import { CURRENCIES, formatAmount } from '../protocol/currencies.js';
import { parseUcspTime } from '../protocol/time.js';
import type { PaymentWalk } from './browser.js';
import { minimumSpacingMs, type InquiryScheduleMode } from '../protocol/inquiry-schedule.js';
import type { ExpectationT } from './scenario-schema.js';
import type { PartnerDriver } from './partner-drivers.js';
import type { JournalView, SandboxClient } from './sandbox-client.js';
import { lookup, whyMissing, type Vars } from './template.js';

export interface CheckContext {
  sandbox: SandboxClient;
  partner: PartnerDriver;
  vars: Vars;
  /** The journal since the scenario started. */
  journal(): Promise<JournalView[]>;
  zone: string;
  skew: { timeStampSeconds: number; txnTimeSeconds: number };
  inquiryScheduleMs: readonly number[];
  /** How inquiryScheduleMs is read (PROFILE §7): waits between inquiries (default) or offsets from the first. */
  inquiryScheduleMode?: InquiryScheduleMode;
}

export interface Verdict {
  status: 'passed' | 'failed' | 'skipped';
  message: string;
  expected?: unknown;
  actual?: unknown;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const pass = (message: string, actual?: unknown): Verdict => ({ status: 'passed', message, ...(actual === undefined ? {} : { actual }) });
const fail = (message: string, expected: unknown, actual: unknown): Verdict => ({ status: 'failed', message, expected, actual });
const skip = (message: string): Verdict => ({ status: 'skipped', message });
const NEEDS_DRIVER = "needs the partner's test driver (PROFILE §9) to read its state";

function varOf(ctx: CheckContext, from: string): Record<string, unknown> | undefined {
  const v = lookup(ctx.vars, from);
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** What the partner did with a notice attempt, each fact once ("answered 36", not "answered 36 (answered 36)"). */
export function answerText(a: { responseCode?: string; httpStatus?: number; problem?: string }): string {
  const p = a.problem;
  if (a.responseCode) return `the partner answered ${a.responseCode}${p && p !== `answered ${a.responseCode}` ? ` (${p})` : ''}`;
  if (a.httpStatus) return `the partner answered HTTP ${a.httpStatus}${p && p !== `HTTP ${a.httpStatus}` ? ` (${p})` : ''}`;
  if (p?.startsWith('no answer')) return `the partner sent ${p}`;
  return `the partner did not answer${p ? `: ${p}` : ''}`;
}

const AMOUNT = /^[1-9][0-9]{0,11}$/;
const PARTNER_INQUIRIES = new Set(['PAYMENT_RESULT_INQUIRY', 'REFUND_RESULT_INQUIRY']);
const ORIGINALS = new Set(['SUBMIT_PAYMENT_ORDER', 'SUBMIT_AUTO_DEBIT']);
const DERIVED = new Set(['PAYMENT_CANCELLATION', 'PAYMENT_REFUND']);

type Parsed = { msgInfo?: Record<string, unknown>; trxInfo?: Record<string, unknown> };
const trxOf = (e: JournalView) => ((e.parsed as Parsed | undefined)?.trxInfo ?? {}) as Record<string, unknown>;

async function requestsRule(rule: string, ctx: CheckContext): Promise<Verdict> {
  const entries = (await ctx.journal()).filter((e) => e.channel === 'api');
  const requests = entries.filter((e) => e.direction === 'in');
  const answers = new Map(entries.filter((e) => e.direction === 'out' && e.replyTo !== undefined).map((e) => [e.replyTo!, e]));
  if (requests.length === 0) return skip('the partner sent no request in this scenario');
  const bad: string[] = [];
  switch (rule) {
    case 'signed':
      for (const r of requests) if (!r.signature?.valid) bad.push(`${r.msgType ?? '?'} ${r.msgID ?? ''}: ${r.signature?.summary ?? 'no signature'}${r.signature?.details?.length ? ` (${r.signature.details[0]})` : ''}`);
      break;
    case 'schema':
      for (const r of requests) {
        const a = answers.get(r.seq);
        if ((a?.corrupted?.genuineCode ?? a?.responseCode) === '10') bad.push(`${r.msgType ?? '?'} ${r.msgID ?? ''}: ${a!.note ?? 'answered 10'}`);
      }
      break;
    case 'uniqueMsgIds': {
      const seen = new Map<string, string>();
      for (const r of requests) {
        if (!r.msgID) continue;
        const a = answers.get(r.seq);
        if (a?.note?.startsWith('byte-for-byte repeat')) continue; // a retry of the very same bytes is allowed
        if (seen.has(r.msgID)) bad.push(`msgID ${r.msgID} used by ${seen.get(r.msgID)} and ${r.msgType ?? '?'}`);
        seen.set(r.msgID, r.msgType ?? '?');
      }
      break;
    }
    case 'minorUnits':
      for (const r of requests) {
        const amt = trxOf(r).txnAmt;
        if (amt !== undefined && (typeof amt !== 'string' || !AMOUNT.test(amt))) bad.push(`${r.msgType ?? '?'}: txnAmt ${JSON.stringify(amt)} is not an integer count of minor units`);
      }
      break;
    case 'txnTimeZone':
      for (const r of requests) {
        const p = r.parsed as Parsed | undefined;
        const pairs: [string, unknown, number][] = [
          ['timeStamp', p?.msgInfo?.timeStamp, ctx.skew.timeStampSeconds],
          ['txnTime', trxOf(r).txnTime, ctx.skew.txnTimeSeconds],
        ];
        for (const [field, value, allowed] of pairs) {
          if (typeof value !== 'string') continue;
          const t = parseUcspTime(value, ctx.zone);
          const off = (t - r.wallAt) / 1000;
          if (!(Math.abs(off) <= allowed)) {
            const hours = off / 3600;
            const guess = Math.abs(Math.round(hours) - hours) < 0.05 && Math.round(hours) !== 0 ? ` — ${Math.round(-hours) >= 0 ? '+' : ''}${Math.round(-hours)} h off: written in another zone than ${ctx.zone}?` : '';
            bad.push(`${r.msgType ?? '?'}: ${field} ${value} is ${Math.round(off)} s from the sandbox clock${guess}`);
          }
        }
      }
      break;
    case 'newOrderIds': {
      const originals = new Set(requests.filter((r) => ORIGINALS.has(r.msgType ?? '')).map((r) => trxOf(r).orderId));
      const derived = new Map<unknown, number>();
      for (const r of requests) {
        if (!DERIVED.has(r.msgType ?? '')) continue;
        const id = trxOf(r).orderId;
        if (originals.has(id)) bad.push(`${r.msgType}: orderId ${String(id)} is the original payment's orderId`);
        const a = answers.get(r.seq);
        if (!a?.note?.startsWith('byte-for-byte repeat')) derived.set(id, (derived.get(id) ?? 0) + 1);
      }
      for (const [id, n] of derived) if (n > 1) bad.push(`orderId ${String(id)} used for ${n} cancellations/refunds`);
      if (derived.size === 0) return skip('the partner sent no cancellation or refund in this scenario');
      break;
    }
  }
  return bad.length ? fail(bad.join('; '), `every request obeys "${rule}"`, bad) : pass(`${requests.length} request(s) obey "${rule}"`);
}

async function inquirySpacing(orderId: string | undefined, ctx: CheckContext): Promise<Verdict> {
  const inquiries = (await ctx.journal()).filter((e) => e.channel === 'api' && e.direction === 'in' && PARTNER_INQUIRIES.has(e.msgType ?? ''));
  const byOrder = new Map<string, number[]>();
  for (const e of inquiries) {
    const id = String(trxOf(e).orderId ?? '');
    if (orderId && id !== orderId) continue;
    byOrder.set(id, [...(byOrder.get(id) ?? []), e.at]);
  }
  if (byOrder.size === 0) return skip('no inquiries to judge');
  const bad: string[] = [];
  const s = ctx.inquiryScheduleMs;
  const mode = ctx.inquiryScheduleMode ?? 'waits';
  for (const [id, times] of byOrder) {
    for (let k = 1; k < times.length; k++) {
      const min = minimumSpacingMs(s, mode, k);
      const gap = times[k]! - times[min.fromInquiry]!;
      if (gap >= min.ms) continue;
      const after = min.fromInquiry === 0 ? 'the first' : `inquiry #${min.fromInquiry + 1}`;
      bad.push(`order ${id}: inquiry #${k + 1} came ${gap / 1000} s after ${after}; no sooner than ${min.ms / 1000} s`);
    }
  }
  const schedule = s.map((x) => x / 1000).join(', ');
  const expected = mode === 'waits' ? `waits of at least ${schedule} s between inquiries` : `inquiries no sooner than ${schedule} s after the first`;
  return bad.length ? fail(bad.join('; '), expected, bad) : pass('inquiries respect the schedule');
}

/**
 * Why an amount sent differs from the one asked for, when the difference has a recognisable cause:
 * a power of ten (the currency's minor unit taken for another one), or rounding to 2 decimals.
 */
export function amountDiagnosis(asked: string, sent: unknown, currencyCode?: string): string {
  if (typeof sent !== 'string' || !AMOUNT.test(sent)) return 'not a whole count of minor units (PROFILE §5)';
  if (!AMOUNT.test(asked)) return '';
  const c = currencyCode ? CURRENCIES[currencyCode] : undefined;
  const a = BigInt(asked);
  const s = BigInt(sent);
  const as = (decimals: number) => (c ? ` — written as if ${c.alpha} had ${decimals} decimal${decimals === 1 ? '' : 's'} (it has ${c.decimals})` : '');
  for (let k = 1, p = 10n; k <= 6; k++, p *= 10n) {
    if (s === a * p) return `${p} times the amount asked for${as(c ? c.decimals + k : 0)}`;
    const diff = a - s * p;
    if (s > 0n && diff > -p && diff < p) return `1/${p} of the amount asked for${diff === 0n ? '' : ', rounded'}${c && c.decimals >= k ? as(c.decimals - k) : ''}`;
  }
  if (c && c.decimals > 2) {
    const unit = 10n ** BigInt(c.decimals - 2);
    const off = s - a;
    if (s % unit === 0n && off > -unit && off < unit) return `rounded to 2 decimals; ${c.alpha} has ${c.decimals}`;
  }
  return '';
}

const money = (amount: unknown, currencyCode: string | undefined) =>
  typeof amount === 'string' && AMOUNT.test(amount) && currencyCode ? `${JSON.stringify(amount)} (${formatAmount(amount, currencyCode)})` : JSON.stringify(amount);

/** Every request for the order that carries txnAmt carries exactly the amount (and currency) the driver was asked for. */
async function amountSent(e: { orderId: string; txnAmt: string; currencyCode?: string }, ctx: CheckContext): Promise<Verdict> {
  const requests = (await ctx.journal()).filter((r) => r.channel === 'api' && r.direction === 'in' && trxOf(r).orderId === e.orderId && trxOf(r).txnAmt !== undefined);
  const expected = { txnAmt: e.txnAmt, ...(e.currencyCode ? { currencyCode: e.currencyCode } : {}) };
  if (requests.length === 0) return fail(`the partner sent no request with a txnAmt for order ${e.orderId}`, expected, 'no request');
  const bad: string[] = [];
  for (const r of requests) {
    const t = trxOf(r);
    const currency = typeof t.currencyCode === 'string' ? t.currencyCode : e.currencyCode;
    if (e.currencyCode && t.currencyCode !== undefined && t.currencyCode !== e.currencyCode) bad.push(`${r.msgType ?? '?'}: currencyCode ${JSON.stringify(t.currencyCode)}, not ${JSON.stringify(e.currencyCode)}`);
    else if (t.txnAmt !== e.txnAmt) {
      const why = amountDiagnosis(e.txnAmt, t.txnAmt, currency);
      bad.push(`${r.msgType ?? '?'}: txnAmt ${money(t.txnAmt, currency)}, not ${money(e.txnAmt, currency)}${why ? `: ${why}` : ''}`);
    }
  }
  if (bad.length) return fail(`order ${e.orderId}: ${bad.join('; ')}`, expected, bad);
  return pass(`${requests.length} request(s) for order ${e.orderId} carried txnAmt ${money(e.txnAmt, e.currencyCode ?? (trxOf(requests[0]!).currencyCode as string | undefined))}`);
}

/** A walk of the payment pages (payInBrowser, abandonInBrowser) went through, and the page it came back to answered. */
function browserWalk(from: string, ctx: CheckContext): Verdict {
  const w = varOf(ctx, from) as Partial<PaymentWalk> | undefined;
  if (!w || typeof w.outcome !== 'string') return fail(`${from} is not a browser walk${whyMissing(ctx.vars, from)}`, 'a payInBrowser or abandonInBrowser result', w);
  const path = (w.steps ?? []).map((s) => `${s.method} ${s.url} → ${s.status || s.error || 'no answer'}`);
  if (w.outcome === 'stopped' || w.problem) return fail(w.problem ?? 'the walk stopped', 'paymentUrl → cashier → payment page → back to frontUrl', path);
  const landed = w.returnError ? `, which could not be reached from here (${w.returnError})` : ` (HTTP ${String(w.returnStatus)})`;
  return pass(`${w.outcome === 'paid' ? 'paid' : 'cancelled'} through the pages and came back to ${String(w.returnedTo)}${landed} in ${path.length} requests`, path);
}

const STILL_OPEN = new Set(['CREATED', 'PENDING']);
const FINAL_BY_CODE: Record<string, readonly string[]> = { '00': ['PAID', 'SUCCEEDED'], '01': ['FAILED'] };

/**
 * Where a check expects an order still open (CREATED, PENDING), a final status is no failure when
 * the partner learned it the way PROFILE §7 allows: its own inquiry, answered by UCSP (genuinely,
 * not an answer corrupted on purpose) with that result before the check. A correct partner may
 * inquire whenever it likes, on its own timers; judging it on whether it happened to inquire
 * before the check would judge it by timing.
 */
async function learnedByInquiry(orderId: string, expected: string[], actual: string, ctx: CheckContext): Promise<string | undefined> {
  if (!expected.some((x) => STILL_OPEN.has(x))) return undefined;
  const answer = (await ctx.journal()).find(
    (x) => x.channel === 'api' && x.direction === 'out' && PARTNER_INQUIRIES.has(x.msgType ?? '') && x.orderId === orderId && !x.corrupted && FINAL_BY_CODE[x.responseCode ?? '']?.includes(actual),
  );
  return answer ? `the partner learned it by its own ${answer.msgType} (journal #${answer.seq}), which UCSP answered ${answer.responseCode} — as PROFILE §7 allows` : undefined;
}

export async function evaluate(expect: ExpectationT, ctx: CheckContext): Promise<Verdict> {
  if ('orderStatus' in expect) {
    const e = expect.orderStatus;
    if (!ctx.partner.state) return skip(NEEDS_DRIVER);
    const o = await ctx.partner.state.order(e.orderId);
    if (!o) return fail(`the partner does not know order ${e.orderId}`, list(e.is), 'unknown (404)');
    if (!list(e.is).includes(String(o.status))) {
      const learned = await learnedByInquiry(e.orderId, list(e.is), String(o.status), ctx);
      if (learned) return pass(`order ${e.orderId} is ${String(o.status)}: ${learned}`, o);
      return fail(`order ${e.orderId} is ${String(o.status)}`, list(e.is), o.status);
    }
    if (e.refundedAmt !== undefined && String(o.refundedAmt) !== e.refundedAmt) return fail(`order ${e.orderId} has refundedAmt ${String(o.refundedAmt)}`, e.refundedAmt, o.refundedAmt);
    return pass(`order ${e.orderId} is ${String(o.status)}`, o);
  }
  if ('contractStatus' in expect) {
    const e = expect.contractStatus;
    if (!ctx.partner.state) return skip(NEEDS_DRIVER);
    const c = (await ctx.partner.state.contract(e.contractId)) ?? { status: 'UNKNOWN' };
    if (!list(e.is).includes(String(c.status))) return fail(`contract ${e.contractId} is ${String(c.status)}`, list(e.is), c.status);
    if (e.userId !== undefined && c.userId !== e.userId) return fail(`contract ${e.contractId} belongs to ${String(c.userId)}`, e.userId, c.userId);
    return pass(`contract ${e.contractId} is ${String(c.status)}`, c);
  }
  if ('session' in expect) {
    const e = expect.session;
    if (!ctx.partner.state) return skip(NEEDS_DRIVER);
    const login = varOf(ctx, e.from);
    const s = await ctx.partner.state.session((login?.cookies as string[] | undefined) ?? []);
    if (e.none) return s.status === 401 || !s.userId ? pass('no session was opened') : fail(`a session was opened for ${s.userId}`, 'no session (401)', s);
    if (s.status !== 200) return fail(`no session (GET /session answered ${s.status})`, { userId: e.userId }, s);
    return s.userId === e.userId ? pass(`session for ${s.userId}`) : fail(`the session is for ${String(s.userId)}`, e.userId, s.userId);
  }
  if ('loginStatus' in expect) {
    const e = expect.loginStatus;
    const status = Number(varOf(ctx, e.from)?.status);
    const accepted = status >= 200 && status < 400;
    if (e.accepted) return accepted ? pass(`the partner answered ${status}`) : fail(`the partner refused a valid hand-off with ${status}`, '200 or a redirect', status);
    if (status === 400 || status === 401) return pass(`the partner refused with ${status}`);
    return fail(accepted ? `the partner accepted it (${status})` : `the partner answered ${status}; a refusal is 400 (malformed) or 401 (signature, stale, replayed)`, '400 or 401', status);
  }
  if ('noticeAnswer' in expect) {
    const e = expect.noticeAnswer;
    const notices = await ctx.sandbox.notices(e.orderId);
    const n = notices.sort((a, b) => a.createdAt - b.createdAt).at(-1);
    if (!n) return fail(`UCSP sent no notice for order ${e.orderId}`, list(e.code), 'no notice');
    const which = e.attempt ?? 'last';
    const pool = which === 'extra' || which === 'scheduled' ? n.attempts.filter((a) => a.kind === which) : n.attempts;
    const a = which === 'first' ? pool[0] : pool.at(-1);
    if (!a) return fail(`notice ${n.id} has no ${which} attempt${n.attempts.length ? '' : `: UCSP never sent it (${n.status})`}`, list(e.code), n.attempts);
    const code = a.responseCode ?? (a.httpStatus ? `HTTP ${a.httpStatus}` : 'no answer');
    if (!list(e.code).includes(code)) return fail(answerText(a), list(e.code), code);
    // a code in a malformed answer is no answer UCSP can take (PROFILE §6.3)
    if (a.problem?.startsWith('answer is malformed')) return fail(answerText(a), `a well-formed answer with ${list(e.code).join(' or ')}`, a.problem);
    if (e.delivered !== undefined && (n.status === 'DELIVERED') !== e.delivered) return fail(`notice ${n.id} is ${n.status}`, e.delivered ? 'DELIVERED' : 'not delivered', n.status);
    return pass(`the partner answered ${code}`, { notice: n.id, attempt: a });
  }
  if ('result' in expect) {
    const v = lookup(ctx.vars, expect.result.from);
    return list(expect.result.is).includes(String(v)) ? pass(`${expect.result.from} is ${String(v)}`) : fail(`${expect.result.from} is ${String(v)}${v === undefined ? whyMissing(ctx.vars, expect.result.from) : ''}`, list(expect.result.is), v);
  }
  if ('refused' in expect) {
    const v = varOf(ctx, expect.refused.from) ?? {};
    const codes = expect.refused.codes ?? ['01', '34', '36'];
    if (typeof v.status === 'number' && v.status >= 400 && v.status < 500) return pass(`the partner refused to act (${v.status}: ${String(v.error ?? '')})`);
    if (v.status === 200 && codes.includes(String(v.responseCode))) return pass(`UCSP answered ${String(v.responseCode)}`);
    return fail(v.status === 200 ? `it went through (UCSP answered ${String(v.responseCode)})` : `the partner failed (${String(v.status)}: ${String(v.error ?? '')})`, `a local refusal (4xx) or UCSP code ${codes.join('/')}`, v);
  }
  if ('sandboxOrder' in expect) {
    const e = expect.sandboxOrder;
    const o = await ctx.sandbox.order(e.orderId);
    if (!e.exists) return o ? fail(`UCSP holds order ${e.orderId} (${String(o.status)})`, 'no such order', o.status) : pass(`UCSP holds no order ${e.orderId}`);
    if (!o) return fail(`UCSP holds no order ${e.orderId}`, 'the order', undefined);
    if (e.status !== undefined && !list(e.status).includes(String(o.status))) return fail(`UCSP's order ${e.orderId} is ${String(o.status)}`, list(e.status), o.status);
    return pass(`UCSP's order ${e.orderId} is ${String(o.status)}`);
  }
  if ('differs' in expect) {
    const { a, b } = expect.differs;
    return a !== b ? pass(`${a} ≠ ${b}`) : fail(`both are ${a}`, 'different values', a);
  }
  if ('distrusted' in expect) {
    // PROFILE §9: a driver reports what the partner validly got from UCSP, or that it could not act
    const e = expect.distrusted;
    if (ctx.partner.mode !== 'driver') return skip("needs the partner's test driver (PROFILE §9): only it says what the partner made of the answer");
    const v = varOf(ctx, e.from) ?? {};
    if (typeof v.status === 'number' && v.status >= 400) return pass(`the partner could not act (${v.status}: ${String(v.error ?? '')}): it took the unusable answer as no answer`);
    const expected = `could not act (4xx/5xx), or UCSP's genuine ${e.codes.join('/')}`;
    if (v.status === 200) {
      const reported = String(v.responseCode);
      // UCSP's answers about the order the driver names: the corrupted ones, and the genuine ones of the same type
      const orderId = typeof v.orderId === 'string' ? v.orderId : undefined;
      const answers = orderId ? (await ctx.journal()).filter((a) => a.channel === 'api' && a.direction === 'out' && a.orderId === orderId) : [];
      const broken = answers.filter((a) => a.corrupted);
      if (answers.length && !broken.length) return skip(`no answer about order ${orderId} was corrupted (UCSP answered ${answers.map((a) => a.responseCode ?? '?').join(', ')}): nothing to judge`);
      const types = new Set(broken.map((a) => a.msgType));
      const genuine = new Set([...e.codes, ...answers.filter((a) => !a.corrupted && types.has(a.msgType) && a.responseCode).map((a) => a.responseCode!)]);
      if (genuine.has(reported)) return pass(`the partner reported ${reported}, UCSP's genuine answer (got by a retry)`);
      return fail(`the partner reported ${reported}: it took an answer it could not have verified for UCSP's`, expected, v);
    }
    return fail(`the partner failed (${String(v.status)}: ${String(v.error ?? '')})`, expected, v);
  }
  if ('requests' in expect) return requestsRule(expect.requests, ctx);
  if ('amountSent' in expect) return amountSent(expect.amountSent, ctx);
  if ('browserWalk' in expect) return browserWalk(expect.browserWalk.from, ctx);
  return inquirySpacing(expect.inquirySpacing.orderId, ctx);
}
