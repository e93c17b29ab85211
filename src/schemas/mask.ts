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

/** JSON's four whitespace characters. */
function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The index of the quote that closes the JSON string literal opening at `open`, or -1 when it is never closed. */
function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i;
    if (c === 0x5c) i++; // an escape: the next character is part of the string, whatever it is
  }
  return -1;
}

/**
 * Masks, in text that is (or looks like) JSON, the value of every `"key": "value"` pair by its key
 * (maskField), leaving every other byte as it is. One pass from left to right: string literals are
 * read once each and never overlap, so the work is linear in the text whatever it holds (a hostile
 * body of `\"` repeated, unbalanced quotes, deep nesting) — no regular expression that backtracks,
 * no recursion. Text that stops inside a string is left as it is from there.
 */
export function maskJsonText(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  for (;;) {
    const open = text.indexOf('"', i);
    if (open === -1) break;
    const close = stringEnd(text, open);
    if (close === -1) break;
    let j = close + 1;
    while (j < text.length && isJsonSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 0x3a /* : */) {
      i = close + 1;
      continue;
    }
    j++;
    while (j < text.length && isJsonSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 0x22) {
      i = j; // a value that is not a string: go on from it
      continue;
    }
    const valueEnd = stringEnd(text, j);
    if (valueEnd === -1) break;
    const value = text.slice(j + 1, valueEnd);
    const masked = String(maskField(text.slice(open + 1, close), value));
    if (masked !== value) {
      out += text.slice(copied, j + 1) + masked;
      copied = valueEnd;
    }
    i = valueEnd + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const ENCODED_MOBILE = '%22mobile%22%3A%22';
const ENCODED_QUOTE = '%22';

/**
 * Masks mobiles in a message carried percent-encoded (request_data of a login hand-off URL):
 * `%22mobile%22%3A%22…%22`. Linear: each occurrence is searched for once, from where the last ended.
 */
export function maskEncodedMobiles(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  for (;;) {
    const at = text.indexOf(ENCODED_MOBILE, i);
    if (at === -1) break;
    const start = at + ENCODED_MOBILE.length;
    const end = text.indexOf(ENCODED_QUOTE, start);
    if (end === -1) break; // no closing quote anywhere after: none for a later occurrence either
    const value = text.slice(start, end);
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      decoded = value; // broken percent-encoding (a tampered hand-off): masked as it stands
    }
    out += text.slice(copied, start) + maskMobile(decoded);
    copied = end;
    i = end + ENCODED_QUOTE.length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
