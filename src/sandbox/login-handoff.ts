/**
 * The INDUSTRY_LOGIN_INFO of a login hand-off (PROFILE §6.1) as it travels in `request_data`: the
 * signed message, percent-encoded — or, for conformance tests, a deliberately bad one.
 *
 * What each tamper sends (the partner must answer 400 or 401 and open no session):
 * - `signature`: one character of the signature changed;
 * - `stale` / `future`: validly signed, timeStamp 10 minutes in the past / in the future;
 * - `wrong-cert`: signed by a key that is not UCSP's, with UCSP's signCertID;
 * - `msg-type`: validly signed, but a SIGN_AUTO_DEBIT_NOTICE carrying the login fields;
 * - `other-ins-id`: validly signed by UCSP, for another institution (insID);
 * - `unsigned`: signature still the placeholder "00000000" (PROFILE §4);
 * - `no-signature`: no certificateSignature at all;
 * - `bad-encoding`: the percent-encoding is broken (a "%" not followed by two hex digits): the
 *   transport encoding of request_data — percent-encoding under PROFILE §6.1, where other UnionPay
 *   APIs use base64 — cannot be undone;
 * - `not-json`: the login's fields as `key=value&…` text instead of the signed JSON message;
 * - `truncated`: the signed message cut off in the middle of its signature.
 * (`replay` re-sends an earlier hand-off; the runtime keeps that.)
 */
import { placeholderText, signMessage, type SignatureVariant, type SignerCredentials } from '../crypto/index.js';
import { formatUcspTime } from '../protocol/time.js';
import type { LoginTamper } from '../servers/control-values.js';

export interface HandoffInput {
  user: { userId: string; mobile: string };
  channelCode: string;
  industryCode: string;
  insID: string;
  zone: string;
  variant: SignatureVariant;
  /** Wall clock (ms): wire times are real. */
  wallNow: number;
  msgID(timeStamp: string): string;
  ucsp: SignerCredentials;
  /** A key that is not UCSP's, presenting UCSP's signCertID. */
  stranger(): SignerCredentials;
  tamper?: Exclude<LoginTamper, 'replay'>;
}

export interface Handoff {
  /** The request_data text, before percent-encoding (for `bad-encoding`, the encoded text as sent). */
  text: string;
  /** request_data exactly as it goes into the URL. */
  query: string;
  msgID: string;
}

const TEN_MINUTES = 10 * 60_000;

/** An 8-digit insID that is not `insID`. */
export function otherInsId(insID: string): string {
  return String((Number(insID) + 11_111_111) % 100_000_000).padStart(8, '0');
}

export function buildHandoff(o: HandoffInput): Handoff {
  const t = o.tamper;
  const wall = t === 'stale' ? o.wallNow - TEN_MINUTES : t === 'future' ? o.wallNow + TEN_MINUTES : o.wallNow;
  const timeStamp = formatUcspTime(wall, o.zone);
  const msgID = o.msgID(timeStamp);
  const msgInfo = { versionNo: '1.0.0', msgID, timeStamp, msgType: t === 'msg-type' ? 'SIGN_AUTO_DEBIT_NOTICE' : 'INDUSTRY_LOGIN_INFO', insID: t === 'other-ins-id' ? otherInsId(o.insID) : o.insID };
  const trxInfo = { userId: o.user.userId, mobile: o.user.mobile, channelCode: o.channelCode, industryCode: o.industryCode };
  const message = { msgInfo, trxInfo };
  const signer = t === 'wrong-cert' ? o.stranger() : o.ucsp;
  let text: string;
  switch (t) {
    case 'unsigned':
      text = placeholderText(message, signer.certificate.serial);
      break;
    case 'no-signature':
      text = JSON.stringify(message);
      break;
    case 'not-json':
      text = new URLSearchParams({ msgType: msgInfo.msgType, msgID, timeStamp, insID: msgInfo.insID, userId: trxInfo.userId, channelCode: trxInfo.channelCode, industryCode: trxInfo.industryCode }).toString();
      break;
    default: {
      text = signMessage(message, signer, { variant: o.variant });
      const sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
      const at = text.lastIndexOf(`"${sig}"`) + 1;
      const i = sig.length >> 1;
      if (t === 'signature') text = text.slice(0, at) + sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1) + text.slice(at + sig.length);
      if (t === 'truncated') text = text.slice(0, at + i);
    }
  }
  let query = encodeURIComponent(text);
  if (t === 'bad-encoding') {
    // the opening brace's "%7B" becomes "%7G": not a percent-escape
    query = `%7G${query.slice(3)}`;
    text = query;
  }
  return { text, query, msgID };
}
