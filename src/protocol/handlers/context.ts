/** What a message handler gets and gives back. Handlers hold the rules of PROFILE §6; no HTTP. */
import { UcspError, type ResponseCode } from '../../errors/index.js';
import type { IssuerBehaviour } from '../issuer-rules.js';
import type { Ledger } from '../ledger.js';
import { parseUcspTime } from '../time.js';

export interface ProtocolSettings {
  partner: { insID: string; merId: string; merIds?: readonly string[] | undefined; acqIIN: string; industryCode: string };
  users: readonly { userId: string; mobile: string }[];
  zone: string;
  skew: { timeStampSeconds: number; txnTimeSeconds: number };
  /** Public base URL of the mock UCSP. */
  ucspUrl: string;
  /** The paymentUrl of a tn: UCSP's cashier, with the page's capability key. */
  paymentUrl(tn: string): string;
  /** The signUrl of a signing page (its signId is its capability). */
  signUrl(signId: string): string;
}

export interface HandlerContext {
  ledger: Ledger;
  settings: ProtocolSettings;
  /** Virtual time (timers, records). */
  now: number;
  /** Wall-clock time (wire times and their skew checks). */
  wallNow: number;
  /** The issuer behaviour forced for this order through the control API, if any (consumes a "next" override). */
  issuerOverride(orderId: string): IssuerBehaviour | undefined;
}

/** Work for the runtime once the answer is sent. */
export type Effect =
  /** An issuer transaction was started for this order: settle it now if final, else inquire on schedule. */
  | { type: 'watch'; orderId: string }
  /** A new frontend order awaits its user: fail it if still unpaid when its time runs out. */
  | { type: 'expiry'; orderId: string };

export interface HandlerOutcome {
  code: ResponseCode;
  responseMsg?: string;
  trxInfo: Record<string, string>;
  orderId?: string;
  effects: Effect[];
}

export type Handler = (trx: Record<string, string>, ctx: HandlerContext) => HandlerOutcome;

/** Whether a request carries the same business content as the order stored under its orderId. */
export function sameContent(trx: Record<string, string>, stored: object, fields: readonly string[]): boolean {
  const o = stored as Record<string, unknown>;
  return fields.every((f) => (trx[f] ?? '') === (o[f] ?? ''));
}

const interned = new Map<string, string>();
/**
 * One copy of the strings that repeat across orders (merId, acqIIN, currency, userId, backUrl…):
 * with 100,000 orders in memory, the copies JSON.parse makes would cost megabytes. Bounded.
 */
export function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size < 10_000) interned.set(s, s);
  return s;
}

/** txnTime must be within the skew window of UCSP's clock (PROFILE §5): else 36. */
export function checkTxnTime(txnTime: string, ctx: HandlerContext): void {
  const t = parseUcspTime(txnTime, ctx.settings.zone);
  const skew = Math.abs(ctx.wallNow - t) / 1000;
  if (!(skew <= ctx.settings.skew.txnTimeSeconds)) {
    throw new UcspError('incorrect', `txnTime ${txnTime} is ${Math.round(skew)} s from UCSP's clock (allowed ±${ctx.settings.skew.txnTimeSeconds} s, zone ${ctx.settings.zone})`);
  }
}

export function knownUser(userId: string, ctx: HandlerContext): void {
  if (!ctx.settings.users.some((u) => u.userId === userId)) throw new UcspError('incorrect', `userId ${userId} is not a user of the channel app`);
}

/** The answer when an orderId is already taken: the same answer for the same content, else 36. */
export function orderIdTaken(same: boolean, answer: () => HandlerOutcome): HandlerOutcome {
  if (same) return answer();
  throw new UcspError('incorrect', 'orderId already used with other content');
}
