/**
 * Every partner→UCSP message type: its happy answer and every code it can give (PROFILE §6, §8),
 * through the real request path (in process, manual clock). Every answer is verified as signed by
 * UCSP and schema-valid for its type.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { signMessage } from '../../src/crypto/index.js';
import { signerOf, makeHarness, PARTNER, type Harness } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const card = (behaviour: string) => TEST_CARDS.find((c) => c.behaviour === behaviour)!.pan;

/** A frontend payment, paid at the cashier with a card: returns orderId and queryId. */
function paidOrder(o: Record<string, string> = {}, behaviour = 'approve') {
  const trx = h.orderTrx(o);
  expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  h.runtime.pay({ orderId: trx.orderId }, card(behaviour));
  const p = h.runtime.ledger.payment(trx.orderId)!;
  return { orderId: trx.orderId, queryId: p.queryId!, order: p };
}

function contract(userId = 'user-001') {
  const orderId = h.newOrderId('SGN');
  const a = h.send('SIGN_AUTO_DEBIT', { orderId, merId: PARTNER.merId, userId, frontUrl: 'http://127.0.0.1:9/back', backUrl: 'http://127.0.0.1:9/notify' });
  expect(a.code).toBe('00');
  return h.runtime.decideSigning({ orderId }, true).contractId!;
}

describe('SUBMIT_PAYMENT_ORDER', () => {
  it('00 with tn and paymentUrl; the order awaits the user', () => {
    const trx = h.orderTrx();
    const a = h.send('SUBMIT_PAYMENT_ORDER', trx);
    expect(a.code).toBe('00');
    expect(a.msg.trxInfo).toMatchObject({ orderId: trx.orderId, merId: trx.merId, txnAmt: '1234', currencyCode: '344' });
    expect(a.msg.trxInfo.tn).toMatch(/^[0-9]{21}$/);
    // the cashier of its tn, with the key that opens it (a capability: 22 base64url characters)
    expect(a.msg.trxInfo.paymentUrl).toBe(`http://127.0.0.1:1/ucsp/cashier/${a.msg.trxInfo.tn}/${h.runtime.payKey(a.msg.trxInfo.tn!)}`);
    expect(a.msg.trxInfo.paymentUrl).toMatch(/\/[A-Za-z0-9_-]{22}$/);
    expect(h.runtime.ledger.payment(trx.orderId)!.status).toBe('AWAITING_USER');
  });

  it('echoes msgInfo unchanged', () => {
    const msg = h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    const a = h.sendText(signMessage(msg, h.partner));
    expect(a.msg.msgInfo).toEqual(msg.msgInfo);
  });

  it('same orderId, same content: the same answer (same tn); other content: 36', () => {
    const trx = h.orderTrx();
    const first = h.send('SUBMIT_PAYMENT_ORDER', trx);
    const again = h.send('SUBMIT_PAYMENT_ORDER', trx);
    expect(again.code).toBe('00');
    expect(again.msg.trxInfo.tn).toBe(first.msg.trxInfo.tn);
    const other = h.send('SUBMIT_PAYMENT_ORDER', { ...trx, txnAmt: '999' });
    expect(other.code).toBe('36');
    expect(h.runtime.ledger.payment(trx.orderId)!.txnAmt).toBe('1234');
  });

  it.each([
    ['txnTime 20 minutes off', { txnTime: 'OFFSET' }],
    ['an unknown currency', { currencyCode: '999' }],
    ['a userId the channel app does not know', { userId: 'nobody' }],
    ['another acqIIN', { acqIIN: '99999999' }],
  ])('36 for %s, and nothing is stored', (_why, o) => {
    const fields = o as Record<string, string>;
    const trx = h.orderTrx(fields.txnTime === 'OFFSET' ? { txnTime: h.wireNow(-20 * 60_000) } : fields);
    const a = h.send('SUBMIT_PAYMENT_ORDER', trx);
    expect(a.code).toBe('36');
    expect(a.msg.msgResponse.responseMsg.length).toBeGreaterThan('Order Info is Incorrect'.length);
    expect(h.runtime.ledger.orders.has(trx.orderId)).toBe(false);
  });

  it('10 for a missing field, a broken format, another merId or insID — with the reason', () => {
    const { txnAmt: _omit, ...missing } = h.orderTrx();
    const a = h.send('SUBMIT_PAYMENT_ORDER', missing);
    expect(a.code).toBe('10');
    expect(a.msg.msgResponse.responseMsg).toContain('trxInfo.txnAmt');
    const major = h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ txnAmt: '12.34' }));
    expect(major.code).toBe('10');
    // the reason says what the field means, what came, and the rule — in the answer and the journal
    expect(major.msg.msgResponse.responseMsg).toContain('trxInfo.txnAmt: minor units, a whole number without a dot');
    const note = h.runtime.journal.query({ channel: 'api' }).filter((e) => e.direction === 'out').at(-1)!.note!;
    expect(note).toContain('trxInfo.txnAmt: minor units, a whole number without a dot or leading zero ("1234" for 12.34 HKD) — got "12.34" (must match ^[1-9][0-9]{0,11}$ [pattern])');
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ merId: '999999999999999' })).code).toBe('10');
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx(), { insID: '87654321' }).code).toBe('10');
    expect(h.runtime.ledger.orders.size).toBe(0);
  });

  it('an orderId out of format is not echoed, but the journal names it, so the refusal is found by it', () => {
    const bad = h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ orderId: 'ORDER-2026_11' }));
    expect(bad.code).toBe('10');
    expect(bad.msg.trxInfo.orderId).toBeUndefined();
    const found = h.runtime.journal.query({ orderId: 'ORDER-2026_11' });
    expect(found.map((e) => e.direction)).toEqual(['in', 'out']);
    expect(found[1]!.note).toContain('trxInfo.orderId');
    // nothing unprintable or long is taken as a name
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ orderId: `X${'y'.repeat(80)}` })).code).toBe('10');
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ orderId: 'A\u0000B' })).code).toBe('10');
    expect(h.runtime.journal.query({ channel: 'api' }).filter((e) => e.orderId !== undefined && e.orderId !== 'ORDER-2026_11')).toEqual([]);
  });

  it('11 for a bad signature, an unknown certificate, a stale timeStamp, a reused msgID', () => {
    const text = signMessage(h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx()), h.partner);
    expect(h.sendText(text.replace('"txnAmt":"1234"', '"txnAmt":"1235"')).code).toBe('11');
    const stranger = signerOf(h.keys.ucsp.keyPem, h.keys.ucsp.certPem);
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx(), { signer: stranger }).code).toBe('11');
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx(), { timeStamp: h.wireNow(-301_000) }).code).toBe('11');
    const first = h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx(), { msgID: 'P1REUSED' });
    expect(first.code).toBe('00');
    const reused = h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx(), { msgID: 'P1REUSED' });
    expect(reused.code).toBe('11');
    expect(reused.msg.msgResponse.responseMsg).toContain('already used');
    expect(h.runtime.ledger.orders.size).toBe(1);
  });

  it('a byte-for-byte repeat gets the first answer again with no second effect', () => {
    const text = signMessage(h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx()), h.partner);
    const a = h.sendText(text);
    const b = h.sendText(text);
    expect(b.text).toBe(a.text);
    expect(h.runtime.ledger.orders.size).toBe(1);
  });
});

describe('PAYMENT_RESULT_INQUIRY', () => {
  const inquire = (orderId: string) => h.send('PAYMENT_RESULT_INQUIRY', { orderId, merId: PARTNER.merId });

  it('34 for an unknown order', () => {
    expect(inquire('NOSUCHORDER1').code).toBe('34');
  });
  it('05 while the user has not paid, 00 with queryId once approved', () => {
    const trx = h.orderTrx();
    h.send('SUBMIT_PAYMENT_ORDER', trx);
    const pending = inquire(trx.orderId);
    expect(pending.code).toBe('05');
    expect(pending.msg.trxInfo.queryId).toBeUndefined();
    h.runtime.pay({ orderId: trx.orderId });
    const done = inquire(trx.orderId);
    expect(done.code).toBe('00');
    expect(done.msg.trxInfo).toMatchObject({ orderId: trx.orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344' });
    expect(done.msg.trxInfo.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
  });
  it('01 when the issuer declined', () => {
    const { orderId } = paidOrder({}, 'decline');
    expect(inquire(orderId).code).toBe('01');
  });
  it('05 while the issuer is pending, 00 once the inquiry schedule finds the result', async () => {
    const { orderId } = paidOrder({}, 'silent');
    expect(inquire(orderId).code).toBe('05');
    await h.clock.advance(8_000);
    expect(inquire(orderId).code).toBe('00');
  });
});

describe('SIGN_AUTO_DEBIT and CLOSE_AUTO_DEBIT', () => {
  it('SIGN_AUTO_DEBIT: 00 with signUrl; same content repeats; other content 36; unknown user 36', () => {
    const trx = { orderId: h.newOrderId('SGN'), merId: PARTNER.merId, userId: 'user-002', frontUrl: 'http://127.0.0.1:9/b', backUrl: 'http://127.0.0.1:9/n' };
    const a = h.send('SIGN_AUTO_DEBIT', trx);
    expect(a.code).toBe('00');
    expect(a.msg.trxInfo.signUrl).toMatch(/^http:\/\/127\.0\.0\.1:1\/ucsp\/sign\/[A-Za-z0-9_-]{22}$/); // a random signId: 128 bits
    expect(h.send('SIGN_AUTO_DEBIT', trx).msg.trxInfo.signUrl).toBe(a.msg.trxInfo.signUrl);
    expect(h.send('SIGN_AUTO_DEBIT', { ...trx, userId: 'user-003' }).code).toBe('36');
    expect(h.send('SIGN_AUTO_DEBIT', { ...trx, orderId: h.newOrderId('SGN'), userId: 'ghost' }).code).toBe('36');
  });

  it('CLOSE_AUTO_DEBIT: 34 unknown, 36 another user, 00 closed, 00 again', () => {
    const contractId = contract('user-001');
    const close = (userId: string, id = contractId) => h.send('CLOSE_AUTO_DEBIT', { contractId: id, merId: PARTNER.merId, userId });
    expect(close('user-001', 'C000000UNKNOWN').code).toBe('34');
    expect(close('user-002').code).toBe('36');
    expect(h.runtime.ledger.contracts.get(contractId)!.status).toBe('ACTIVE');
    const a = close('user-001');
    expect(a.code).toBe('00');
    expect(a.msg.trxInfo.contractId).toBe(contractId);
    expect(h.runtime.ledger.contracts.get(contractId)!.status).toBe('CLOSED');
    expect(close('user-001').code).toBe('00');
  });
});

describe('SUBMIT_AUTO_DEBIT', () => {
  const debit = (contractId: string, o: Record<string, string> = {}) =>
    h.send('SUBMIT_AUTO_DEBIT', {
      orderId: h.newOrderId('DBT'),
      contractId,
      merId: PARTNER.merId,
      acqIIN: PARTNER.acqIIN,
      txnAmt: '500',
      currencyCode: '344',
      txnTime: h.wireNow(),
      backUrl: 'http://127.0.0.1:9/notify',
      ...o,
    });

  it('05 accepted; the charge settles by the issuer', () => {
    const contractId = contract();
    const a = debit(contractId);
    expect(a.code).toBe('05');
    expect(a.msg.trxInfo.orderId).toMatch(/^DBT/);
    expect(h.runtime.ledger.payment(a.msg.trxInfo.orderId!)!.status).toBe('APPROVED');
  });
  it('34 unknown contract, 01 closed contract', () => {
    expect(debit('C0000000NOPE').code).toBe('34');
    const contractId = contract();
    h.send('CLOSE_AUTO_DEBIT', { contractId, merId: PARTNER.merId, userId: 'user-001' });
    expect(debit(contractId).code).toBe('01');
  });
  it('36 for the same orderId with other content, or txnTime skew', () => {
    const contractId = contract();
    const a = debit(contractId, { orderId: 'DBTFIXED0001' });
    expect(a.code).toBe('05');
    expect(debit(contractId, { orderId: 'DBTFIXED0001' }).code).toBe('05');
    expect(debit(contractId, { orderId: 'DBTFIXED0001', txnAmt: '501' }).code).toBe('36');
    expect(debit(contractId, { txnTime: h.wireNow(16 * 60_000) }).code).toBe('36');
  });
  it('99 when the downstream system fails; nothing is stored, so the orderId can be retried', () => {
    const contractId = contract();
    h.runtime.setOutcome('error');
    const a = debit(contractId, { orderId: 'DBTRETRY0001' });
    expect(a.code).toBe('99');
    expect(h.runtime.ledger.orders.has('DBTRETRY0001')).toBe(false);
    expect(debit(contractId, { orderId: 'DBTRETRY0001' }).code).toBe('05');
  });
  it('pending: UCSP inquires at +0, 1, 3, 7 s (waits doubling) and stops at the final status', async () => {
    const contractId = contract();
    const a = debit(contractId, { txnAmt: '9904' }); // silent: found only by inquiry (final at +5 s)
    const orderId = a.msg.trxInfo.orderId!;
    await h.clock.advance(60_000);
    const inquiries = h.runtime.journal.query({ orderId, channel: 'issuer' }).filter((e) => e.direction === 'out');
    expect(inquiries.map((e) => (JSON.parse(e.raw) as { offsetMs: number }).offsetMs)).toEqual([0, 1000, 3000, 7000]);
    expect(h.runtime.ledger.payment(orderId)!.status).toBe('APPROVED');
  });
});

describe('PAYMENT_CANCELLATION and PAYMENT_REFUND', () => {
  const cancel = (origQryId: string, txnAmt: string, orderId = h.newOrderId('CNL')) =>
    h.send('PAYMENT_CANCELLATION', { orderId, origQryId, merId: PARTNER.merId, txnAmt, txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' });
  const refund = (origQryId: string, txnAmt: string, o: Record<string, string> = {}) =>
    h.send('PAYMENT_REFUND', { orderId: h.newOrderId('RFD'), origQryId, merId: PARTNER.merId, txnAmt, currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n', ...o });

  it('cancellation: 00 for the full amount; 36 for a partial amount or twice; 34 unknown', () => {
    const { queryId, orderId } = paidOrder();
    expect(cancel(queryId, '1000').code).toBe('36');
    const a = cancel(queryId, '1234');
    expect(a.code).toBe('00');
    expect(a.msg.trxInfo.origQryId).toBe(queryId);
    expect(h.runtime.ledger.payment(orderId)!.cancelled).toBe(true);
    expect(cancel(queryId, '1234').code).toBe('36');
    expect(cancel('Q00000000000000000000', '1234').code).toBe('34');
  });
  it('cancellation: 36 when the original was declined; 05 when the issuer is pending', () => {
    const declined = paidOrder({}, 'decline');
    expect(cancel(declined.queryId, '1234').code).toBe('36');
    const ok = paidOrder();
    h.runtime.setOutcome('pending-approve');
    expect(cancel(ok.queryId, '1234').code).toBe('05');
  });
  it('refund: partial 00, then over what remains 36, currency differs 36, after a cancellation 36', () => {
    const { queryId, orderId } = paidOrder();
    expect(refund(queryId, '1000').code).toBe('00');
    expect(h.runtime.ledger.payment(orderId)!.refundedAmt).toBe(1000);
    expect(refund(queryId, '235').code).toBe('36');
    expect(refund(queryId, '100', { currencyCode: '840' }).code).toBe('36');
    expect(refund(queryId, '234').code).toBe('00');
    expect(refund(queryId, '1').code).toBe('36');
    const other = paidOrder();
    expect(cancel(other.queryId, '1234').code).toBe('00');
    expect(refund(other.queryId, '1').code).toBe('36');
  });
  it('refund of an unpaid order: 34 (no queryId exists yet)', () => {
    expect(refund('Q99999999999999999999', '100').code).toBe('34');
  });
  it('99 when the downstream system fails, with nothing reserved', () => {
    const { queryId, orderId } = paidOrder();
    h.runtime.setOutcome('error');
    expect(refund(queryId, '100').code).toBe('99');
    expect(h.runtime.ledger.payment(orderId)!.reservedAmt).toBe(0);
  });
});

describe('REFUND_RESULT_INQUIRY', () => {
  const inquire = (orderId: string) => h.send('REFUND_RESULT_INQUIRY', { orderId, merId: PARTNER.merId });
  it('34 unknown (also for a payment orderId), 05 pending, 00 approved, 01 declined', async () => {
    const { queryId, orderId } = paidOrder();
    expect(inquire('RFDNOTHERE01').code).toBe('34');
    expect(inquire(orderId).code).toBe('34');
    h.runtime.setOutcome('pending-decline');
    const r1 = h.newOrderId('RFD');
    h.send('PAYMENT_REFUND', { orderId: r1, origQryId: queryId, merId: PARTNER.merId, txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' });
    expect(inquire(r1).code).toBe('05');
    await h.clock.advance(10_000);
    const declined = inquire(r1);
    expect(declined.code).toBe('01');
    expect(declined.msg.trxInfo).toMatchObject({ orderId: r1, origQryId: queryId, txnType: 'REFUND', txnAmt: '100' });
    expect(h.runtime.ledger.payment(orderId)!.reservedAmt).toBe(0);
    const r2 = h.newOrderId('RFD');
    h.send('PAYMENT_REFUND', { orderId: r2, origQryId: queryId, merId: PARTNER.merId, txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' });
    expect(inquire(r2).code).toBe('00');
  });
});

describe('unreadable and misdirected messages', () => {
  it.each([
    ['not JSON', 'hello'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d])],
    ['a JSON array', '[]'],
    ['duplicate keys', '{"msgInfo":{},"msgInfo":{}}'],
    ['__proto__', '{"__proto__":{"polluted":true}}'],
  ])('10 with msgType UNKNOWN for %s', (_why, body) => {
    const a = h.sendText(body);
    expect(a.code).toBe('10');
    expect(a.msg.msgInfo.msgType).toBe('UNKNOWN');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('10 for an unknown msgType and for a notice sent to UCSP', () => {
    expect(h.send('SUBMIT_SOMETHING', { orderId: 'X1234567' }).code).toBe('10');
    expect(h.send('PAYMENT_RESULT_NOTICE', { orderId: 'X1234567' }).code).toBe('10');
  });
  it('11 for a message without certificateSignature', () => {
    expect(h.sendText(JSON.stringify(h.message('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD12345678', merId: PARTNER.merId }))).code).toBe('11');
  });
});

describe('every partner→UCSP type answers 10 for a broken field and 11 for a bad signature', () => {
  const samples: Record<string, () => Record<string, string>> = {
    SUBMIT_PAYMENT_ORDER: () => h.orderTrx(),
    PAYMENT_RESULT_INQUIRY: () => ({ orderId: 'ORD12345678', merId: PARTNER.merId }),
    SIGN_AUTO_DEBIT: () => ({ orderId: h.newOrderId('SGN'), merId: PARTNER.merId, userId: 'user-001', frontUrl: 'http://127.0.0.1:9/b', backUrl: 'http://127.0.0.1:9/n' }),
    CLOSE_AUTO_DEBIT: () => ({ contractId: 'C123', merId: PARTNER.merId, userId: 'user-001' }),
    SUBMIT_AUTO_DEBIT: () => ({ orderId: h.newOrderId('DBT'), contractId: 'C123', merId: PARTNER.merId, acqIIN: PARTNER.acqIIN, txnAmt: '1', currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' }),
    PAYMENT_CANCELLATION: () => ({ orderId: h.newOrderId('CNL'), origQryId: 'Q00000000000000000000', merId: PARTNER.merId, txnAmt: '1', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' }),
    PAYMENT_REFUND: () => ({ orderId: h.newOrderId('RFD'), origQryId: 'Q00000000000000000000', merId: PARTNER.merId, txnAmt: '1', currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' }),
    REFUND_RESULT_INQUIRY: () => ({ orderId: 'RFD12345678', merId: PARTNER.merId }),
  };
  it.each(Object.keys(samples))('%s', (msgType) => {
    const { merId: _m, ...noMerId } = samples[msgType]!();
    const ten = h.send(msgType, noMerId);
    expect(ten.code).toBe('10');
    expect(ten.msg.msgInfo.msgType).toBe(msgType);
    expect(ten.msg.msgResponse.responseMsg).toContain('trxInfo.merId');
    const text = signMessage(h.message(msgType, samples[msgType]!()), h.partner);
    const eleven = h.sendText(text.replace(/"signature":"(.)/, (_m, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`));
    expect(eleven.code).toBe('11');
    expect(h.runtime.ledger.orders.size).toBe(0);
  });
});

describe('forced answers (control API)', () => {
  it('answers the next valid request of a type with the given code and changes nothing', () => {
    h.runtime.forceAnswer('99', 'SUBMIT_PAYMENT_ORDER');
    const inquiry = h.send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD12345678', merId: PARTNER.merId });
    expect(inquiry.code).toBe('34');
    const trx = h.orderTrx();
    const forced = h.send('SUBMIT_PAYMENT_ORDER', trx);
    expect(forced.code).toBe('99');
    expect(forced.msg.trxInfo.orderId).toBe(trx.orderId);
    expect(h.runtime.ledger.orders.size).toBe(0);
    expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  });
});

describe('answers to messages with an impossible timeStamp', () => {
  it('keep the schema: UCSP uses its own time instead of echoing a time that does not exist', () => {
    const a = h.send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD12345678', merId: PARTNER.merId }, { timeStamp: '20261325173000' });
    expect(a.code).toBe('10');
    expect(a.msg.msgInfo.timeStamp).not.toBe('20261325173000');
    expect(a.msg.msgInfo.timeStamp).toMatch(/^[0-9]{14}$/);
  });
});
