/**
 * What each field of PROFILE §3 and §5 means, in plain words: what a diagnostic says beside the
 * regex, so that `txnAmt "12.34"` reads "minor units, a whole number without a dot" rather than
 * only `^[1-9][0-9]{0,11}$`. Keyed by the field's name (the last segment of its path).
 */
const URL_MEANING = 'an absolute http(s) URL of at most 512 characters';

export const FIELD_MEANINGS: Readonly<Record<string, string>> = Object.freeze({
  versionNo: 'the protocol version, always "1.0.0"',
  msgID: 'a new ID for every message, 1–64 letters and digits',
  timeStamp: "when the message was sent: a real date and time as 14 digits yyyyMMddHHmmss, in the profile's zone (UTC+8 by default)",
  msgType: 'one of the message names of PROFILE §6',
  insID: "the partner's institution ID, 8 digits",
  orderId: 'the order number, 8–40 letters and digits, new for every payment, cancellation and refund',
  merId: 'the merchant ID, 15 letters and digits',
  acqIIN: 'the acquirer IIN, 8 digits',
  txnAmt: 'minor units, a whole number without a dot or leading zero ("1234" for 12.34 HKD)',
  currencyCode: 'the ISO 4217 numeric currency code, 3 digits ("344" for HKD)',
  txnTime: "the transaction time: a real date and time as 14 digits yyyyMMddHHmmss, in the profile's zone (UTC+8 by default)",
  userId: "the channel app's user ID, 1–64 printable ASCII characters",
  mobile: 'a phone number, 5–20 digits or +',
  channelCode: 'the channel code, 1–16 letters and digits',
  industryCode: 'the industry code, 1–16 letters and digits',
  tn: "UCSP's transaction number, 21 digits",
  queryId: "UCSP's ID of a completed transaction, 21 letters and digits",
  origQryId: 'the queryId of the original payment, 21 letters and digits',
  contractId: 'the auto-debit contract ID, 1–32 letters and digits',
  backUrl: URL_MEANING,
  frontUrl: URL_MEANING,
  paymentUrl: URL_MEANING,
  signUrl: URL_MEANING,
  txnType: 'PAY, CANCEL or REFUND',
  settleDate: 'the settlement date, MMDD',
  orderDesc: 'a description of at most 128 characters',
  responseCode: 'a two-digit response code of PROFILE §8',
  responseMsg: 'a text of at most 256 characters',
  signCertID: "the decimal serial number of the signer's certificate",
  signature: 'the base64 signature of PROFILE §4',
});

/** The plain-words meaning of the field at a dotted path (`trxInfo.txnAmt` → txnAmt's), if known. */
export function fieldMeaning(path: string): string | undefined {
  const name = path.split('.').pop() ?? '';
  return Object.hasOwn(FIELD_MEANINGS, name) ? FIELD_MEANINGS[name] : undefined;
}
