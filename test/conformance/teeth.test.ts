/**
 * Proof that the suite has teeth: the example partner passes everything, and each deliberately
 * broken variant of it fails with a failure naming the expected check.
 *
 * The partner bugs (examples/partner/bugs.ts) and the check that must catch each:
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerBugs } from '../../examples/partner/bugs.js';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import { runConformance } from '../../src/scenarios/run-conformance.js';

/** A bug, what it does, and the check (or the checks, of one or more scenarios) that must catch it. */
const BROKEN: [keyof PartnerBugs, string, string | string[]][] = [
  ['skipLoginSignatureCheck', 'skips the login signature check', 'login/tampered-signature#tampered-signature-refused'],
  ['acceptStaleLogin', 'accepts a stale login hand-off', 'login/stale#stale-login-refused'],
  ['acceptReplayedLogin', 'accepts a replayed login hand-off', 'login/replayed#no-session-on-replayed-login'],
  ['loginIgnoresMsgType', 'trusts any validly signed message as a login', 'login/wrong-msg-type#other-msg-type-refused'],
  ['skipNoticeSignatureCheck', 'acts on a forged notice', 'frontend-payment/notice-forged-signature#no-effect-from-forged-notice'],
  ['applyDuplicateNotice', 'applies a duplicate notice twice', 'refund/duplicate-refund-notice#refund-counted-once'],
  ['ignoreNoticeAmountMismatch', 'accepts a notice whose amount differs from its order', 'frontend-payment/notice-wrong-amount#wrong-amount-notice-answered-36'],
  ['answerUnknownOrderWith00', 'answers 00 to a notice for an unknown order', 'frontend-payment/notice-unknown-order#unknown-order-notice-answered-34'],
  ['markPaidOnSyncAnswer', 'marks an order paid on the synchronous answer', 'frontend-payment/paid-only-after-notice#not-paid-on-sync-answer'],
  ['markPaidOnFrontUrlReturn', "marks an order paid on the browser's return to frontUrl", 'frontend-payment/paid-only-after-notice#not-paid-on-front-url-return'],
  ['ignoreInquiryResult', 'ignores inquiry results', 'frontend-payment/notice-lost#paid-after-inquiry'],
  ['majorUnitAmounts', 'sends major-unit amounts', 'frontend-payment/happy-path#amounts-in-minor-units'],
  ['reuseOrderIdForRefund', "reuses the payment's orderId for a refund", 'refund/partial-then-full#first-refund-has-new-order-id'],
  ['keepClosedContractActive', 'keeps a closed contract active', 'auto-debit/close-then-charge-refused#contract-closed'],
  ['reuseMsgId', 'reuses msgIDs', 'frontend-payment/happy-path#request-msgids-unique'],
  ['wrongTimeZone', 'writes times in UTC instead of UTC+8', 'frontend-payment/happy-path#times-in-utc-plus-8'],
  ['unsignedNoticeAnswer', 'answers notices unsigned', 'frontend-payment/happy-path#notice-answered-00'],
  ['answerNoticeWith500', 'answers notices with HTTP 500', 'frontend-payment/happy-path#notice-answered-00'],
  ['ignoreFailedNotice', 'treats a failed-payment notice as paid', 'frontend-payment/notice-failed-payment#order-failed-not-paid'],
  [
    'skipSigningNoticeSignatureCheck',
    'acts on a forged SIGN_AUTO_DEBIT_NOTICE',
    ['auto-debit/signing-notice-forged#forged-signing-notice-answered-11', 'auto-debit/signing-notice-forged#no-contract-from-forged-notice'],
  ],
  [
    'acceptUnknownSigningNotice',
    'stores a contract from a notice for a signing request it never sent',
    ['auto-debit/signing-notice-unknown-request#unknown-signing-notice-answered-34', 'auto-debit/signing-notice-unknown-request#no-contract-from-unknown-signing-notice'],
  ],
  [
    'ignoreSigningNoticeUser',
    "stores a contract for the notice's user, not the signing request's",
    ['auto-debit/signing-notice-other-user#other-user-signing-notice-answered-36', 'auto-debit/signing-notice-other-user#no-contract-from-other-user-notice'],
  ],
  ['requireContractIdInSigningNotice', 'answers 10 to a refused signing (no contractId)', 'auto-debit/refused-signing#refusal-notice-answered-00'],
  [
    'refuseOldNotice',
    'refuses a notice whose timeStamp is more than 300 s old',
    ['frontend-payment/notice-retried-hours-later#old-notice-answered-00', 'frontend-payment/notice-retried-hours-later#paid-after-old-notice'],
  ],
  ['refuseRepeatedNoticeMsgId', 'takes a byte-for-byte retry for a replay (11)', 'frontend-payment/notice-retried-hours-later#repeat-answered-00'],
  [
    'lastNoticeWins',
    'lets a later notice with another result override the first',
    [
      'frontend-payment/notice-conflicting-failed-after-paid#still-paid-after-conflicting-notice',
      'frontend-payment/notice-conflicting-paid-after-failed#still-failed-after-conflicting-notice',
      'auto-debit/signing-notice-conflicting#no-contract-after-refusal',
    ],
  ],
  [
    'answerConflictingNoticeWith36',
    'answers 36 to a later notice with another result',
    [
      'frontend-payment/notice-conflicting-failed-after-paid#conflicting-notice-answered-00',
      'frontend-payment/notice-conflicting-paid-after-failed#conflicting-notice-answered-00',
      'auto-debit/signing-notice-conflicting#later-signed-notice-answered-00',
    ],
  ],
  [
    'ignoreNoticeTxnType',
    'applies a notice to the payment its orderId names, whatever its txnType',
    ['frontend-payment/notice-wrong-txn-type#wrong-txn-type-notice-refused', 'frontend-payment/notice-wrong-txn-type#no-effect-from-wrong-txn-type-notice'],
  ],
  [
    'ignoreNoticeMerId',
    "accepts a notice with another merchant's merId",
    ['frontend-payment/notice-wrong-mer-id#wrong-mer-id-notice-answered-36', 'frontend-payment/notice-wrong-mer-id#no-effect-from-wrong-mer-id-notice'],
  ],
  [
    'ignoreNoticeOrigQryId',
    'accepts a refund notice naming another original payment',
    ['refund/notice-wrong-orig-qry-id#wrong-orig-qry-id-notice-refused', 'refund/notice-wrong-orig-qry-id#refund-pending-after-wrong-orig-qry-id'],
  ],
  [
    'recordRejectedNotice',
    'takes the genuine notice for a duplicate of the rejected one before it',
    [
      'auto-debit/signing-notice-forged#contract-active-after-genuine-notice',
      'auto-debit/signing-notice-other-user#contract-active-for-signer-after-genuine-notice',
      'frontend-payment/notice-wrong-txn-type#paid-after-genuine-notice',
      'frontend-payment/notice-wrong-mer-id#paid-after-genuine-notice',
      'refund/notice-wrong-orig-qry-id#refund-succeeded-after-genuine-notice',
    ],
  ],
  ['skipAnswerSignatureCheck', 'reports the code of an inquiry answer altered after signing', 'frontend-payment/inquiry-answer-corrupted#altered-answer-not-trusted'],
  ['skipAnswerSignatureCheck', 'marks an order paid on an inquiry answer altered after signing', 'frontend-payment/inquiry-answer-corrupted#not-paid-on-altered-answer'],
  ['skipAnswerEchoCheck', "marks an order paid on an answer to another request's msgID", 'frontend-payment/inquiry-answer-corrupted#not-paid-on-misrouted-answer'],
  ['acceptUnsignedAnswer', 'marks an order paid on an unsigned inquiry answer', 'frontend-payment/inquiry-answer-corrupted#not-paid-on-unsigned-answer'],
  ['ignoreInquiryFailure', 'ignores the later inquiry 01 after an unusable answer', 'frontend-payment/inquiry-answer-corrupted#failed-after-later-inquiry'],
  ['skipAnswerSignatureCheck', 'reports the 36 of an order answer whose signature is broken', 'frontend-payment/order-answer-corrupted#bad-signature-answer-not-reported'],
  ['skipAnswerSignatureCheck', 'fails an order on an answer whose signature is broken', 'frontend-payment/order-answer-corrupted#not-failed-on-bad-signature-answer'],
  ['acceptUnsignedAnswer', 'fails an order on an answer without certificateSignature', 'frontend-payment/order-answer-corrupted#not-failed-on-answer-without-signature'],
  ['skipAnswerSignatureCheck', 'loses a payment UCSP made after an unverified refusal', 'frontend-payment/order-answer-corrupted#paid-after-notice'],
  ['skipAnswerEchoCheck', "fails a refund on a cancellation's answer", 'refund/refund-answer-corrupted#refund-pending-after-misrouted-answer'],
  ['skipAnswerEchoCheck', 'loses a refund UCSP made after an answer to another request', 'refund/refund-answer-corrupted#refund-succeeded-by-notice'],
  ['skipAnswerSignatureCheck', 'reports the code of a refund answer altered after signing', 'refund/refund-answer-corrupted#altered-refund-answer-not-reported'],
  ['skipAnswerSignatureCheck', 'fails a refund on an answer altered after signing', 'refund/refund-answer-corrupted#refund-pending-after-altered-answer'],
  ['skipAnswerSignatureCheck', 'loses a refund UCSP made after an answer altered after signing', 'refund/refund-answer-corrupted#refund-succeeded-by-inquiry'],
  ['ignoreInquiryFailure', 'keeps an order pending on an inquiry answered 01', 'frontend-payment/inquiry-answers#failed-after-inquiry-01'],
  ['treatInquiry34AsApproved', 'marks an order paid on an inquiry answered 34', 'frontend-payment/inquiry-answers#not-paid-on-inquiry-34'],
  ['failAfterRepeated05', 'fails an order after a second inquiry answered 05', 'frontend-payment/inquiry-answers#created-after-repeated-05'],
  ['failAfterRepeated05', 'loses the payment whose notice follows the 05s', 'frontend-payment/inquiry-answers#paid-after-notice-following-05s'],
  ['ignoreInquiryFailure', 'keeps a refund pending on an inquiry answered 01', 'refund/inquiry-answers#refund-failed-after-inquiry-01'],
  ['treatInquiry34AsApproved', 'books a refund UCSP never had on an inquiry answered 34', 'refund/inquiry-answers#refund-not-succeeded-on-inquiry-34'],
  ['failAfterRepeated05', 'fails a refund after a second inquiry answered 05', 'refund/inquiry-answers#refund-pending-after-repeated-05'],
  ['failAfterRepeated05', 'loses the refund whose notice follows the 05s', 'refund/inquiry-answers#refund-succeeded-after-05s'],
  ['assumeTwoDecimals', 'sends JPY 500 as "50000" (× 100 as if JPY had cents)', 'frontend-payment/amount-zero-decimals#amount-sent-in-yen'],
  ['majorUnitAmounts', 'sends JPY 500 as "5.00"', 'frontend-payment/amount-zero-decimals#amounts-in-minor-units'],
  ['assumeTwoDecimals', 'sends KWD 1.234 as "123" (as if KWD had 2 decimals)', 'frontend-payment/amount-three-decimals#amount-sent-in-fils'],
  ['amountsRoundedToCents', 'sends KWD 1.234 as "1230" (rounded to 2 decimals)', 'frontend-payment/amount-three-decimals#amount-sent-in-fils'],
  ['amountsRoundedToCents', 'refunds KWD 0.235 as "240" (rounded to 2 decimals)', 'refund/amount-three-decimals#refund-amount-sent-in-fils'],
  ['acceptFutureLogin', 'checks only the age of a login timeStamp', 'login/future-timestamp#future-login-refused'],
  ['openSessionBeforeChecks', 'opens the session before checking the hand-off', 'login/future-timestamp#no-session-on-future-login'],
  ['acceptUnsignedLogin', 'takes a placeholder signature for a test message', 'login/unsigned#placeholder-signature-refused'],
  ['acceptUnsignedLogin', 'verifies only when a signature is present', 'login/unsigned#missing-signature-refused'],
  ['openSessionBeforeChecks', 'opens the session before checking the hand-off', 'login/unsigned#no-session-on-placeholder-signature'],
  ['acceptUnsignedLogin', 'verifies only when a signature is present', 'login/unsigned#no-session-on-missing-signature'],
  ['loginCrashesOnMalformed', 'answers 500 to a broken percent-encoding', 'login/malformed-request-data#bad-encoding-refused'],
  ['loginCrashesOnMalformed', 'answers 500 to a request_data that is not JSON', 'login/malformed-request-data#not-json-refused'],
  ['loginCrashesOnMalformed', 'answers 500 to a cut-off request_data', 'login/malformed-request-data#truncated-refused'],
  ['openSessionBeforeChecks', 'reads the userId out of a broken request_data', 'login/malformed-request-data#no-session-on-bad-encoding'],
  ['openSessionBeforeChecks', 'reads the userId out of a request_data that is not JSON', 'login/malformed-request-data#no-session-on-not-json'],
  ['openSessionBeforeChecks', 'reads the userId out of a cut-off request_data', 'login/malformed-request-data#no-session-on-truncated'],
  ['loginIgnoresInsId', "accepts another institution's hand-off", 'login/other-ins-id#other-ins-id-refused'],
  ['openSessionBeforeChecks', 'opens the session before checking the hand-off', 'login/other-ins-id#no-session-on-other-ins-id'],
  ['ownPaymentUrl', 'sends the user to a paymentUrl of its own making', 'frontend-payment/browser-pay#payment-url-leads-to-cashier'],
  ['ownPaymentUrl', 'sends the user to a paymentUrl of its own making', 'frontend-payment/browser-abandon#payment-url-leads-to-cashier'],
  ['markPaidOnCashierReturn', 'marks an order paid when the browser comes back from the cashier', 'frontend-payment/browser-pay#not-paid-on-return-from-cashier'],
  ['unsignedNoticeAnswer', 'answers notices unsigned', 'frontend-payment/browser-pay#notice-answered-00'],
  ['ownPaymentUrl', 'sends the user where nothing can be paid', 'frontend-payment/browser-pay#paid-after-notice'],
  ['echoNoticeResponseCode', 'answers a 01 notice with 01', 'frontend-payment/browser-abandon#abandon-notice-answered-00'],
  ['ignoreFailedNotice', 'treats the 01 notice of a cancelled payment as paid', 'frontend-payment/browser-abandon#abandoned-order-failed'],
  ['noticeAnswerWithoutTrxInfo', 'answers notices without trxInfo (malformed)', 'frontend-payment/happy-path#notice-answered-00'],
  // the generic checks repeated in the currency scenarios
  ['answerNoticeWith500', 'answers notices with HTTP 500', ['frontend-payment/amount-zero-decimals#notice-answered-00', 'frontend-payment/amount-three-decimals#notice-answered-00']],
  [
    'majorUnitAmounts',
    'sends JPY and KWD amounts in major units',
    [
      'frontend-payment/amount-three-decimals#amounts-in-minor-units',
      'frontend-payment/amount-three-decimals#order-paid',
      'frontend-payment/amount-zero-decimals#order-paid',
      'refund/amount-three-decimals#payment-paid-first',
    ],
  ],
  ['reuseOrderIdForRefund', "reuses the payment's orderId for a KWD refund", ['refund/amount-three-decimals#refund-succeeded', 'refund/amount-three-decimals#partially-refunded-235']],
];

/** Bugs caught by a check of severity warning: the scenario ends WARNING, the run still exits 0. */
const WARNED: [keyof PartnerBugs, string, string][] = [
  ['inquireAgainAtOnce', 'inquires again at once after 05', 'frontend-payment/inquiry-spacing#inquiries-spaced-by-schedule'],
];

describe('the example partner', () => {
  let world: ExampleWorld;
  beforeAll(async () => {
    world = await startExampleWorld();
  });
  afterAll(() => world.close());

  it('passes the whole built-in suite with 0 failures and 0 warnings', async () => {
    const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp });
    const failed = s.scenarios.flatMap((r) => r.checks.filter((c) => c.status === 'failed').map((c) => `${c.key}: ${c.message}`));
    expect(failed).toEqual([]);
    expect(s.counts.failed).toBe(0);
    expect(s.counts.warning).toBe(0);
    expect(s.counts.skipped).toBe(0);
    expect(s.counts.passed).toBeGreaterThanOrEqual(40);
    expect(s.exitCode).toBe(0);
  }, 120_000); // the whole suite: a few seconds alone, much longer on a loaded machine
});

describe(`${BROKEN.length} deliberately broken partners each fail with the right check`, () => {
  it('lists at least 12 distinct bugs', () => {
    expect(new Set(BROKEN.map((b) => b[0])).size).toBeGreaterThanOrEqual(12);
  });

  // rows of the same bug and scenarios share one run (a broken partner runs each scenario once)
  const runs = new Map<string, ReturnType<typeof runConformance>>();
  const runBroken = (bug: keyof PartnerBugs, scenarioIds: string[]) => {
    const k = `${bug}|${[...scenarioIds].sort().join(',')}`;
    if (!runs.has(k)) {
      runs.set(
        k,
        (async () => {
          const world = await startExampleWorld({ bugs: { [bug]: true } });
          try {
            return await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, filters: scenarioIds });
          } finally {
            await world.close();
          }
        })(),
      );
    }
    return runs.get(k)!;
  };

  it.each(BROKEN)('%s (%s) fails %s', async (bug, _what, keyOrKeys) => {
    const keys = [keyOrKeys].flat();
    const scenarioIds = [...new Set(keys.map((k) => k.split('#')[0]!))];
    const s = await runBroken(bug, scenarioIds);
    expect(s.scenarios.map((r) => r.id).sort()).toEqual([...scenarioIds].sort());
    for (const key of keys) {
      const scenario = s.scenarios.find((r) => r.id === key.split('#')[0])!;
      const check = scenario.checks.find((c) => c.key === key);
      expect(check, `${key} exists`).toBeDefined();
      expect(check!.status, `${key}: ${check!.message}`).toBe('failed');
      expect(check!.severity).toBe('failure');
      expect(scenario.status).toBe('FAILED');
    }
    expect(s.exitCode).toBe(1);
  });
});

describe(`${WARNED.length} partners with a flaw a warning check names`, () => {
  it.each(WARNED)('%s (%s) is warned of by %s', async (bug, _what, key) => {
    const world = await startExampleWorld({ bugs: { [bug]: true } });
    try {
      const scenarioId = key.split('#')[0]!;
      const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, filters: [scenarioId] });
      const checks = s.scenarios[0]!.checks;
      const check = checks.find((c) => c.key === key);
      expect(check, `${key} exists`).toBeDefined();
      expect(check!.status, `${key}: ${check!.message}`).toBe('failed');
      expect(check!.severity).toBe('warning');
      expect(checks.filter((c) => c.status === 'failed').map((c) => c.key)).toEqual([key]);
      expect(s.scenarios[0]!.status).toBe('WARNING');
      expect(s.exitCode).toBe(0);
    } finally {
      await world.close();
    }
  });
});

/**
 * Bugs that fail a family of checks of one scenario: every listed check fails, and no other check
 * of the scenario does (nothing unrelated).
 */
const CODES = (prefix: string, codes: string[], suffix = '') => codes.map((c) => `${prefix}${c}${suffix}`);
const FAMILIES: [keyof PartnerBugs, string, string, string[]][] = [
  ['closeContractWhateverTheAnswer', 'closes the contract whatever the answer', 'auto-debit/close-refused-codes', CODES('contract-active-after-', ['10', '11', '34', '36', '99'])],
  ['keepClosedContractActive', 'keeps a closed contract active', 'auto-debit/close-refused-codes', ['closes-on-00']],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'auto-debit/close-refused-codes', CODES('close-', ['10', '11', '34', '36', '99'], '-reported')],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'auto-debit/sign-refused-codes', [...CODES('sign-', ['10', '11', '99'], '-reported'), 'sign-unknown-user-refused']],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'auto-debit/charge-refused-codes', CODES('charge-', ['10', '11', '34', '36'], '-reported')],
  ['markChargePaidUnlessDeclined', 'takes any answer but 01 for a charge made', 'auto-debit/charge-refused-codes', CODES('charge-', ['10', '11', '34', '36'], '-not-paid')],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'cancellation/codes-sync-failure', CODES('cancel-', ['10', '11', '34', '99'], '-reported')],
  ['applyRefundOnSend', 'applies a cancellation when it sends it', 'cancellation/codes-sync-failure', [...CODES('cancel-', ['10', '11', '34', '99'], '-not-succeeded'), ...CODES('payment-paid-after-cancel-', ['10', '11', '34', '99'])]],
  ['applyRefundOnSend', 'applies a cancellation when it sends it', 'cancellation/cancel-pending-05', ['cancellation-pending-after-05', 'payment-paid-while-cancel-pending']],
  ['collapseResponseCodes', 'takes a 05 for 01', 'cancellation/cancel-pending-05', ['cancel-accepted-05', 'cancellation-pending-after-05', 'cancellation-succeeded-after-notice', 'payment-cancelled-after-notice']],
  ['noticeAnswerWithoutTrxInfo', 'answers notices without trxInfo', 'cancellation/cancel-pending-05', ['cancel-notice-answered-00']],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'refund/codes-refused', CODES('refund-', ['10', '11', '34'], '-reported')],
  ['applyRefundOnSend', 'applies a refund when it sends it', 'refund/codes-refused', [...CODES('refund-', ['10', '11', '34'], '-not-succeeded'), 'payment-untouched-after-refused-refunds']],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'frontend-payment/inquiry-codes-sync-failure', CODES('inquiry-', ['10', '11', '99'], '-reported')],
  ['failOrderOnInquiryError', 'fails the order on an inquiry error', 'frontend-payment/inquiry-codes-sync-failure', [...CODES('created-after-inquiry-', ['10', '11', '99']), 'paid-after-inquiry-00']],
  ['collapseResponseCodes', 'reports every code but 00 as 01', 'refund/inquiry-codes-sync-failure', CODES('refund-inquiry-', ['10', '11', '99'], '-reported')],
  ['failOrderOnInquiryError', 'fails the refund on an inquiry error', 'refund/inquiry-codes-sync-failure', [...CODES('refund-pending-after-inquiry-', ['10', '11', '99']), 'refund-succeeded-after-inquiry-00']],
  ['skipNoticeSchemaCheck', 'acts on malformed notices', 'frontend-payment/notice-malformed', ['malformed-notice-answered-10', 'not-paid-on-malformed-notice']],
  ['noticeAnswerWithoutTrxInfo', 'answers notices without trxInfo', 'frontend-payment/notice-malformed', ['malformed-notice-answered-10', 'genuine-notice-answered-00']],
  ['skipNoticeSchemaCheck', 'acts on malformed notices', 'auto-debit/signing-notice-malformed', ['malformed-signing-notice-answered-10', 'contract-active-after-genuine-notice']],
  ['noticeAnswerWithoutTrxInfo', 'answers notices without trxInfo', 'frontend-payment/unpaid-order-expires', ['expiry-notice-answered-00']],
  ['keepOrderOpenOnFailedNotice', 'keeps an expired order open', 'frontend-payment/unpaid-order-expires', ['expired-order-failed']],
];

describe(`${FAMILIES.length} broken partners each fail exactly the checks of a family`, () => {
  it.each(FAMILIES)('%s (%s) fails in %s: %j', async (bug, _what, scenarioId, ids) => {
    const world = await startExampleWorld({ bugs: { [bug]: true } });
    try {
      const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, filters: [scenarioId] });
      const r = s.scenarios[0]!;
      const failed = r.checks.filter((c) => c.status === 'failed');
      expect(failed.map((c) => c.id).sort(), failed.map((c) => `${c.id}: ${c.message}`).join('\n')).toEqual([...ids].sort());
      expect(failed.every((c) => c.severity === 'failure')).toBe(true);
      expect(r.status).toBe('FAILED');
    } finally {
      await world.close();
    }
  });
});
