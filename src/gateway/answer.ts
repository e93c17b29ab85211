/** Building UCSP's signed answers: msgInfo echoed (PROFILE §3), key fields repeated, a code. */
import { RESPONSE_MESSAGES, type ResponseCode } from '../errors/index.js';
import { PLACEHOLDER, signMessage, type SignerCredentials } from '../crypto/index.js';
import { PATTERNS, isUcspTime } from '../schemas/patterns.js';
import { formatUcspTime } from '../protocol/time.js';
import type { IdGenerator } from '../protocol/ids.js';

export interface MsgInfo {
  versionNo: string;
  msgID: string;
  timeStamp: string;
  msgType: string;
  insID: string;
}

const patterns = {
  msgID: new RegExp(PATTERNS.msgID),
  timeStamp: new RegExp(PATTERNS.timeStamp),
  insID: new RegExp(PATTERNS.insID),
};
const FIELD_PATTERNS: Record<string, RegExp> = Object.fromEntries(
  (['orderId', 'merId', 'txnAmt', 'currencyCode', 'contractId', 'origQryId'] as const).map((f) => [f, new RegExp(PATTERNS[f])]),
);

/**
 * The msgInfo to answer with. A readable request's msgInfo is echoed unchanged; from an unreadable
 * one, every valid field is kept and the rest filled in (msgType `UNKNOWN` when not a known name).
 */
export function answerMsgInfo(
  requestMsgInfo: unknown,
  fallback: { insID: string; wallNow: number; zone: string; ids: IdGenerator },
  isKnownType: (t: string) => boolean,
): MsgInfo {
  const m = (requestMsgInfo !== null && typeof requestMsgInfo === 'object' ? requestMsgInfo : {}) as Record<string, unknown>;
  const str = (k: string, re: RegExp) => (typeof m[k] === 'string' && re.test(m[k]) ? m[k] : undefined);
  const ts = str('timeStamp', patterns.timeStamp);
  const timeStamp = ts && isUcspTime(ts) ? ts : formatUcspTime(fallback.wallNow, fallback.zone);
  const insID = str('insID', patterns.insID) ?? fallback.insID;
  return {
    versionNo: '1.0.0',
    msgID: str('msgID', patterns.msgID) ?? fallback.ids.msgID(formatUcspTime(fallback.wallNow, fallback.zone)),
    timeStamp,
    msgType: typeof m.msgType === 'string' && isKnownType(m.msgType) ? m.msgType : 'UNKNOWN',
    insID,
  };
}

/** The request's key fields that are well-formed strings, to repeat in an error answer. */
export function echoKeyFields(trxInfo: unknown, fields: readonly string[]): Record<string, string> {
  const t = (trxInfo !== null && typeof trxInfo === 'object' ? trxInfo : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = t[f];
    const re = FIELD_PATTERNS[f];
    if (typeof v === 'string' && (!re || re.test(v))) out[f] = v;
  }
  return out;
}

/** responseMsg: the standard text, plus the reason when there is one (≤ 256 chars). */
export function responseMsg(code: ResponseCode, reason?: string): string {
  const text = reason ? `${RESPONSE_MESSAGES[code]}: ${reason}` : RESPONSE_MESSAGES[code];
  return text.length > 256 ? `${text.slice(0, 255)}…` : text;
}

/** The answer as placeholder text (PROFILE §4 step 2): what gets signed, by this thread or a worker. */
export function answerPlaceholder(msgInfo: MsgInfo, trxInfo: Record<string, string>, code: ResponseCode, msg: string, signCertID: string): string {
  // what placeholderText makes, written at once (the answer is made here: nothing to copy or take out)
  return JSON.stringify({ msgInfo, trxInfo, msgResponse: { responseCode: code, responseMsg: msg }, certificateSignature: { signCertID, signature: PLACEHOLDER } });
}

export function signAnswer(
  msgInfo: MsgInfo,
  trxInfo: Record<string, string>,
  code: ResponseCode,
  msg: string,
  signer: SignerCredentials,
  variant: 'SHA256withRSA' | 'sha256-raw' = 'SHA256withRSA',
): string {
  return signMessage({ msgInfo, trxInfo, msgResponse: { responseCode: code, responseMsg: msg } }, signer, { variant });
}
