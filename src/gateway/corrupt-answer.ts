/**
 * Deliberately unusable answers, for the control API's answer faults: UCSP processed the request
 * and signed its genuine answer, and what reaches the partner is broken on the way. The partner
 * must take such an answer as no answer (PROFILE §3 echo, §4 signature): change nothing, retry the
 * same bytes (which get the genuine answer, PROFILE §8) or inquire later.
 *
 * - `signature`: one character of the signature changed.
 * - `content`: the content changed after signing, the signature left as it was (by default the
 *   responseCode: an inquiry's 01, 05 or 34 becomes 00, its 00 01; a request's 00 or 05 becomes a
 *   refusal, 36 or 01).
 * - `msg-id`, `msg-type`: msgInfo.msgID (or msgType) is not the request's — an answer to another
 *   request, validly signed.
 * - `unsigned`: the placeholder signature `00000000` left in; `no-signature`: no certificateSignature.
 *
 * Every kind but `content` carries the genuine content unless a claimed `code` is given: then it
 * carries what an answer with that code would (schema-valid for its type), so that a partner that
 * trusts it shows it.
 */
import { RESPONSE_MESSAGES, type ResponseCode } from '../errors/index.js';
import { placeholderText, signMessage, type SignatureVariant, type SignerCredentials } from '../crypto/index.js';
import { allowedResponseCodes, type MsgType } from '../schemas/message-types.js';
import type { AnswerFields } from './answer-fields.js';

export const ANSWER_FAULT_KINDS = ['signature', 'content', 'msg-id', 'msg-type', 'unsigned', 'no-signature'] as const;
export type AnswerFaultKind = (typeof ANSWER_FAULT_KINDS)[number];

/** The message type a `msg-type` fault names instead: the request's sibling, with the same answer fields. */
export const SIBLING_TYPES: Readonly<Record<string, MsgType>> = {
  SUBMIT_PAYMENT_ORDER: 'SUBMIT_AUTO_DEBIT',
  SUBMIT_AUTO_DEBIT: 'SUBMIT_PAYMENT_ORDER',
  PAYMENT_RESULT_INQUIRY: 'REFUND_RESULT_INQUIRY',
  REFUND_RESULT_INQUIRY: 'PAYMENT_RESULT_INQUIRY',
  PAYMENT_REFUND: 'PAYMENT_CANCELLATION',
  PAYMENT_CANCELLATION: 'PAYMENT_REFUND',
  SIGN_AUTO_DEBIT: 'CLOSE_AUTO_DEBIT',
  CLOSE_AUTO_DEBIT: 'SIGN_AUTO_DEBIT',
};

/**
 * The codes a `content` fault turns an answer into by default, most misleading first: a good answer
 * (00; 05 "accepted" to a request, not to an inquiry, where it means "still in progress") becomes a
 * failure, any other becomes a good one.
 */
const TO_FAILURE: readonly ResponseCode[] = ['36', '01', '34', '99', '10', '11'];
const TO_GOOD: readonly ResponseCode[] = ['00', '05', '01', '36', '34', '99', '10', '11'];
const INQUIRIES: ReadonlySet<string> = new Set(['PAYMENT_RESULT_INQUIRY', 'REFUND_RESULT_INQUIRY']);

interface Message {
  msgInfo: Record<string, string>;
  trxInfo: Record<string, string>;
  msgResponse: { responseCode: ResponseCode; responseMsg: string };
  certificateSignature?: { signCertID: string; signature: string };
}

export interface Claim {
  code: ResponseCode;
  trxInfo: Record<string, string>;
  responseMsg: string;
  /** A claimed code that could not be given, and why (the genuine content is kept). */
  unmet?: string;
}

/**
 * What the corrupted answer says: the genuine content; or, when `code` is asked for (or by default
 * for `content`), the content of an answer with that code, built by `build`.
 */
export function claimFor(
  msgType: MsgType,
  fault: { fault: AnswerFaultKind; code?: ResponseCode },
  genuine: { code: ResponseCode; trxInfo: Record<string, string>; responseMsg: string },
  build: (code: ResponseCode) => AnswerFields,
): Claim {
  const as = (code: ResponseCode): Claim | string => {
    const b = build(code);
    return 'problem' in b ? b.problem : { code, trxInfo: b.trxInfo, responseMsg: RESPONSE_MESSAGES[code] };
  };
  if (fault.code !== undefined && fault.code !== genuine.code) {
    const c = as(fault.code);
    return typeof c === 'string' ? { ...genuine, unmet: `could not claim ${fault.code}: ${c}` } : c;
  }
  if (fault.code === undefined && fault.fault === 'content') {
    const allowed = allowedResponseCodes(msgType);
    const good = genuine.code === '00' || (genuine.code === '05' && !INQUIRIES.has(msgType));
    for (const code of good ? TO_FAILURE : TO_GOOD) {
      if (code === genuine.code || !allowed.includes(code)) continue;
      const c = as(code);
      if (typeof c !== 'string') return c;
    }
  }
  return genuine;
}

/** Another msgID of the same form: the last character changed. */
function otherMsgID(id: string): string {
  const last = id.at(-1) ?? '0';
  const next = /[0-9]/.test(last) ? String((Number(last) + 1) % 10) : last === 'Z' ? 'Y' : 'Z';
  return `${id.slice(0, -1)}${next}`;
}

export function flipSignature(text: string, signature: string): string {
  const i = Math.floor(signature.length / 2);
  const flipped = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
  return text.replace(`"${signature}"`, `"${flipped}"`);
}

/**
 * The corrupted text to send instead of `genuineText` (UCSP's signed answer), and what was done,
 * in words for the journal.
 */
export function corruptAnswer(genuineText: string, kind: AnswerFaultKind, claim: Claim, signer: SignerCredentials, variant: SignatureVariant): { text: string; description: string } {
  const genuine = JSON.parse(genuineText) as Message;
  const claimed: Message = {
    msgInfo: { ...genuine.msgInfo },
    trxInfo: claim.trxInfo,
    msgResponse: { responseCode: claim.code, responseMsg: claim.responseMsg },
  };
  const codeChange = claim.code === genuine.msgResponse.responseCode ? '' : `responseCode ${genuine.msgResponse.responseCode} → ${claim.code}`;
  const claiming = codeChange ? `, claiming ${claim.code}` : '';
  const sign = (m: Message) => signMessage(m, signer, { variant });
  switch (kind) {
    case 'signature': {
      const text = sign(claimed);
      const { signature } = (JSON.parse(text) as Message).certificateSignature!;
      return { text: flipSignature(text, signature), description: `one character of the signature changed${claiming}` };
    }
    case 'content': {
      const same = !codeChange && JSON.stringify(claimed.trxInfo) === JSON.stringify(genuine.trxInfo);
      if (same) claimed.msgResponse.responseMsg = `${claimed.msgResponse.responseMsg} (altered)`;
      const text = JSON.stringify({ ...claimed, certificateSignature: genuine.certificateSignature });
      return { text, description: `${codeChange || (same ? 'responseMsg' : 'trxInfo')} changed after signing, the signature left as it was` };
    }
    case 'msg-id': {
      const from = claimed.msgInfo.msgID ?? '';
      claimed.msgInfo.msgID = otherMsgID(from);
      return { text: sign(claimed), description: `msgInfo.msgID ${from} → ${claimed.msgInfo.msgID} (another request's), validly signed${claiming}` };
    }
    case 'msg-type': {
      const from = claimed.msgInfo.msgType ?? '';
      claimed.msgInfo.msgType = SIBLING_TYPES[from] ?? 'PAYMENT_RESULT_INQUIRY';
      return { text: sign(claimed), description: `msgInfo.msgType ${from} → ${claimed.msgInfo.msgType}, validly signed${claiming}` };
    }
    case 'unsigned':
      return { text: placeholderText(claimed, signer.certificate.serial), description: `the placeholder signature "00000000" left in${claiming}` };
    case 'no-signature':
      return { text: JSON.stringify(claimed), description: `certificateSignature left out${claiming}` };
  }
}
