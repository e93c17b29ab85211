/**
 * Field formats of PROFILE §5 as TypeBox schemas. These are the single source of truth: the JSON
 * Schemas in `schemas/` and the TypeScript types are both derived from them.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { PATTERNS } from './patterns.js';

const str = (pattern: string, description: string, extra: Record<string, unknown> = {}) =>
  Type.String({ pattern, description, ...extra });

export const F = {
  versionNo: Type.Literal('1.0.0', { description: 'Always "1.0.0" (PROFILE §3)' }),
  msgID: str(PATTERNS.msgID, '1–64 chars [0-9A-Za-z], unique per sender per day'),
  timeStamp: str(PATTERNS.timeStamp, 'yyyyMMddHHmmss, sender clock', { format: 'ucsp-time' }),
  insID: str(PATTERNS.insID, "8 digits, the partner's institution ID"),
  orderId: str(PATTERNS.orderId, '8–40 [0-9A-Za-z]; unique per merId'),
  merId: str(PATTERNS.merId, '15 [0-9A-Za-z]'),
  acqIIN: str(PATTERNS.acqIIN, '8 digits'),
  txnAmt: str(PATTERNS.txnAmt, '1–12 digits, minor units, > 0, no leading zero'),
  currencyCode: str(PATTERNS.currencyCode, 'ISO 4217 numeric, 3 digits'),
  txnTime: str(PATTERNS.txnTime, 'yyyyMMddHHmmss in the profile zone (UTC+8)', { format: 'ucsp-time' }),
  userId: str(PATTERNS.userId, '1–64 printable ASCII'),
  mobile: str(PATTERNS.mobile, '5–20 chars [0-9+]; never logged unmasked'),
  channelCode: str(PATTERNS.channelCode, '1–16 [0-9A-Za-z]'),
  industryCode: str(PATTERNS.industryCode, '1–16 [0-9A-Za-z]'),
  tn: str(PATTERNS.tn, '21 digits, UCSP transaction number'),
  queryId: str(PATTERNS.queryId, '21 [0-9A-Za-z], UCSP ID of a completed transaction'),
  origQryId: str(PATTERNS.origQryId, '21 [0-9A-Za-z], queryId of the original payment'),
  contractId: str(PATTERNS.contractId, '1–32 [0-9A-Za-z], auto-debit contract'),
  url: str(PATTERNS.url, 'absolute http(s) URL, ≤ 512 chars', { maxLength: 512, format: 'uri' }),
  txnType: Type.Union([Type.Literal('PAY'), Type.Literal('CANCEL'), Type.Literal('REFUND')]),
  settleDate: str(PATTERNS.settleDate, 'MMDD'),
  orderDesc: Type.String({ maxLength: 128, description: '≤ 128 chars' }),
  responseCode: str(PATTERNS.responseCode, 'two-digit response code (PROFILE §8)'),
  responseMsg: Type.String({ maxLength: 256 }),
  signCertID: str(PATTERNS.signCertID, "decimal serial number of the signer's certificate"),
  signature: Type.String({ minLength: 1, description: 'base64 RSA signature (PROFILE §4)' }),
} satisfies Record<string, TSchema>;

export { isUcspTime } from './patterns.js';
