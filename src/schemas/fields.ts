/**
 * Field formats of PROFILE §5 as TypeBox schemas. These are the single source of truth: the JSON
 * Schemas in `schemas/` and the TypeScript types are both derived from them.
 */
import { Type, type TSchema } from '@sinclair/typebox';

const str = (pattern: string, description: string, extra: Record<string, unknown> = {}) =>
  Type.String({ pattern, description, ...extra });

export const F = {
  versionNo: Type.Literal('1.0.0', { description: 'Always "1.0.0" (PROFILE §3)' }),
  msgID: str('^[0-9A-Za-z]{1,64}$', '1–64 chars [0-9A-Za-z], unique per sender per day'),
  timeStamp: str('^[0-9]{14}$', 'yyyyMMddHHmmss, sender clock', { format: 'ucsp-time' }),
  insID: str('^[0-9]{8}$', "8 digits, the partner's institution ID"),
  orderId: str('^[0-9A-Za-z]{8,40}$', '8–40 [0-9A-Za-z]; unique per merId'),
  merId: str('^[0-9A-Za-z]{15}$', '15 [0-9A-Za-z]'),
  acqIIN: str('^[0-9]{8}$', '8 digits'),
  txnAmt: str('^[1-9][0-9]{0,11}$', '1–12 digits, minor units, > 0, no leading zero'),
  currencyCode: str('^[0-9]{3}$', 'ISO 4217 numeric, 3 digits'),
  txnTime: str('^[0-9]{14}$', 'yyyyMMddHHmmss in the profile zone (UTC+8)', { format: 'ucsp-time' }),
  userId: str('^[\\x20-\\x7E]{1,64}$', '1–64 printable ASCII'),
  mobile: str('^[0-9+]{5,20}$', '5–20 chars [0-9+]; never logged unmasked'),
  channelCode: str('^[0-9A-Za-z]{1,16}$', '1–16 [0-9A-Za-z]'),
  industryCode: str('^[0-9A-Za-z]{1,16}$', '1–16 [0-9A-Za-z]'),
  tn: str('^[0-9]{21}$', '21 digits, UCSP transaction number'),
  queryId: str('^[0-9A-Za-z]{21}$', '21 [0-9A-Za-z], UCSP ID of a completed transaction'),
  origQryId: str('^[0-9A-Za-z]{21}$', '21 [0-9A-Za-z], queryId of the original payment'),
  contractId: str('^[0-9A-Za-z]{1,32}$', '1–32 [0-9A-Za-z], auto-debit contract'),
  url: str('^https?://[^\\s]+$', 'absolute http(s) URL, ≤ 512 chars', { maxLength: 512, format: 'uri' }),
  txnType: Type.Union([Type.Literal('PAY'), Type.Literal('CANCEL'), Type.Literal('REFUND')]),
  settleDate: str('^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$', 'MMDD'),
  orderDesc: Type.String({ maxLength: 128, description: '≤ 128 chars' }),
  responseCode: str('^[0-9]{2}$', 'two-digit response code (PROFILE §8)'),
  responseMsg: Type.String({ maxLength: 256 }),
  signCertID: str('^[0-9]{1,64}$', "decimal serial number of the signer's certificate"),
  signature: Type.String({ minLength: 1, description: 'base64 RSA signature (PROFILE §4)' }),
} satisfies Record<string, TSchema>;

/** Checks that a yyyyMMddHHmmss string is a real calendar time. */
export function isUcspTime(s: string): boolean {
  if (!/^[0-9]{14}$/.test(s)) return false;
  const y = +s.slice(0, 4);
  const mo = +s.slice(4, 6);
  const d = +s.slice(6, 8);
  const h = +s.slice(8, 10);
  const mi = +s.slice(10, 12);
  const se = +s.slice(12, 14);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= daysInMonth;
}
