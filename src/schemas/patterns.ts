/**
 * The field patterns of PROFILE §5 as plain strings, and the calendar check of wire times: what
 * the request path needs, without building schema objects (fields.ts builds those from these).
 */
export const PATTERNS = {
  msgID: '^[0-9A-Za-z]{1,64}$',
  timeStamp: '^[0-9]{14}$',
  insID: '^[0-9]{8}$',
  orderId: '^[0-9A-Za-z]{8,40}$',
  merId: '^[0-9A-Za-z]{15}$',
  acqIIN: '^[0-9]{8}$',
  txnAmt: '^[1-9][0-9]{0,11}$',
  currencyCode: '^[0-9]{3}$',
  txnTime: '^[0-9]{14}$',
  userId: '^[\\x20-\\x7E]{1,64}$',
  mobile: '^[0-9+]{5,20}$',
  channelCode: '^[0-9A-Za-z]{1,16}$',
  industryCode: '^[0-9A-Za-z]{1,16}$',
  tn: '^[0-9]{21}$',
  queryId: '^[0-9A-Za-z]{21}$',
  origQryId: '^[0-9A-Za-z]{21}$',
  contractId: '^[0-9A-Za-z]{1,32}$',
  url: '^https?://[^\\s]+$',
  settleDate: '^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$',
  responseCode: '^[0-9]{2}$',
  signCertID: '^[0-9]{1,64}$',
} as const;

/**
 * Checks that a yyyyMMddHHmmss string is a real calendar time (a year below 100 is read as
 * Date.UTC reads it: 1900 + year). Digit by digit, without regular expressions or Date: it runs
 * for every time field of every message. Self-contained: the build copies its source into the
 * precompiled validators.
 */
export function isUcspTime(s: string): boolean {
  if (typeof s !== 'string' || s.length !== 14) return false;
  for (let i = 0; i < 14; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const two = (i: number): number => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
  const y = two(0) * 100 + two(2);
  const mo = two(4);
  const d = two(6);
  if (mo < 1 || mo > 12 || d < 1 || two(8) > 23 || two(10) > 59 || two(12) > 59) return false;
  const yy = y < 100 ? 1900 + y : y;
  const leap = yy % 4 === 0 && (yy % 100 !== 0 || yy % 400 === 0);
  const days = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return d <= days;
}
