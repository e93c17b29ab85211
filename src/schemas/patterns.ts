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
