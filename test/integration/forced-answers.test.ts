/**
 * Forced answers (POST /control/api/answer) are answers a real UCSP could give: every partner→UCSP
 * message type × every code PROFILE allows it, forced, validates against the type's response
 * schema (tn and paymentUrl on a 00 to SUBMIT_PAYMENT_ORDER, an inquiry's amount, currency and
 * queryId…), is signed by UCSP, and changes nothing UCSP holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResponseCode } from '../../src/errors/index.js';
import { PARTNER_TO_UCSP_TYPES, allowedResponseCodes } from '../../src/schemas/message-types.js';
import { validateMessage } from '../../src/schemas/validate.js';
import { makeHarness, PARTNER, type Harness } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const back = { frontUrl: 'http://127.0.0.1:9/back', backUrl: 'http://127.0.0.1:9/notify' };

/** UCSP's state for every message type to refer to: a paid order, a refund of it, a contract, a pending order. */
function world() {
  const paid = h.orderTrx();
  expect(h.send('SUBMIT_PAYMENT_ORDER', paid).code).toBe('00');
  h.runtime.pay({ orderId: paid.orderId });
  const queryId = h.runtime.ledger.payment(paid.orderId)!.queryId!;
  const refundId = h.newOrderId('RFD');
  expect(h.send('PAYMENT_REFUND', { orderId: refundId, origQryId: queryId, merId: PARTNER.merId, txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: back.backUrl }).code).toBe('00');
  const signId = h.newOrderId('SGN');
  expect(h.send('SIGN_AUTO_DEBIT', { orderId: signId, merId: PARTNER.merId, userId: 'user-001', ...back }).code).toBe('00');
  const contractId = h.runtime.decideSigning({ orderId: signId }, true).contractId!;
  const pending = h.orderTrx();
  expect(h.send('SUBMIT_PAYMENT_ORDER', pending).code).toBe('00');
  return { paid, queryId, refundId, contractId, pending };
}

type World = ReturnType<typeof world>;

/** A valid request of each type, about the world's orders (new orderIds where the type makes one). */
const REQUESTS: Record<string, (w: World) => Record<string, string>> = {
  SUBMIT_PAYMENT_ORDER: () => h.orderTrx(),
  PAYMENT_RESULT_INQUIRY: (w) => ({ orderId: w.paid.orderId, merId: PARTNER.merId }),
  SIGN_AUTO_DEBIT: () => ({ orderId: h.newOrderId('SGN'), merId: PARTNER.merId, userId: 'user-002', ...back }),
  CLOSE_AUTO_DEBIT: (w) => ({ contractId: w.contractId, merId: PARTNER.merId, userId: 'user-001' }),
  SUBMIT_AUTO_DEBIT: (w) => ({ orderId: h.newOrderId('DBT'), contractId: w.contractId, merId: PARTNER.merId, acqIIN: PARTNER.acqIIN, txnAmt: '500', currencyCode: '344', txnTime: h.wireNow(), backUrl: back.backUrl }),
  PAYMENT_CANCELLATION: (w) => ({ orderId: h.newOrderId('CNL'), origQryId: w.queryId, merId: PARTNER.merId, txnAmt: '1234', txnTime: h.wireNow(), backUrl: back.backUrl }),
  PAYMENT_REFUND: (w) => ({ orderId: h.newOrderId('RFD'), origQryId: w.queryId, merId: PARTNER.merId, txnAmt: '200', currencyCode: '344', txnTime: h.wireNow(), backUrl: back.backUrl }),
  REFUND_RESULT_INQUIRY: (w) => ({ orderId: w.refundId, merId: PARTNER.merId }),
};

/** What UCSP holds, to compare before and after a forced answer. */
const holdings = () => JSON.stringify([[...h.runtime.ledger.orders.values()], [...h.runtime.ledger.contracts.values()], [...h.runtime.ledger.issuer.values()], [...h.runtime.ledger.notices.values()]]);

const CASES = PARTNER_TO_UCSP_TYPES.flatMap((t) => allowedResponseCodes(t).map((code) => [t, code] as [string, ResponseCode]));

describe('every message type × every allowed code, forced', () => {
  it('covers all of them', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual([...PARTNER_TO_UCSP_TYPES].sort());
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%s forced %s: signed, schema-valid for its type and code, nothing changed', (msgType, code) => {
    const w = world();
    const trx = REQUESTS[msgType]!(w);
    const before = holdings();
    h.runtime.forceAnswer(code, msgType);
    const a = h.send(msgType, trx); // verifies UCSP's signature
    expect(a.code).toBe(code);
    const check = validateMessage(a.msg, { role: 'response', msgType: msgType as never });
    expect(check.errors).toEqual([]);
    expect(check.valid).toBe(true);
    expect(a.msg.msgResponse.responseMsg).toContain('answer forced by the sandbox');
    expect(holdings()).toBe(before);
    // the key fields of the request are repeated (PROFILE §3)
    for (const k of ['orderId', 'contractId', 'origQryId'] as const) if (trx[k]) expect(a.msg.trxInfo[k]).toBe(trx[k]);
  });
});

describe('what a forced answer carries', () => {
  it('a 00 to SUBMIT_PAYMENT_ORDER has a tn and the paymentUrl of its cashier page; the order is not stored', () => {
    const trx = h.orderTrx();
    h.runtime.forceAnswer('00', 'SUBMIT_PAYMENT_ORDER');
    const a = h.send('SUBMIT_PAYMENT_ORDER', trx);
    expect(a.msg.trxInfo.tn).toMatch(/^[0-9]{21}$/);
    // the cashier of its tn, with the key that opens it (a capability: 22 base64url characters)
    expect(a.msg.trxInfo.paymentUrl).toBe(`http://127.0.0.1:1/ucsp/cashier/${a.msg.trxInfo.tn}/${h.runtime.payKey(a.msg.trxInfo.tn!)}`);
    expect(a.msg.trxInfo.paymentUrl).toMatch(/\/[A-Za-z0-9_-]{22}$/);
    expect(h.runtime.ledger.orders.has(trx.orderId)).toBe(false);
    // the genuine answer later is UCSP's own (a new tn: the forced one was stored nowhere)
    expect(h.send('SUBMIT_PAYMENT_ORDER', trx).msg.trxInfo.tn).not.toBe(a.msg.trxInfo.tn);
  });

  it('a 00 or 01 to an inquiry of a payment UCSP holds carries its amount, currency and queryId', () => {
    const w = world();
    h.runtime.forceAnswer('01', 'PAYMENT_RESULT_INQUIRY');
    const failed = h.send('PAYMENT_RESULT_INQUIRY', { orderId: w.paid.orderId, merId: PARTNER.merId });
    expect(failed.msg.trxInfo).toMatchObject({ orderId: w.paid.orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: w.queryId });
    // a pending order has no queryId yet: a forced 00 makes one up, stored nowhere
    h.runtime.forceAnswer('00', 'PAYMENT_RESULT_INQUIRY');
    const approved = h.send('PAYMENT_RESULT_INQUIRY', { orderId: w.pending.orderId, merId: PARTNER.merId });
    expect(approved.msg.trxInfo.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expect(h.runtime.ledger.payment(w.pending.orderId)!.queryId).toBeUndefined();
    expect(h.send('PAYMENT_RESULT_INQUIRY', { orderId: w.pending.orderId, merId: PARTNER.merId }).code).toBe('05');
  });

  it('a refund inquiry forced 05 carries origQryId, txnType and txnAmt, and no queryId', () => {
    const w = world();
    h.runtime.forceAnswer('05', 'REFUND_RESULT_INQUIRY');
    const a = h.send('REFUND_RESULT_INQUIRY', { orderId: w.refundId, merId: PARTNER.merId });
    expect(a.msg.trxInfo).toMatchObject({ orderId: w.refundId, origQryId: w.queryId, txnType: 'REFUND', txnAmt: '100' });
    expect(a.msg.trxInfo.queryId).toBeUndefined();
  });

  it('a 00 to SIGN_AUTO_DEBIT has a signUrl', () => {
    h.runtime.forceAnswer('00', 'SIGN_AUTO_DEBIT');
    const trx = { orderId: h.newOrderId('SGN'), merId: PARTNER.merId, userId: 'user-001', ...back };
    const a = h.send('SIGN_AUTO_DEBIT', trx);
    expect(a.msg.trxInfo.signUrl).toMatch(/^http:\/\/127\.0\.0\.1:1\/ucsp\/sign\/[A-Za-z0-9_-]{22}$/); // a random signId: 128 bits
    expect(h.runtime.ledger.orders.has(trx.orderId)).toBe(false);
  });

  it('when only a stored order has the fields a code needs, UCSP answers as it would and the journal says why', () => {
    h.runtime.forceAnswer('00', 'PAYMENT_RESULT_INQUIRY');
    const a = h.send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORDNOTHERE01', merId: PARTNER.merId });
    expect(a.code).toBe('34');
    const note = h.runtime.journal.query({ channel: 'api' }).filter((e) => e.direction === 'out').at(-1)!.note!;
    expect(note).toContain('the forced answer 00 was not given: UCSP holds no payment order ORDNOTHERE01');
    // the forced answer was used up: the next inquiry is answered as any
    expect(h.send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORDNOTHERE01', merId: PARTNER.merId }).msg.msgResponse.responseMsg).not.toContain('forced');
  });
});
