/** Masking of personal data in anything shown to a person: mobiles and card-number-shaped digits. */

export function maskMobile(value: string): string {
  if (value.length <= 5) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 5) + value.slice(-2);
}

const CARD_LIKE = /(?<![0-9])[0-9]{13,19}(?![0-9])/g;

/** Masks every run of 13–19 digits as a card number (first 6, last 4 kept). */
export function maskCardNumbers(text: string): string {
  return text.replace(CARD_LIKE, (d) => d.slice(0, 6) + '*'.repeat(d.length - 10) + d.slice(-4));
}

/** Fields whose format is fixed by PROFILE §3/§5 and never holds a card number: shown as they are. */
const STRUCTURED = new Set([
  'msgID', 'timeStamp', 'insID', 'txnTime', 'merId', 'acqIIN', 'orderId', 'tn', 'queryId', 'origQryId',
  'contractId', 'signCertID', 'txnAmt', 'currencyCode', 'settleDate', 'responseCode', 'versionNo', 'msgType',
]);

/** Masks the value of a field for display, by field name. */
export function maskField(field: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (field === 'mobile') return maskMobile(value);
  if (STRUCTURED.has(field)) return value;
  return maskCardNumbers(value);
}
