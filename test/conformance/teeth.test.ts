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

const BROKEN: [keyof PartnerBugs, string, string][] = [
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

  it.each(BROKEN)('%s (%s) fails %s', async (bug, _what, key) => {
    const world = await startExampleWorld({ bugs: { [bug]: true } });
    try {
      const scenarioId = key.split('#')[0]!;
      const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, filters: [scenarioId] });
      const check = s.scenarios[0]!.checks.find((c) => c.key === key);
      expect(check, `${key} exists`).toBeDefined();
      expect(check!.status, `${key}: ${check!.message}`).toBe('failed');
      expect(check!.severity).toBe('failure');
      expect(s.scenarios[0]!.status).toBe('FAILED');
      expect(s.exitCode).toBe(1);
    } finally {
      await world.close();
    }
  });
});
