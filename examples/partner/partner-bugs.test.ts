/**
 * Every deliberate bug flag changes what the partner does: each probe runs once against the
 * correct partner and once against a partner with only that flag on, and must see a difference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipSignature } from '../../src/gateway/corrupt-answer.js';
import { placeholderText } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { BUG_NAMES, resolveBugs, type PartnerBug } from './bugs.js';
import { IDS, newQueryId, paidOrder, resultNotice, startHarness, type Harness } from './testing/harness.js';

const loginInfo = (h: Harness, msgType: 'INDUSTRY_LOGIN_INFO' | 'SIGN_AUTO_DEBIT_NOTICE' = 'INDUSTRY_LOGIN_INFO') => {
  const m = h.ucspMessage('INDUSTRY_LOGIN_INFO', { userId: 'user-001', mobile: '+85290000001', channelCode: 'UPWALLET', industryCode: 'PARKING01' });
  (m.msgInfo as { msgType: string }).msgType = msgType;
  return m;
};
const status = async (h: Harness, orderId: string) => (await h.get(`/driver/orders/${orderId}`)).body.status as string;
const submit = async (h: Harness, txnAmt = '1234') =>
  (await h.driver('submitPaymentOrder', { txnAmt, currencyCode: '344', userId: 'user-001' })).body.result as { orderId: string; tn: string };
const payNotice = (h: Harness, o: { orderId: string; tn: string }, over: Record<string, string> = {}, code = '00') =>
  resultNotice(h, { orderId: o.orderId, tn: o.tn, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId(), ...over }, code);
const code = async (h: Harness, text: string) => (await h.postNotice(text)).answer?.msgResponse?.responseCode;
const contract = async (h: Harness, contractId: string) => {
  const r = await h.get(`/driver/contracts/${contractId}`);
  return r.status === 404 ? 'UNKNOWN' : (r.body.status as string);
};
/** A signing request of the partner's and a SIGN_AUTO_DEBIT_NOTICE for it (00 with a contractId, or 01). */
const signing = async (h: Harness, userId = 'user-003') => (await h.driver('signAutoDebit', { userId })).body.result.orderId as string;
const signingNotice = (h: Harness, trx: Record<string, string>, responseCode = '00') => h.ucspMessage('SIGN_AUTO_DEBIT_NOTICE', { merId: IDS.merId, userId: 'user-003', ...trx }, responseCode);
/** A new order, then a notice for it (fields `over` changed, result `result`): [its answer, the order's status]. */
const noticeToNewOrder = (over: Record<string, string> = {}, result = '00') => async (h: Harness) => {
  const o = await submit(h);
  return [await code(h, payNotice(h, o, over, result)), await status(h, o.orderId)];
};
/** The payment's notice, then a second one with the other result (its own msgID): [its answer, the order's status]. */
const conflicting = async (h: Harness) => {
  const o = await submit(h);
  await h.postNotice(payNotice(h, o));
  return [await code(h, payNotice(h, o, {}, '01')), await status(h, o.orderId)];
};

/** A scripted answer to PAYMENT_RESULT_INQUIRY about the probes' 12.34 HKD order. */
const inquiryAnswer = (answerCode: string) => (t: Record<string, string>) => ({
  code: answerCode,
  trxInfo: { orderId: t.orderId!, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', ...(answerCode === '05' ? {} : { queryId: newQueryId() }) },
});

/** The txnAmt the partner sends for 5 JPY (0 decimals), 1.234 KWD (3) and 12.34 HKD (2). */
const amountsSentInThreeCurrencies = async (h: Harness) => {
  const sent: unknown[] = [];
  for (const [txnAmt, currencyCode] of [['500', '392'], ['1234', '414'], ['1234', '344']]) {
    await h.driver('submitPaymentOrder', { txnAmt, currencyCode, userId: 'user-001' });
    sent.push(h.fake.received.at(-1)?.message.trxInfo.txnAmt);
  }
  return sent;
};

interface Probe {
  run: (h: Harness) => Promise<unknown>;
  correct: unknown;
  buggy: unknown;
}

const PROBES: Record<PartnerBug, Probe> = {
  skipLoginSignatureCheck: { run: async (h) => (await h.login(h.sign(loginInfo(h), h.keys.rogue))).status, correct: 401, buggy: 200 },
  acceptStaleLogin: {
    run: async (h) => {
      const text = h.sign(loginInfo(h));
      h.clock.now += 600_000;
      return (await h.login(text)).status;
    },
    correct: 401,
    buggy: 200,
  },
  acceptReplayedLogin: {
    run: async (h) => {
      const text = h.sign(loginInfo(h));
      await h.login(text);
      return (await h.login(text)).status;
    },
    correct: 401,
    buggy: 200,
  },
  loginIgnoresMsgType: { run: async (h) => (await h.login(h.sign(loginInfo(h, 'SIGN_AUTO_DEBIT_NOTICE')))).status, correct: 401, buggy: 200 },
  skipNoticeSignatureCheck: {
    run: async (h) => {
      const o = await submit(h);
      return [await code(h, h.sign(JSON.parse(payNotice(h, o)), h.keys.rogue)), await status(h, o.orderId)];
    },
    correct: ['11', 'CREATED'],
    buggy: ['00', 'PAID'],
  },
  applyDuplicateNotice: {
    run: async (h) => {
      const paid = await paidOrder(h, '1000');
      const refundId = (await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '400' })).body.result.orderId;
      const notice = resultNotice(h, { orderId: refundId, txnType: 'REFUND', txnAmt: '400', currencyCode: '344', origQryId: paid.queryId, queryId: newQueryId() });
      await h.postNotice(notice);
      await h.postNotice(notice);
      return (await h.get(`/driver/orders/${paid.orderId}`)).body.refundedAmt;
    },
    correct: '400',
    buggy: '800',
  },
  ignoreNoticeAmountMismatch: {
    run: noticeToNewOrder({ txnAmt: '1235' }),
    correct: ['36', 'CREATED'],
    buggy: ['00', 'PAID'],
  },
  answerUnknownOrderWith00: {
    run: (h) => code(h, payNotice(h, { orderId: 'UNKNOWN00001', tn: '1'.repeat(21) })),
    correct: '34',
    buggy: '00',
  },
  markPaidOnSyncAnswer: { run: async (h) => status(h, (await submit(h)).orderId), correct: 'CREATED', buggy: 'PAID' },
  markPaidOnFrontUrlReturn: {
    run: async (h) => {
      const o = await submit(h);
      await fetch(`${h.url}/ucsp/return?orderId=${o.orderId}`);
      return status(h, o.orderId);
    },
    correct: 'CREATED',
    buggy: 'PAID',
  },
  ignoreInquiryResult: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code: '00', trxInfo: { orderId: t.orderId!, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId() } });
      await h.driver('inquirePayment', { orderId: o.orderId });
      return status(h, o.orderId);
    },
    correct: 'PAID',
    buggy: 'CREATED',
  },
  majorUnitAmounts: {
    run: async (h) => {
      await submit(h);
      return h.fake.received.at(-1)?.message.trxInfo.txnAmt;
    },
    correct: '1234',
    buggy: '12.34',
  },
  reuseOrderIdForRefund: {
    run: async (h) => {
      const paid = await paidOrder(h, '1000');
      return (await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '100' })).body.result.orderId === paid.orderId;
    },
    correct: false,
    buggy: true,
  },
  keepClosedContractActive: {
    run: async (h) => {
      const { body } = await h.driver('signAutoDebit', { userId: 'user-001' });
      await h.postNotice(h.sign(h.ucspMessage('SIGN_AUTO_DEBIT_NOTICE', { orderId: body.result.orderId, merId: IDS.merId, userId: 'user-001', contractId: 'CTR9' }, '00')));
      await h.driver('closeAutoDebit', { contractId: 'CTR9' });
      const charge = await h.driver('submitAutoDebit', { contractId: 'CTR9', txnAmt: '100', currencyCode: '344' });
      return [(await h.get('/driver/contracts/CTR9')).body.status, charge.status];
    },
    correct: ['CLOSED', 409],
    buggy: ['ACTIVE', 200],
  },
  reuseMsgId: {
    run: async (h) => {
      await submit(h);
      await submit(h);
      return new Set(h.fake.received.map((r) => r.message.msgInfo.msgID)).size;
    },
    correct: 2,
    buggy: 1,
  },
  wrongTimeZone: {
    run: async (h) => {
      await submit(h);
      const { timeStamp } = h.fake.received.at(-1)!.message.msgInfo;
      return timeStamp === formatUcspTime(h.clock.now, '+08:00') ? '+08:00' : timeStamp === formatUcspTime(h.clock.now, 'Z') ? 'UTC' : timeStamp;
    },
    correct: '+08:00',
    buggy: 'UTC',
  },
  unsignedNoticeAnswer: {
    run: async (h) => (await h.postNotice(payNotice(h, await submit(h)))).signature?.valid,
    correct: true,
    buggy: false,
  },
  answerNoticeWith500: {
    run: async (h) => {
      const o = await submit(h);
      return [(await h.postNotice(payNotice(h, o))).status, await status(h, o.orderId)];
    },
    correct: [200, 'PAID'],
    buggy: [500, 'PAID'],
  },
  ignoreFailedNotice: {
    run: async (h) => {
      const o = await submit(h);
      await h.postNotice(payNotice(h, o, {}, '01'));
      return status(h, o.orderId);
    },
    correct: 'FAILED',
    buggy: 'PAID',
  },
  skipSigningNoticeSignatureCheck: {
    run: async (h) => {
      const orderId = await signing(h);
      return [await code(h, h.sign(signingNotice(h, { orderId, contractId: 'CTR1' }), h.keys.rogue)), await contract(h, 'CTR1')];
    },
    correct: ['11', 'UNKNOWN'],
    buggy: ['00', 'ACTIVE'],
  },
  acceptUnknownSigningNotice: {
    run: async (h) => [await code(h, h.sign(signingNotice(h, { orderId: 'SGNUNKNOWN0001', contractId: 'CTR2' }))), await contract(h, 'CTR2')],
    correct: ['34', 'UNKNOWN'],
    buggy: ['00', 'ACTIVE'],
  },
  ignoreSigningNoticeUser: {
    run: async (h) => {
      const orderId = await signing(h, 'user-003');
      return [await code(h, h.sign(signingNotice(h, { orderId, userId: 'user-001', contractId: 'CTR3' }))), await contract(h, 'CTR3')];
    },
    correct: ['36', 'UNKNOWN'],
    buggy: ['00', 'ACTIVE'],
  },
  requireContractIdInSigningNotice: {
    run: async (h) => code(h, h.sign(signingNotice(h, { orderId: await signing(h) }, '01'))),
    correct: '00',
    buggy: '10',
  },
  refuseOldNotice: {
    run: async (h) => {
      const o = await submit(h);
      const now = h.clock.now;
      h.clock.now = now - 6 * 3_600_000; // the notice was stamped at its first attempt, 6 h ago
      const text = payNotice(h, o);
      h.clock.now = now;
      return [await code(h, text), await status(h, o.orderId)];
    },
    correct: ['00', 'PAID'],
    buggy: ['11', 'CREATED'],
  },
  refuseRepeatedNoticeMsgId: {
    run: async (h) => {
      const text = payNotice(h, await submit(h));
      await h.postNotice(text);
      return code(h, text);
    },
    correct: '00',
    buggy: '11',
  },
  lastNoticeWins: { run: conflicting, correct: ['00', 'PAID'], buggy: ['00', 'FAILED'] },
  answerConflictingNoticeWith36: { run: conflicting, correct: ['00', 'PAID'], buggy: ['36', 'PAID'] },
  ignoreNoticeTxnType: {
    run: async (h) => {
      const o = await submit(h);
      const queryId = newQueryId();
      // the payment's orderId in a notice that says REFUND
      const text = resultNotice(h, { orderId: o.orderId, txnType: 'REFUND', txnAmt: '1234', currencyCode: '344', queryId, origQryId: queryId });
      return [await code(h, text), await status(h, o.orderId)];
    },
    correct: ['34', 'CREATED'],
    buggy: ['00', 'PAID'],
  },
  ignoreNoticeMerId: {
    run: noticeToNewOrder({ merId: '999999999999999' }),
    correct: ['36', 'CREATED'],
    buggy: ['00', 'PAID'],
  },
  ignoreNoticeOrigQryId: {
    run: async (h) => {
      const paid = await paidOrder(h, '1000');
      const refundId = (await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '400' })).body.result.orderId as string;
      const text = resultNotice(h, { orderId: refundId, txnType: 'REFUND', txnAmt: '400', currencyCode: '344', origQryId: newQueryId(), queryId: newQueryId() });
      return [await code(h, text), await status(h, refundId)];
    },
    correct: ['36', 'PENDING'],
    buggy: ['00', 'SUCCEEDED'],
  },
  recordRejectedNotice: {
    run: async (h) => {
      const o = await submit(h);
      await h.postNotice(h.sign(JSON.parse(payNotice(h, o)), h.keys.rogue)); // forged: 11
      await h.postNotice(payNotice(h, o));
      return status(h, o.orderId);
    },
    correct: 'PAID',
    buggy: 'CREATED',
  },
  skipAnswerSignatureCheck: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = inquiryAnswer('00');
      h.fake.rawAnswer = (text) => flipSignature(text, (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature);
      return [(await h.driver('inquirePayment', { orderId: o.orderId })).status, await status(h, o.orderId)];
    },
    correct: [502, 'CREATED'],
    buggy: [200, 'PAID'],
  },
  acceptUnsignedAnswer: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = inquiryAnswer('00');
      h.fake.rawAnswer = (text) => text.replace(/"signature":"[^"]+"/, '"signature":"00000000"');
      return [(await h.driver('inquirePayment', { orderId: o.orderId })).status, await status(h, o.orderId)];
    },
    correct: [502, 'CREATED'],
    buggy: [200, 'PAID'],
  },
  skipAnswerEchoCheck: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = inquiryAnswer('00');
      // validly signed by UCSP, but an answer to another request (another msgID)
      h.fake.rawAnswer = (text) => {
        const m = JSON.parse(text) as { msgInfo: { msgID: string } };
        m.msgInfo.msgID = `${m.msgInfo.msgID.slice(0, -1)}X`;
        return h.sign(m);
      };
      return [(await h.driver('inquirePayment', { orderId: o.orderId })).status, await status(h, o.orderId)];
    },
    correct: [502, 'CREATED'],
    buggy: [200, 'PAID'],
  },
  ignoreInquiryFailure: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = inquiryAnswer('01');
      await h.driver('inquirePayment', { orderId: o.orderId });
      return status(h, o.orderId);
    },
    correct: 'FAILED',
    buggy: 'CREATED',
  },
  treatInquiry34AsApproved: {
    run: async (h) => {
      const o = await submit(h); // the fake UCSP answers every inquiry 34 by default
      return [(await h.driver('inquirePayment', { orderId: o.orderId })).body.result.responseCode, await status(h, o.orderId)];
    },
    correct: ['34', 'CREATED'],
    buggy: ['34', 'PAID'],
  },
  failAfterRepeated05: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = inquiryAnswer('05');
      await h.driver('inquirePayment', { orderId: o.orderId });
      await h.driver('inquirePayment', { orderId: o.orderId });
      return status(h, o.orderId);
    },
    correct: 'CREATED',
    buggy: 'FAILED',
  },
  assumeTwoDecimals: {
    run: amountsSentInThreeCurrencies,
    correct: ['500', '1234', '1234'],
    buggy: ['50000', '123', '1234'],
  },
  amountsRoundedToCents: {
    run: amountsSentInThreeCurrencies,
    correct: ['500', '1234', '1234'],
    buggy: ['500', '1230', '1234'],
  },
  acceptFutureLogin: {
    run: async (h) => {
      const text = h.sign(loginInfo(h));
      h.clock.now -= 600_000; // the message's timeStamp is 10 minutes ahead of the partner's clock
      return (await h.login(text)).status;
    },
    correct: 401,
    buggy: 200,
  },
  acceptUnsignedLogin: {
    run: async (h) => [(await h.login(placeholderText(loginInfo(h), h.keys.ucsp.certificate.serial))).status, (await h.login(JSON.stringify(loginInfo(h)))).status],
    correct: [401, 401],
    buggy: [200, 200],
  },
  loginCrashesOnMalformed: {
    run: async (h) => [(await fetch(`${h.url}/ucsp/login?request_data=%7Gabc`)).status, (await h.login('{"msgInfo":')).status],
    correct: [400, 400],
    buggy: [500, 500],
  },
  loginIgnoresInsId: {
    run: async (h) => {
      const m = loginInfo(h);
      (m.msgInfo as { insID: string }).insID = '87654321';
      return (await h.login(h.sign(m))).status;
    },
    correct: 401,
    buggy: 200,
  },
  openSessionBeforeChecks: {
    run: async (h) => {
      const res = await h.login(h.sign(loginInfo(h), h.keys.rogue));
      return [res.status, res.headers.getSetCookie().length > 0];
    },
    correct: [401, false],
    buggy: [401, true],
  },
  ownPaymentUrl: {
    run: async (h) => {
      const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
      return new URL(body.result.paymentUrl as string).pathname; // the fake UCSP answers …/ucsp/cashier?tn=…
    },
    correct: '/ucsp/cashier',
    buggy: '/ucsp/pay',
  },
  markPaidOnCashierReturn: {
    run: async (h) => {
      const o = await submit(h);
      await fetch(`${h.url}/ucsp/return?orderId=${o.orderId}`, { headers: { referer: 'http://127.0.0.1:7301/' } });
      return status(h, o.orderId);
    },
    correct: 'CREATED',
    buggy: 'PAID',
  },
  echoNoticeResponseCode: {
    run: noticeToNewOrder({}, '01'),
    correct: ['00', 'FAILED'],
    buggy: ['01', 'FAILED'],
  },
  inquireAgainAtOnce: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code: '05', trxInfo: { orderId: t.orderId!, txnType: 'PAY', txnAmt: '1234', currencyCode: '344' } });
      await h.driver('inquirePayment', { orderId: o.orderId });
      return h.fake.received.filter((r) => r.msgType === 'PAYMENT_RESULT_INQUIRY').length;
    },
    correct: 1,
    buggy: 2,
  },
  keepOrderOpenOnFailedNotice: {
    run: noticeToNewOrder({}, '01'),
    correct: ['00', 'FAILED'],
    buggy: ['00', 'CREATED'],
  },
  collapseResponseCodes: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code: '99', trxInfo: { orderId: t.orderId! } });
      return (await h.driver('inquirePayment', { orderId: o.orderId })).body.result.responseCode;
    },
    correct: '99',
    buggy: '01',
  },
  closeContractWhateverTheAnswer: {
    run: async (h) => {
      const { body } = await h.driver('signAutoDebit', { userId: 'user-001' });
      await h.postNotice(h.sign(h.ucspMessage('SIGN_AUTO_DEBIT_NOTICE', { orderId: body.result.orderId, merId: IDS.merId, userId: 'user-001', contractId: 'CTR10' }, '00')));
      h.fake.script.CLOSE_AUTO_DEBIT = (t) => ({ code: '99', trxInfo: { contractId: t.contractId! } });
      await h.driver('closeAutoDebit', { contractId: 'CTR10' });
      return (await h.get('/driver/contracts/CTR10')).body.status;
    },
    correct: 'ACTIVE',
    buggy: 'CLOSED',
  },
  markChargePaidUnlessDeclined: {
    run: async (h) => {
      const { body } = await h.driver('signAutoDebit', { userId: 'user-001' });
      await h.postNotice(h.sign(h.ucspMessage('SIGN_AUTO_DEBIT_NOTICE', { orderId: body.result.orderId, merId: IDS.merId, userId: 'user-001', contractId: 'CTR11' }, '00')));
      h.fake.script.SUBMIT_AUTO_DEBIT = (t) => ({ code: '99', trxInfo: { orderId: t.orderId! } });
      const charge = await h.driver('submitAutoDebit', { contractId: 'CTR11', txnAmt: '100', currencyCode: '344' });
      return status(h, charge.body.result.orderId);
    },
    correct: 'FAILED',
    buggy: 'PAID',
  },
  applyRefundOnSend: {
    run: async (h) => {
      const paid = await paidOrder(h, '1000');
      const refund = await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '100' });
      return [await status(h, refund.body.result.orderId), (await h.get(`/driver/orders/${paid.orderId}`)).body.refundedAmt];
    },
    correct: ['PENDING', '0'],
    buggy: ['SUCCEEDED', '100'],
  },
  skipNoticeSchemaCheck: {
    run: noticeToNewOrder({ queryId: '' }),
    correct: ['10', 'CREATED'],
    buggy: ['00', 'PAID'],
  },
  failOrderOnInquiryError: {
    run: async (h) => {
      const o = await submit(h);
      h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code: '99', trxInfo: { orderId: t.orderId! } });
      await h.driver('inquirePayment', { orderId: o.orderId });
      return status(h, o.orderId);
    },
    correct: 'CREATED',
    buggy: 'FAILED',
  },
  noticeAnswerWithoutTrxInfo: {
    run: async (h) => (await h.postNotice(payNotice(h, await submit(h)))).validation?.valid,
    correct: true,
    buggy: false,
  },
};

let correct: Harness;
beforeAll(async () => {
  correct = await startHarness();
});
afterAll(() => correct.close());

describe('deliberate bug flags', () => {
  it('every flag has a probe, and all flags are off by default', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...BUG_NAMES].sort());
    expect(Object.values(resolveBugs()).every((on) => on === false)).toBe(true);
    expect(() => resolveBugs({ noSuchBug: true } as never)).toThrow(/unknown partner bug flag/);
  });

  it.each(BUG_NAMES)('%s changes behaviour', async (bug) => {
    const probe = PROBES[bug];
    await fetch(`${correct.url}/driver/reset`, { method: 'POST' });
    correct.fake.script = {};
    delete correct.fake.rawAnswer;
    correct.fake.received.length = 0;
    correct.clock.now = Date.now();
    expect(await probe.run(correct)).toEqual(probe.correct);

    const buggy = await startHarness({ [bug]: true });
    try {
      expect(await probe.run(buggy)).toEqual(probe.buggy);
    } finally {
      await buggy.close();
    }
  });
});
