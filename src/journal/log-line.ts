/**
 * The journal as people read it: one line (or one JSON object) per exchange — a request and its
 * answer, a notice attempt and the partner's answer, a page action — with the parties named for
 * people (partner → UCSP, UCSP → partner, browser → cashier, UCSP → issuer…), the code, the
 * signature verdict, the time taken and, for every refusal or failed attempt, the reason in words.
 *
 * Pure: entries in, text out. Used by the live log of `start` (live-log.ts) and `logs` (over the
 * control API's journal views); anything else that prints the journal can use it too.
 */
import { RESPONSE_MESSAGES, type ResponseCode } from '../errors/index.js';
import type { JournalChannel, JournalEntry, NoticeAttemptInfo } from './journal.js';

/** A request and its answer; either may be missing (not journalled, filtered out, not yet come). */
export interface Exchange {
  request?: JournalEntry;
  answer?: JournalEntry;
  /** The partner (insID) whose journal it is, in a sandbox shared by several. */
  partner?: string;
}

export type Outcome = 'ok' | 'pending' | 'declined' | 'refused' | 'failed' | 'info' | 'unanswered';

/** One exchange as a machine reads it (`--log json`, `logs --json`: one per line; undefined fields are left out). */
export interface LogRecord {
  /** The partner (insID) whose exchange it is, in a sandbox shared by several (its seq is of that partner's journal). */
  partner?: string;
  /** seq of the exchange's first entry (its request, or its answer when alone). */
  seq: number;
  /** seq of the answer, when it has one. */
  answerSeq?: number;
  /** Wall-clock time of the exchange's start (ISO 8601, UTC). */
  time: string;
  /** The same instant on the sandbox clock (ISO 8601, UTC). */
  sandboxTime: string;
  channel: JournalChannel;
  from: string;
  to: string;
  /** The msgType, or what happened (pay, inquiry, order expired…). */
  what: string;
  orderId?: string;
  msgID?: string;
  /** The response code of the answer. */
  code?: string;
  outcome: Outcome;
  /** Why a request was refused, or an attempt failed, in words. */
  reason?: string;
  /** The verdict on the signature UCSP checked: the partner's request, or the partner's answer to a notice. */
  signature?: { valid: boolean; summary: string; problem?: string };
  httpStatus?: number;
  durationMs?: number;
  /** A notice attempt: which one, and what follows (nextInMs: after the answer, on the sandbox clock). */
  attempt?: NoticeAttemptInfo & { nextInMs?: number };
  /** Anything else the journal says (a byte-for-byte repeat, a forced or corrupted answer, a tampered copy…). */
  note?: string;
  /** Facts of the exchange worth a glance (a card, the issuer's behaviour, a user, a status). */
  detail?: string;
  peer?: string;
}

/** Whether an entry starts an exchange whose answer is journalled later with `replyTo`. */
export function awaitsAnswer(e: JournalEntry): boolean {
  return e.replyTo === undefined && ((e.channel === 'api' && e.direction === 'in') || (e.channel === 'notice' && e.direction === 'out') || (e.channel === 'issuer' && e.direction === 'out'));
}

/**
 * Joins entries into exchanges as they come: an entry that awaits its answer is held until the
 * answer (`replyTo`) comes; everything else is an exchange at once. At most `maxHeld` are held
 * (the oldest then goes out unanswered), so a stream of unanswered requests costs bounded memory.
 */
export class ExchangeJoiner {
  private readonly held = new Map<number, JournalEntry>();

  constructor(
    private readonly emit: (x: Exchange) => void,
    private readonly maxHeld = 1000,
  ) {}

  push(e: JournalEntry): void {
    if (e.replyTo !== undefined) {
      const request = this.held.get(e.replyTo);
      if (request) this.held.delete(e.replyTo);
      this.emit(request ? { request, answer: e } : { answer: e });
      return;
    }
    if (!awaitsAnswer(e)) return this.emit({ request: e });
    this.held.set(e.seq, e);
    if (this.held.size > this.maxHeld) {
      const [oldest, entry] = this.held.entries().next().value as [number, JournalEntry];
      this.held.delete(oldest);
      this.emit({ request: entry });
    }
  }

  /** Sends what is still held, unanswered (the end of a listing, a reset, the sandbox closing). */
  flush(): void {
    const all = [...this.held.values()];
    this.held.clear();
    for (const request of all) this.emit({ request });
  }

  get heldCount(): number {
    return this.held.size;
  }
}

const MAX_FIELD = 64;
const MAX_REASON = 400;

/**
 * Text from the wire made safe for one terminal line: control characters (escape sequences, new
 * lines), bidirectional overrides and other invisible format characters become `?`, and it is
 * cut at `max` characters. Anyone can send the wire API anything; the log must not run it.
 */
export function clean(text: string, max = MAX_FIELD): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, '?');
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The responseMsg of an answer, when it says more than the code's standard words. */
function responseMsgOf(raw: string): string | undefined {
  const msg = parseObject(raw)?.msgResponse as Record<string, unknown> | undefined;
  const text = str(msg?.responseMsg);
  const code = str(msg?.responseCode) as ResponseCode | undefined;
  return text && (!code || text !== RESPONSE_MESSAGES[code]) ? text : undefined;
}

function outcomeOfCode(code: string | undefined): Outcome {
  if (code === '00') return 'ok';
  if (code === '05') return 'pending';
  if (code === '01') return 'declined';
  return code === undefined ? 'info' : 'refused';
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/**
 * The record of an exchange: who spoke to whom, about what, and how it ended. Fields that do not
 * apply are undefined (JSON leaves them out). Built as one literal, never by spreading: it runs
 * once per exchange, and V8 spreads objects holding undefined values on a slow path (~50 µs).
 */
export function describeExchange(x: Exchange): LogRecord {
  const first = x.request ?? x.answer!;
  const p = partsOf(x, first);
  return {
    partner: x.partner,
    seq: first.seq,
    answerSeq: x.request && x.answer ? x.answer.seq : undefined,
    time: iso(first.wallAt),
    sandboxTime: iso(first.at),
    channel: first.channel,
    from: p.from,
    to: p.to,
    what: p.what,
    orderId: first.orderId ?? x.answer?.orderId,
    msgID: first.msgID,
    code: p.code,
    outcome: p.outcome,
    reason: p.reason,
    signature: p.signature,
    httpStatus: p.httpStatus,
    durationMs: p.durationMs,
    attempt: p.attempt,
    note: p.note,
    detail: p.detail,
    peer: p.peer,
  };
}

/** What differs by channel. */
type Parts = Omit<LogRecord, 'partner' | 'seq' | 'answerSeq' | 'time' | 'sandboxTime' | 'channel' | 'orderId' | 'msgID'>;

function partsOf(x: Exchange, first: JournalEntry): Parts {
  switch (first.channel) {
    case 'api':
      return apiParts(x);
    case 'notice':
      return noticeParts(x);
    case 'issuer':
      return issuerParts(x);
    case 'cashier':
      return cashierParts(first);
    case 'login':
      return loginParts(first);
    default:
      return { from: first.direction === 'in' ? 'browser' : 'UCSP', to: first.direction === 'in' ? 'UCSP' : 'browser', what: first.msgType ?? first.channel, outcome: 'info', note: first.note };
  }
}

function verdict(sig: JournalEntry['signature']): LogRecord['signature'] {
  return sig ? { valid: sig.valid, summary: sig.summary, problem: sig.problem } : undefined;
}

function apiParts(x: Exchange): Parts {
  const { request, answer } = x;
  const code = answer?.responseCode;
  const outcome = answer ? outcomeOfCode(code) : 'unanswered';
  const said = answer?.note ?? (answer && outcome !== 'ok' && outcome !== 'pending' ? responseMsgOf(answer.raw) : undefined);
  const failed = outcome === 'refused' || outcome === 'declined';
  // a corrupted or forced answer is not a refusal of the request, whatever code it claims
  const onPurpose = answer?.corrupted !== undefined || said === 'answer forced by the control API';
  const isReason = failed && !onPurpose;
  return {
    from: 'partner',
    to: 'UCSP',
    what: request?.msgType ?? answer?.msgType ?? 'UNKNOWN',
    code,
    outcome,
    reason: isReason ? said : undefined,
    note: isReason ? undefined : said,
    signature: verdict(request?.signature),
    durationMs: answer?.durationMs,
    peer: request?.peer,
  };
}

function noticeParts(x: Exchange): Parts {
  const { request, answer } = x;
  const info = answer?.attempt ?? request?.attempt;
  const attempt = info && info.nextAt !== undefined && answer ? { noticeId: info.noticeId, kind: info.kind, n: info.n, of: info.of, then: info.then, nextAt: info.nextAt, nextInMs: Math.max(0, info.nextAt - answer.at) } : info;
  const failed = answer ? answer.note !== undefined : false;
  return {
    from: 'UCSP',
    to: 'partner',
    what: request?.msgType ?? answer?.msgType ?? 'NOTICE',
    code: answer?.responseCode,
    outcome: answer ? (failed ? 'failed' : 'ok') : 'unanswered',
    reason: failed ? answer!.note : undefined,
    signature: verdict(answer?.signature),
    httpStatus: answer?.httpStatus,
    durationMs: answer?.durationMs,
    attempt,
    note: request?.note,
    peer: request?.peer ?? answer?.peer,
  };
}

function issuerParts(x: Exchange): Parts {
  const { request, answer } = x;
  const status = answer ? str(parseObject(answer.raw)?.status) : undefined;
  const outcome: Outcome = status === 'APPROVED' ? 'ok' : status === 'DECLINED' ? 'declined' : status === 'PENDING' ? 'pending' : 'info';
  // without a request: the issuer speaks first, its own notification of a result
  if (!request) return { from: 'issuer', to: 'UCSP', what: 'result', outcome, detail: status, note: answer!.note };
  const n = str(parseObject(request.raw)?.n);
  return { from: 'UCSP', to: 'issuer', what: n ? `inquiry #${n}` : 'inquiry', outcome: answer ? outcome : 'unanswered', detail: status };
}

function cashierParts(e: JournalEntry): Parts {
  const body = parseObject(e.raw) ?? {};
  if (body.expired !== undefined) return { from: 'UCSP', to: 'cashier', what: 'order expired', outcome: 'declined', reason: e.note };
  const card = str(body.card);
  const behaviour = str(body.behaviour);
  const detail = [card ? `card ${card}` : undefined, behaviour ? `issuer: ${behaviour}` : undefined].filter(Boolean).join(', ');
  return { from: 'browser', to: 'cashier', what: body.pay !== undefined ? 'pay' : 'page', outcome: 'info', detail: detail || undefined, note: e.note };
}

function loginParts(e: JournalEntry): Parts {
  // only the userId: the hand-off also carries the user's mobile, which the log never shows
  const trx = parseObject(e.raw)?.trxInfo as Record<string, unknown> | undefined;
  const userId = str(trx?.userId);
  return { from: 'UCSP', to: 'partner', what: e.msgType ?? 'INDUSTRY_LOGIN_INFO', outcome: 'info', detail: `login hand-off through the browser${userId ? ` for ${userId}` : ''}`, note: e.note };
}

/** How long, for people: 850 ms, 15 s, 5 min, 1 h 30 min. */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Colours for a terminal; identity when there is none. */
export interface Paint {
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
}

const plain = (s: string) => s;
export const NO_PAINT: Paint = { dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, bold: plain };

export interface LineOptions {
  paint?: Paint;
  /** Times in UTC (tests, logs read elsewhere) or the local zone (a terminal; the default). */
  utc?: boolean;
}

function clockTime(ms: number, utc: boolean): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return utc
    ? `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`
    : `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function formatMs(ms: number): string {
  return ms < 10 ? `${Math.round(ms * 10) / 10} ms` : describeDuration(ms);
}

/**
 * One line for people, e.g.
 *   12:00:01.042  partner → UCSP     SUBMIT_PAYMENT_ORDER  ORD1  → 00  sig ok  3 ms
 *   12:00:01.050  partner → UCSP     SUBMIT_PAYMENT_ORDER  bad#1  → 10  sig ok  2 ms  refused: trxInfo.orderId: …
 *   12:00:05.000  UCSP → partner     PAYMENT_RESULT_NOTICE  ORD1  attempt 1/8  → HTTP 200  9 ms  failed: …; next attempt in 15 s
 * No new line at the end; nothing from the wire can break it (clean()).
 */
export function formatRecord(r: LogRecord, o: LineOptions = {}): string {
  const p = o.paint ?? NO_PAINT;
  const parts: string[] = [p.dim(clockTime(Date.parse(r.time), o.utc ?? false)), ...(r.partner ? [p.dim(`[${clean(r.partner, 16)}]`)] : []), p.cyan(`${r.from} → ${r.to}`.padEnd(17)), p.bold(clean(r.what))];
  if (r.orderId) parts.push(clean(r.orderId));
  if (r.attempt) parts.push(r.attempt.kind === 'scheduled' ? `attempt ${r.attempt.n}/${r.attempt.of}` : `extra copy (attempt ${r.attempt.n})`);
  if (r.detail) parts.push(clean(r.detail, MAX_REASON));
  const answered: string[] = [];
  if (r.httpStatus !== undefined && r.httpStatus !== 200) answered.push(`HTTP ${r.httpStatus}`);
  if (r.code) answered.push(clean(r.code, 8));
  if (answered.length) {
    const text = `→ ${answered.join(' ')}`;
    parts.push(r.outcome === 'ok' ? p.green(text) : r.outcome === 'pending' || r.outcome === 'declined' ? p.yellow(text) : r.outcome === 'info' ? text : p.red(text));
  } else if (r.outcome === 'unanswered') parts.push(p.yellow('no answer recorded'));
  if (r.signature) parts.push(r.signature.valid ? p.green('sig ok') : p.red(`sig BAD (${clean(r.signature.summary, 160)})`));
  if (r.durationMs !== undefined) parts.push(p.dim(formatMs(r.durationMs)));
  const tail: string[] = [];
  if (r.reason) tail.push(r.outcome === 'declined' ? p.yellow(clean(r.reason, MAX_REASON)) : p.red(`${r.channel === 'notice' ? 'failed' : 'refused'}: ${clean(r.reason, MAX_REASON)}`));
  else if (r.channel === 'notice' && r.outcome === 'ok') tail.push(p.green(r.attempt?.kind === 'extra' ? 'accepted' : 'delivered'));
  if (r.attempt?.then === 'retry' && r.attempt.nextInMs !== undefined) tail.push(p.yellow(`next attempt in ${describeDuration(r.attempt.nextInMs)}`));
  if (r.attempt?.then === 'gave-up') tail.push(p.red('UCSP gives up: no attempt left'));
  if (r.note) tail.push(p.dim(`(${clean(r.note, MAX_REASON)})`));
  return [...parts, ...(tail.length ? [tail.join('; ')] : [])].join('  ');
}

/** An exchange as one line for people. */
export function formatExchange(x: Exchange, o: LineOptions = {}): string {
  return formatRecord(describeExchange(x), o);
}
