/**
 * The request path of `POST /ucsp/api`, as a story:
 *   raw bytes → strict JSON → verify signature → replay check → layout and schema (msgResponse
 *   absent, certificateSignature last: PROFILE §3) → registration and clock checks → state transition (handler) → signed answer and effects (notices, issuer).
 * Every failure becomes a coded answer here and nowhere else; nothing rejected changes state. The
 * answer comes back as placeholder text: the caller signs it (in this thread or a worker) and
 * remembers it for byte-for-byte repeats — every answer to a validly signed request, refusals too.
 */
import { hash } from 'node:crypto';
import { isUcspError, type ResponseCode } from '../errors/index.js';
import { LAYOUT_RULE, onlyClosingBracesAfter, verifyParsed, type SignatureVariant, type TrustStore } from '../crypto/index.js';
import { isMsgType, isPartnerToUcsp, type MsgType } from '../schemas/message-types.js';
import { decodeUtf8, parseStrictJson } from '../schemas/strict-json.js';
import { formatDiagnostics, validateMessage } from '../schemas/validate.js';
import { HANDLERS, KEY_FIELDS, type Effect, type HandlerContext, type ProtocolSettings } from '../protocol/handlers/index.js';
import type { IssuerBehaviour } from '../protocol/issuer-rules.js';
import type { Ledger } from '../protocol/ledger.js';
import { parseUcspTime } from '../protocol/time.js';
import type { SignatureVerdict } from '../journal/journal.js';
import { answerMsgInfo, answerPlaceholder, echoKeyFields, responseMsg } from './answer.js';
import { answerFields } from './answer-fields.js';
import type { AnswerFault } from './answer-faults.js';

export interface GatewayDeps {
  ledger: Ledger;
  settings: ProtocolSettings;
  /** The partner's registered certificate(s). */
  trust: TrustStore;
  variant: SignatureVariant;
  /** signCertID of UCSP's certificate (answers are signed by the caller, here or in a worker). */
  signCertID: string;
  now(): number;
  wallNow(): number;
  issuerOverride(orderId: string): IssuerBehaviour | undefined;
  /** A code the control API forces on the next valid request of this type (state unchanged). */
  forcedAnswer?(msgType: string): ResponseCode | undefined;
  /** A fault the control API set on the answer to the next valid request of this type. */
  answerFault?(msgType: string): AnswerFault | undefined;
}

export interface GatewayResult {
  /** A byte-for-byte repeat: the first answer, already signed. */
  text?: string;
  /**
   * A byte-for-byte repeat of a request whose answer is still being signed (--workers): that
   * answer, when it comes (`code` is then read from it).
   */
  pending?: Promise<string>;
  /** Otherwise: the answer as placeholder text, to be signed (signPlaceholderText). */
  unsigned?: string;
  /** Remember the signed answer for byte-for-byte repeats of this msgID. */
  remember?: { msgID: string; digest: string };
  code: ResponseCode;
  /** The request as read (undefined when unreadable). */
  requestText?: string;
  msgType: string;
  msgID?: string;
  orderId?: string;
  signature?: SignatureVerdict;
  /** Why the request was refused (for the journal). */
  reason?: string;
  /** The body could not be read as JSON at all: the journal keeps only its beginning. */
  unreadable?: boolean;
  replayed: boolean;
  effects: Effect[];
  /**
   * The answer is to be corrupted on its way to the partner (control API); `unsigned` is the
   * genuine answer, processed and remembered as any. `requestTrx`: the request's trxInfo.
   */
  fault?: { fault: AnswerFault; requestTrx: Record<string, string> };
}


export function handleApiRequest(bytes: Uint8Array, deps: GatewayDeps): GatewayResult {
  const { ledger, settings } = deps;
  const wallNow = deps.wallNow();
  const fallback = { insID: settings.partner.insID, wallNow, zone: settings.zone, ids: ledger.ids };

  // 1. Raw bytes → strict JSON. Unreadable: 10, msgType UNKNOWN.
  let text: string | undefined;
  let parsed: unknown;
  try {
    text = decodeUtf8(bytes);
    parsed = parseStrictJson(text);
  } catch (e) {
    const reason = isUcspError(e) ? e.message : 'unreadable body';
    const msgInfo = answerMsgInfo(undefined, fallback, isMsgType);
    return refuse(deps, msgInfo, {}, '10', reason, { requestText: text, unreadable: true });
  }
  const msg = (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}) as Record<string, unknown>;
  const msgInfo = answerMsgInfo(msg.msgInfo, fallback, isMsgType);
  const keyFields = KEY_FIELDS[msgInfo.msgType as keyof typeof KEY_FIELDS] ?? ['orderId', 'merId'];
  const echo = echoKeyFields(msg.trxInfo, keyFields);
  // the journal names the order even when its orderId is out of format (the answer cannot echo it),
  // so that a refused order is found by the id its developer knows; only printable and short
  const base = { requestText: text, orderId: echo.orderId ?? journalOrderId(msg.trxInfo) };
  if (msg.msgInfo === null || typeof msg.msgInfo !== 'object') return refuse(deps, msgInfo, echo, '10', 'msgInfo is missing', base);

  // 2. Signature over the raw text, with the partner's registered certificate.
  const v = verifyParsed(text, parsed, deps.trust, { variant: deps.variant, digest: false });
  const signature: SignatureVerdict = { valid: v.valid, ...(v.problem ? { problem: v.problem } : {}), summary: v.summary, details: v.details };
  if (!v.valid) return refuse(deps, msgInfo, echo, '11', v.summary, { requestText: text, orderId: base.orderId, signature });

  // 3. Replay: a byte-for-byte repeat gets the first answer; the same msgID with other content is 11.
  // 128 bits of SHA-256 tell a byte-for-byte repeat from other content
  const digest = hash('sha256', bytes, 'base64').slice(0, 22);
  const rawMsgID = (msg.msgInfo as { msgID?: unknown }).msgID;
  const msgID = typeof rawMsgID === 'string' ? rawMsgID : undefined;
  if (msgID) {
    const seen = ledger.replay.check(msgID, digest, deps.now());
    // 'repeat-unkept' (an answer too old to keep) is processed again: the handlers are idempotent
    if (seen.kind === 'repeat') {
      return { text: seen.answer, code: codeOf(seen.answer), requestText: text, msgType: msgInfo.msgType, msgID, orderId: echo.orderId, signature, replayed: true, effects: [] };
    }
    // the first request with these bytes is still being answered (--workers): its answer, when signed
    if (seen.kind === 'pending') {
      return { pending: seen.answer, code: '00', requestText: text, msgType: msgInfo.msgType, msgID, orderId: echo.orderId, signature, replayed: true, effects: [] };
    }
    if (seen.kind === 'conflict') return refuse(deps, msgInfo, echo, '11', `msgID ${msgID} was already used with other content`, { requestText: text, orderId: base.orderId, signature });
  }
  // From here on every answer is remembered, refusals too: the request is validly signed, so its
  // msgID is the partner's, and a byte-for-byte repeat gets this very answer again (PROFILE §8).
  // (A msgID out of format is not kept: the schema refuses it, and the answer echoes another.)
  const signed = { requestText: text, orderId: base.orderId, signature, ...(msgID && msgID === msgInfo.msgID ? { remember: { msgID, digest } } : {}) };

  // 4. Schema: a partner→UCSP message type, every field in format.
  const t = msgInfo.msgType;
  if (!isPartnerToUcsp(t)) {
    const why = t === 'UNKNOWN' ? `unknown msgType ${JSON.stringify((msg.msgInfo as { msgType?: unknown }).msgType)}` : `${t} is not a message a partner sends to UCSP`;
    return refuse(deps, msgInfo, echo, '10', why, signed);
  }
  // The layout of PROFILE §3: certificateSignature last, signature its last member (signing is one substitution).
  // (the signature check found the literal's one occurrence: only what follows it is looked at)
  if (v.literalEnd !== undefined && !onlyClosingBracesAfter(text, v.literalEnd)) return refuse(deps, msgInfo, echo, '10', LAYOUT_RULE, signed);
  const check = validateMessage(parsed, { role: 'request', msgType: t as never });
  if (!check.valid) return refuse(deps, msgInfo, echo, '10', formatDiagnostics(check.errors).join('; '), signed);

  // 5. Registration and clock.
  const trx = msg.trxInfo as Record<string, string>;
  if (msgInfo.insID !== settings.partner.insID) return refuse(deps, msgInfo, echo, '10', `insID ${msgInfo.insID} is not the registered ${settings.partner.insID}`, signed);
  if (trx.merId !== settings.partner.merId && !settings.partner.merIds?.includes(trx.merId!)) {
    const registered = [settings.partner.merId, ...(settings.partner.merIds ?? [])].join(', ');
    return refuse(deps, msgInfo, echo, '10', `merId ${trx.merId} is not ${settings.partner.merIds?.length ? 'one of the registered' : 'the registered'} ${registered}`, signed);
  }
  const skew = Math.abs(wallNow - parseUcspTime(msgInfo.timeStamp, settings.zone)) / 1000;
  if (!(skew <= settings.skew.timeStampSeconds)) {
    return refuse(deps, msgInfo, echo, '11', `timeStamp ${msgInfo.timeStamp} is ${Math.round(skew)} s from UCSP's clock (allowed ±${settings.skew.timeStampSeconds} s, zone ${settings.zone})`, signed);
  }

  // A fault on the answer (control API): the request is processed as any, its answer broken on the way.
  const taken = deps.answerFault?.(t);
  const fault = taken ? { fault: { fault: taken, requestTrx: trx } } : {};

  // A fault set through the control API: answer this valid request with a given code, change nothing.
  // The answer carries every field its type and code require (PROFILE §6), made new where UCSP holds none.
  const forced = deps.forcedAnswer?.(t);
  let unforced: string | undefined;
  if (forced) {
    const built = answerFields(t as MsgType, forced, trx, echo, { ledger, paymentUrl: settings.paymentUrl, signUrl: settings.signUrl, wallNow, zone: settings.zone });
    if ('trxInfo' in built) {
      const unsigned = answerPlaceholder(msgInfo, built.trxInfo, forced, responseMsg(forced, 'answer forced by the sandbox (control API)'), deps.signCertID);
      return { unsigned, ...(msgID ? { remember: { msgID, digest } } : {}), code: forced, requestText: text, msgType: t, msgID, orderId: echo.orderId, signature, reason: 'answer forced by the control API', replayed: false, effects: [], ...fault };
    }
    // no honest answer with that code: answered as UCSP would, and the journal says why
    unforced = `the forced answer ${forced} was not given: ${built.problem}`;
  }

  // 6. State transition.
  const ctx: HandlerContext = { ledger, settings, now: deps.now(), wallNow, issuerOverride: deps.issuerOverride };
  let code: ResponseCode;
  let trxOut: Record<string, string>;
  let reason: string | undefined;
  let effects: Effect[] = [];
  let orderId = echo.orderId;
  try {
    const out = HANDLERS[t as keyof typeof HANDLERS]!(trx, ctx);
    code = out.code;
    trxOut = out.trxInfo;
    effects = out.effects;
    reason = out.responseMsg;
    orderId = out.orderId ?? orderId;
  } catch (e) {
    if (!isUcspError(e)) throw e;
    code = e.responseCode;
    trxOut = echo;
    reason = e.message;
  }

  // 7. Signed answer, remembered for byte-for-byte repeats.
  const unsigned = answerPlaceholder(msgInfo, trxOut, code, responseMsg(code, reason), deps.signCertID);
  const note = reason && unforced ? `${reason}; ${unforced}` : reason || unforced;
  return { unsigned, ...(msgID ? { remember: { msgID, digest } } : {}), code, requestText: text, msgType: t, msgID, orderId, signature, ...(note ? { reason: note } : {}), replayed: false, effects, ...fault };
}

function refuse(
  deps: GatewayDeps,
  msgInfo: ReturnType<typeof answerMsgInfo>,
  trxInfo: Record<string, string>,
  code: ResponseCode,
  reason: string,
  extra: { requestText?: string; orderId?: string; signature?: SignatureVerdict; remember?: GatewayResult['remember']; unreadable?: boolean },
): GatewayResult {
  const unsigned = answerPlaceholder(msgInfo, trxInfo, code, responseMsg(code, reason), deps.signCertID);
  return { unsigned, code, msgType: msgInfo.msgType, msgID: msgInfo.msgID, reason, replayed: false, effects: [], ...extra };
}

export function codeOf(answer: string): ResponseCode {
  const m = /"responseCode":"([0-9]{2})"/.exec(answer);
  return (m?.[1] ?? '99') as ResponseCode;
}

/** trxInfo.orderId as sent, for the journal only: a printable ASCII string of at most 64 characters. */
function journalOrderId(trxInfo: unknown): string | undefined {
  const v = trxInfo !== null && typeof trxInfo === 'object' ? (trxInfo as Record<string, unknown>).orderId : undefined;
  return typeof v === 'string' && /^[\x20-\x7e]{1,64}$/.test(v) ? v : undefined;
}
