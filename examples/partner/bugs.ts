/**
 * Deliberate bugs the example partner can be switched into, so that tests can prove the
 * conformance suite catches each one. All are off by default: with no flag set, the partner
 * follows PROFILE to the letter. Each comment names the file where the bug bites.
 */
export interface PartnerBugs {
  /** login.ts: opens a session without verifying request_data's signature (PROFILE §6.1). */
  skipLoginSignatureCheck: boolean;
  /** login.ts: accepts a login whose timeStamp is more than 300 s off its clock. */
  acceptStaleLogin: boolean;
  /** login.ts: accepts a login msgID it has already seen (replay). */
  acceptReplayedLogin: boolean;
  /** login.ts: accepts any signed message with a userId as a login, whatever its msgType. */
  loginIgnoresMsgType: boolean;
  /** notices.ts: acts on a notice without verifying its signature (a forged notice gets 00). */
  skipNoticeSignatureCheck: boolean;
  /** notices.ts: applies a duplicate notice again (e.g. refundedAmt added twice). */
  applyDuplicateNotice: boolean;
  /** notices.ts: does not compare merId, txnAmt, currencyCode with its order (never answers 36). */
  ignoreNoticeAmountMismatch: boolean;
  /** notices.ts: answers 00 instead of 34 to a notice for an order it does not know. */
  answerUnknownOrderWith00: boolean;
  /** payments.ts, auto-debit.ts: marks an order PAID on the synchronous 00/05 answer. */
  markPaidOnSyncAnswer: boolean;
  /** return-page.ts: marks the order PAID when the browser comes back to frontUrl. */
  markPaidOnFrontUrlReturn: boolean;
  /** payments.ts, refunds.ts: sends inquiries but never applies their result. */
  ignoreInquiryResult: boolean;
  /** wire.ts: writes txnAmt in major units with 2 decimals ("12.34" for 1234 minor units). */
  majorUnitAmounts: boolean;
  /** refunds.ts: uses the payment's orderId for its cancellations and refunds. */
  reuseOrderIdForRefund: boolean;
  /** auto-debit.ts: ignores a successful close: the contract stays ACTIVE and can still be charged. */
  keepClosedContractActive: boolean;
  /** wire.ts: uses the same msgID for every request it sends. */
  reuseMsgId: boolean;
  /** wire.ts: writes timeStamp and txnTime in UTC instead of the profile's zone. */
  wrongTimeZone: boolean;
  /** notice-answer.ts: answers notices with the placeholder signature "00000000" (unsigned). */
  unsignedNoticeAnswer: boolean;
  /** notices.ts: processes notices but always answers HTTP 500, so UCSP keeps retrying. */
  answerNoticeWith500: boolean;
  /** notices.ts: treats a 01 (failed) PAYMENT_RESULT_NOTICE like 00 (PAID, refund SUCCEEDED). */
  ignoreFailedNotice: boolean;
  /** notices.ts: verifies PAYMENT_RESULT_NOTICE signatures but not SIGN_AUTO_DEBIT_NOTICE's (a forged signing stores a contract). */
  skipSigningNoticeSignatureCheck: boolean;
  /** notices.ts: a SIGN_AUTO_DEBIT_NOTICE for a signing request it never sent stores the contract for trxInfo.userId (00, not 34). */
  acceptUnknownSigningNotice: boolean;
  /** notices.ts: does not compare a SIGN_AUTO_DEBIT_NOTICE's userId with its signing request's; stores the contract for the notice's user. */
  ignoreSigningNoticeUser: boolean;
  /** notices.ts: answers 10 to a SIGN_AUTO_DEBIT_NOTICE without contractId (a refusal), so UCSP retries it for hours. */
  requireContractIdInSigningNotice: boolean;
  /** notices.ts: answers 11 to a notice whose timeStamp is more than 300 s old (a retry hours after the first attempt). */
  refuseOldNotice: boolean;
  /** notices.ts: answers 11 to a notice whose msgID it has seen (a byte-for-byte retry taken for a replay). */
  refuseRepeatedNoticeMsgId: boolean;
  /** notices.ts: a later notice with another result overrides the first final one (PAID → FAILED, refused → signed). */
  lastNoticeWins: boolean;
  /** notices.ts: answers 36 to a notice whose result contradicts the order's final state (UCSP keeps retrying it). */
  answerConflictingNoticeWith36: boolean;
  /** notices.ts: finds a notice's order by orderId whatever its txnType says (a REFUND notice can pay an order). */
  ignoreNoticeTxnType: boolean;
  /** notices.ts: does not compare a notice's merId with its own (compares amount and currency only). */
  ignoreNoticeMerId: boolean;
  /** notices.ts: does not compare a refund or cancellation notice's origQryId with the payment it refunds. */
  ignoreNoticeOrigQryId: boolean;
  /** notices.ts: remembers the orderId of every notice it rejects as handled; the genuine notice that follows is taken for a duplicate. */
  recordRejectedNotice: boolean;
  /** ucsp-client.ts: takes UCSP's answers without verifying their signature (PROFILE §4). */
  skipAnswerSignatureCheck: boolean;
  /** ucsp-client.ts: takes an answer that carries no signature (the placeholder, or none) as it is, unverified and unvalidated. */
  acceptUnsignedAnswer: boolean;
  /** ucsp-client.ts: does not compare the answer's msgInfo with its request's (PROFILE §3), and reads it as the type it names. */
  skipAnswerEchoCheck: boolean;
  /** payments.ts, refunds.ts: acts on an inquiry's 00 but takes a 01 like a 05 (the order stays CREATED, the refund PENDING). */
  ignoreInquiryFailure: boolean;
  /** payments.ts, refunds.ts: takes an inquiry answered 34 (unknown to UCSP) as approved (PAID, refund SUCCEEDED). */
  treatInquiry34AsApproved: boolean;
  /** payments.ts, refunds.ts: gives up when a second inquiry still answers 05, and marks the order (refund) FAILED. */
  failAfterRepeated05: boolean;
  /**
   * wire.ts: converts amounts to the wire through major units as if every currency had 2 decimals
   * (major × 100): JPY 500 is sent as "50000", KWD 1.234 as "123". It reads UCSP's amounts back the
   * same way, so its own bookkeeping agrees with itself.
   */
  assumeTwoDecimals: boolean;
  /** wire.ts: keeps money with 2 decimals (a DECIMAL(…,2) column): KWD 1.234 is sent as "1230" (1.230). */
  amountsRoundedToCents: boolean;
  /** login.ts: checks only that a login timeStamp is not too old; one 10 minutes in the future passes. */
  acceptFutureLogin: boolean;
  /** login.ts: skips the signature check of a hand-off that carries none (no certificateSignature, or the placeholder "00000000"). */
  acceptUnsignedLogin: boolean;
  /** login.ts: does not catch a request_data it cannot decode or parse: the login page answers HTTP 500. */
  loginCrashesOnMalformed: boolean;
  /** login.ts: does not compare the hand-off's insID with its own: a login meant for another service is accepted. */
  loginIgnoresInsId: boolean;
  /** login.ts: opens the session for the userId it finds in request_data before checking the hand-off, and keeps it when it refuses. */
  openSessionBeforeChecks: boolean;
  /** payments.ts: reports a paymentUrl of its own making (UCSP's host, a path built from tn) instead of the one UCSP answered. */
  ownPaymentUrl: boolean;
  /** return-page.ts: marks the order PAID when the browser comes back from another site (a Referer that is not the partner's own). */
  markPaidOnCashierReturn: boolean;
  /** notices.ts: answers a notice it processed with the notice's own responseCode, so a 01 notice is answered 01. */
  echoNoticeResponseCode: boolean;
  /** payments.ts: asks again at once when an inquiry is answered 05 (a tight loop, not the waits of PROFILE §7). */
  inquireAgainAtOnce: boolean;
  /** notice-answer.ts: answers notices without trxInfo (msgInfo, msgResponse and the signature only). */
  noticeAnswerWithoutTrxInfo: boolean;
  /** notices.ts: on a PAY notice 01 keeps the order CREATED (open for another try) instead of FAILED. */
  keepOrderOpenOnFailedNotice: boolean;
  /** ucsp-client.ts: keeps only "approved or not": every code of UCSP but 00 (05 included) is taken, and reported, as 01. */
  collapseResponseCodes: boolean;
  /** auto-debit.ts: marks the contract CLOSED once CLOSE_AUTO_DEBIT got an answer, whatever its code. */
  closeContractWhateverTheAnswer: boolean;
  /** auto-debit.ts: takes every SUBMIT_AUTO_DEBIT answer but 01 for a charge made (PAID). */
  markChargePaidUnlessDeclined: boolean;
  /** refunds.ts: applies a cancellation or refund (SUCCEEDED, payment updated) when it sends it, unless UCSP answers 01 or 36. */
  applyRefundOnSend: boolean;
  /** notices.ts: acts on a validly signed notice without checking it against its schema (never answers 10). */
  skipNoticeSchemaCheck: boolean;
  /** payments.ts, refunds.ts: an inquiry answered 10, 11, 34 or 99 marks the order (or refund) FAILED. */
  failOrderOnInquiryError: boolean;
}

export type PartnerBug = keyof PartnerBugs;

export const NO_BUGS: Readonly<PartnerBugs> = Object.freeze({
  skipLoginSignatureCheck: false,
  acceptStaleLogin: false,
  acceptReplayedLogin: false,
  loginIgnoresMsgType: false,
  skipNoticeSignatureCheck: false,
  applyDuplicateNotice: false,
  ignoreNoticeAmountMismatch: false,
  answerUnknownOrderWith00: false,
  markPaidOnSyncAnswer: false,
  markPaidOnFrontUrlReturn: false,
  ignoreInquiryResult: false,
  majorUnitAmounts: false,
  reuseOrderIdForRefund: false,
  keepClosedContractActive: false,
  reuseMsgId: false,
  wrongTimeZone: false,
  unsignedNoticeAnswer: false,
  answerNoticeWith500: false,
  ignoreFailedNotice: false,
  skipSigningNoticeSignatureCheck: false,
  acceptUnknownSigningNotice: false,
  ignoreSigningNoticeUser: false,
  requireContractIdInSigningNotice: false,
  refuseOldNotice: false,
  refuseRepeatedNoticeMsgId: false,
  lastNoticeWins: false,
  answerConflictingNoticeWith36: false,
  ignoreNoticeTxnType: false,
  ignoreNoticeMerId: false,
  ignoreNoticeOrigQryId: false,
  recordRejectedNotice: false,
  skipAnswerSignatureCheck: false,
  acceptUnsignedAnswer: false,
  skipAnswerEchoCheck: false,
  ignoreInquiryFailure: false,
  treatInquiry34AsApproved: false,
  failAfterRepeated05: false,
  assumeTwoDecimals: false,
  amountsRoundedToCents: false,
  acceptFutureLogin: false,
  acceptUnsignedLogin: false,
  loginCrashesOnMalformed: false,
  loginIgnoresInsId: false,
  openSessionBeforeChecks: false,
  ownPaymentUrl: false,
  markPaidOnCashierReturn: false,
  echoNoticeResponseCode: false,
  inquireAgainAtOnce: false,
  noticeAnswerWithoutTrxInfo: false,
  keepOrderOpenOnFailedNotice: false,
  collapseResponseCodes: false,
  closeContractWhateverTheAnswer: false,
  markChargePaidUnlessDeclined: false,
  applyRefundOnSend: false,
  skipNoticeSchemaCheck: false,
  failOrderOnInquiryError: false,
});

export const BUG_NAMES = Object.keys(NO_BUGS) as PartnerBug[];

export function isPartnerBug(name: string): name is PartnerBug {
  return (BUG_NAMES as string[]).includes(name);
}

/** The full set of flags: the defaults (all off) overridden by `bugs`. */
export function resolveBugs(bugs: Partial<PartnerBugs> = {}): PartnerBugs {
  for (const name of Object.keys(bugs)) {
    if (!isPartnerBug(name)) throw new Error(`unknown partner bug flag ${JSON.stringify(name)} (known: ${BUG_NAMES.join(', ')})`);
  }
  return { ...NO_BUGS, ...bugs };
}
