/**
 * The partner's answer to a notice (PROFILE §6.3): HTTP 200, signed, msgInfo echoed unchanged,
 * trxInfo with the key fields it could read, msgResponse with the code. When the notice is too
 * broken to echo, the answer still carries a well-formed msgInfo, best effort.
 */
import { RESPONSE_MESSAGES, signMessage, type ResponseCode } from '../../src/index.js';
import type { PartnerContext } from './context.js';

export interface NoticeOutcome {
  /** 01 only when the echoNoticeResponseCode bug is on. */
  code: Extract<ResponseCode, '00' | '01' | '10' | '11' | '34' | '36'>;
  /** Why, for the log and for responseMsg. */
  reason: string;
  msgInfo: Record<string, string>;
  trxInfo: { orderId?: string; merId?: string };
}

const FORMATS: Record<string, RegExp> = {
  versionNo: /^1\.0\.0$/,
  msgID: /^[0-9A-Za-z]{1,64}$/,
  timeStamp: /^[0-9]{14}$/,
  msgType: /^[0-9A-Za-z_]{1,64}$/,
  insID: /^[0-9]{8}$/,
  orderId: /^[0-9A-Za-z]{8,40}$/,
  merId: /^[0-9A-Za-z]{15}$/,
};

function field(obj: unknown, key: string): string | undefined {
  const v = obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && FORMATS[key]?.test(v) ? v : undefined;
}

/** The received msgInfo, field by field where readable, filled in where not. */
export function echoMsgInfo(ctx: PartnerContext, parsed: unknown): Record<string, string> {
  const got = (parsed as { msgInfo?: unknown } | null)?.msgInfo;
  const timeStamp = field(got, 'timeStamp') ?? ctx.wire.time();
  return {
    versionNo: '1.0.0',
    msgID: field(got, 'msgID') ?? ctx.wire.msgID(timeStamp),
    timeStamp,
    msgType: field(got, 'msgType') ?? 'PAYMENT_RESULT_NOTICE',
    insID: field(got, 'insID') ?? ctx.insID,
  };
}

/** orderId and merId of the notice, when they are readable. */
export function keyFields(parsed: unknown): NoticeOutcome['trxInfo'] {
  const trx = (parsed as { trxInfo?: unknown } | null)?.trxInfo;
  const orderId = field(trx, 'orderId');
  const merId = field(trx, 'merId');
  return { ...(orderId ? { orderId } : {}), ...(merId ? { merId } : {}) };
}

/** The exact text of the answer. */
export function noticeAnswerText(ctx: PartnerContext, o: NoticeOutcome): string {
  const responseMsg = `${RESPONSE_MESSAGES[o.code]}: ${o.reason}`.slice(0, 256);
  // BUG noticeAnswerWithoutTrxInfo: the answer's trxInfo is mandatory (PROFILE §3, §6.3), even with nothing to repeat.
  const answer = ctx.bugs.noticeAnswerWithoutTrxInfo
    ? { msgInfo: o.msgInfo, msgResponse: { responseCode: o.code, responseMsg } }
    : { msgInfo: o.msgInfo, trxInfo: o.trxInfo, msgResponse: { responseCode: o.code, responseMsg } };
  if (ctx.bugs.unsignedNoticeAnswer) {
    // BUG unsignedNoticeAnswer: the placeholder is sent as if it were the signature.
    return JSON.stringify({ ...answer, certificateSignature: { signCertID: ctx.signer.certificate.serial, signature: '00000000' } });
  }
  return signMessage(answer, ctx.signer, { variant: ctx.variant });
}
