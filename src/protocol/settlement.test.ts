/**
 * Settlement over the ledger (PROFILE §6.3, §6.6): final states, their effects on the original
 * payment, and the notice drafts — which must validate against the message schemas.
 */
import { describe, expect, it } from 'vitest';
import { UcspError } from '../errors/index.js';
import { validateMessage } from '../schemas/index.js';
import type { SigningRequest } from './contract-machine.js';
import { Ledger } from './ledger.js';
import { paymentTransition, refundable, type PaymentOrder, type PaymentStatus } from './payment-machine.js';
import { admitCancellation, type RefundOrder } from './refund-machine.js';
import { abandon, decideSigning, expire, settle, type NoticeDraft, type SettleContext } from './settlement.js';
import { formatSettleDate, formatUcspTime } from './time.js';

const INS = '12345678';
const MER = '123456789012345';
const WALL = Date.UTC(2026, 10, 25, 9, 30, 5); // 20261125173005 in UTC+8
const CTX: SettleContext = { now: 50_000, wallNow: WALL, zone: '+08:00', insID: INS };
const PAY_QRY = 'Q20261125172000000001';

function payment(over: Partial<PaymentOrder> = {}): PaymentOrder {
  return {
    kind: 'PAY',
    source: 'frontend',
    orderId: 'ORDER0001',
    merId: MER,
    acqIIN: '00012345',
    txnAmt: '1000',
    currencyCode: '344',
    txnTime: '20261125172000',
    userId: 'user-001',
    backUrl: 'https://partner.example/notify',
    tn: '202611251720000000001',
    status: 'PROCESSING',
    card: '6212345600000015',
    reservedAmt: 0,
    refundedAmt: 0,
    cancelled: false,
    createdAt: 1_000,
    ...over,
  };
}

const approvedPayment = (over: Partial<PaymentOrder> = {}) => payment({ status: 'APPROVED', queryId: PAY_QRY, finalAt: 2_000, ...over });

function refundOrder(over: Partial<RefundOrder> = {}): RefundOrder {
  return {
    kind: 'REFUND',
    orderId: 'REFUND0001',
    origOrderId: 'ORDER0001',
    origQryId: PAY_QRY,
    merId: MER,
    txnAmt: '300',
    currencyCode: '344',
    txnTime: '20261125173000',
    backUrl: 'https://partner.example/refund-notify',
    status: 'PROCESSING',
    createdAt: 40_000,
    ...over,
  };
}

function signing(over: Partial<SigningRequest> = {}): SigningRequest {
  return {
    kind: 'SIGN',
    orderId: 'SIGN00000001',
    merId: MER,
    userId: 'user-002',
    frontUrl: 'https://partner.example/signed',
    backUrl: 'https://partner.example/sign-notify',
    signId: 'S00000001',
    status: 'AWAITING_USER',
    createdAt: 1_000,
    ...over,
  };
}

/** A ledger holding an approved payment with a cancellation or refund admitted against it (amount reserved). */
function ledgerWithRefund(r: RefundOrder, p: PaymentOrder = approvedPayment()): Ledger {
  const l = new Ledger(INS);
  l.putOrder(paymentTransition(p, { type: 'reserve', amount: Number(r.txnAmt) }));
  l.putOrder(r);
  return l;
}

function expectValidNotice(d: NoticeDraft): void {
  const msg = { ...d.message, certificateSignature: { signCertID: '1', signature: '00000000' } };
  const v = validateMessage(msg, { role: 'request' });
  expect(v.errors).toEqual([]);
  expect(v.valid).toBe(true);
  expect(v.msgType).toBe(d.msgType);
}

function expectEnvelope(d: NoticeDraft, msgType: NoticeDraft['msgType'], code: '00' | '01'): void {
  expect(d.msgType).toBe(msgType);
  expect(d.message.msgInfo).toMatchObject({ versionNo: '1.0.0', msgType, insID: INS, timeStamp: formatUcspTime(WALL, '+08:00') });
  expect(d.message.msgInfo.msgID).toMatch(/^U12345678[0-9]{20}$/);
  expect(d.message.msgResponse).toEqual({ responseCode: code, responseMsg: code === '00' ? 'Approved' : 'Transaction Fail' });
}

function caught(fn: () => unknown): UcspError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UcspError);
    return e as UcspError;
  }
  throw new Error('expected a UcspError');
}

describe('settle: a payment reaches its final state', () => {
  // [source, issuer status, expected payment status, expected notice code]
  const table: ['frontend' | 'auto-debit', 'APPROVED' | 'DECLINED', PaymentStatus, '00' | '01'][] = [
    ['frontend', 'APPROVED', 'APPROVED', '00'],
    ['frontend', 'DECLINED', 'DECLINED', '01'],
    ['auto-debit', 'APPROVED', 'APPROVED', '00'],
    ['auto-debit', 'DECLINED', 'DECLINED', '01'],
  ];
  it.each(table)('%s payment, issuer %s → %s, PAYMENT_RESULT_NOTICE %s with tn', (source, status, expectedStatus, code) => {
    const l = new Ledger(INS);
    const p = payment({ source, ...(source === 'auto-debit' ? { contractId: 'C20261125170000000001', card: undefined } : {}) });
    l.putOrder(p);
    const d = settle(l, p.orderId, status, CTX)!;
    expect(d).toBeDefined();

    const stored = l.payment(p.orderId)!;
    expect(stored.status).toBe(expectedStatus);
    expect(stored.finalAt).toBe(CTX.now);
    expect(stored.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expect(l.paymentByQueryId(stored.queryId!)).toEqual(stored);

    expectEnvelope(d, 'PAYMENT_RESULT_NOTICE', code);
    expect(d.orderId).toBe(p.orderId);
    expect(d.backUrl).toBe(p.backUrl);
    expect(d.message.trxInfo).toEqual({
      orderId: p.orderId,
      merId: MER,
      txnType: 'PAY',
      txnAmt: '1000',
      currencyCode: '344',
      txnTime: p.txnTime,
      queryId: stored.queryId,
      tn: p.tn,
      settleDate: formatSettleDate(WALL, '+08:00'),
    });
    expect(d.message.trxInfo).not.toHaveProperty('origQryId');
    expectValidNotice(d);
  });

  it.each([
    ['APPROVED', 'APPROVED'],
    ['DECLINED', 'APPROVED'],
    ['APPROVED', 'DECLINED'],
    ['DECLINED', 'DECLINED'],
  ] as const)('an already %s payment is not settled again by %s: no notice, no change', (already, status) => {
    const l = new Ledger(INS);
    const p = payment({ status: already, queryId: PAY_QRY, finalAt: 2_000 });
    l.putOrder(p);
    expect(settle(l, p.orderId, status, CTX)).toBeUndefined();
    expect(l.payment(p.orderId)).toEqual(p);
  });

  it('an unknown order settles nothing', () => {
    const l = new Ledger(INS);
    expect(settle(l, 'NOSUCHORDER1', 'APPROVED', CTX)).toBeUndefined();
    expect(l.orders.size).toBe(0);
  });

  it('a signing request is not settled by the issuer', () => {
    const l = new Ledger(INS);
    l.putOrder(signing());
    expect(settle(l, 'SIGN00000001', 'APPROVED', CTX)).toBeUndefined();
    expect(l.signing('SIGN00000001')!.status).toBe('AWAITING_USER');
  });

  it.each(['APPROVED', 'DECLINED'] as const)('a payment still awaiting the user is not settled by an issuer %s: no notice, no change', (status) => {
    const l = new Ledger(INS);
    const p = payment({ status: 'AWAITING_USER', card: undefined });
    l.putOrder(p);
    expect(settle(l, 'ORDER0001', status, CTX)).toBeUndefined();
    expect(l.payment('ORDER0001')).toEqual(p);
  });
});

describe('settle: a cancellation or refund reaches its final state', () => {
  // [why, refund order, original payment, issuer status, expected original {refundedAmt, reservedAmt, cancelled}, notice code]
  type Orig = { refundedAmt: number; reservedAmt: number; cancelled: boolean };
  const table: [string, RefundOrder, PaymentOrder, 'APPROVED' | 'DECLINED', Orig, '00' | '01'][] = [
    ['partial refund approved', refundOrder(), approvedPayment(), 'APPROVED', { refundedAmt: 300, reservedAmt: 0, cancelled: false }, '00'],
    ['partial refund declined: reservation released', refundOrder(), approvedPayment(), 'DECLINED', { refundedAmt: 0, reservedAmt: 0, cancelled: false }, '01'],
    ['full refund approved', refundOrder({ txnAmt: '1000' }), approvedPayment(), 'APPROVED', { refundedAmt: 1000, reservedAmt: 0, cancelled: false }, '00'],
    ['second refund approved adds up', refundOrder({ txnAmt: '200' }), approvedPayment({ refundedAmt: 300 }), 'APPROVED', { refundedAmt: 500, reservedAmt: 0, cancelled: false }, '00'],
    ['second refund declined keeps the first', refundOrder({ txnAmt: '200' }), approvedPayment({ refundedAmt: 300 }), 'DECLINED', { refundedAmt: 300, reservedAmt: 0, cancelled: false }, '01'],
    ['refund approved while another is reserved', refundOrder({ txnAmt: '200' }), approvedPayment({ reservedAmt: 100 }), 'APPROVED', { refundedAmt: 200, reservedAmt: 100, cancelled: false }, '00'],
    ['refund declined while another is reserved', refundOrder({ txnAmt: '200' }), approvedPayment({ reservedAmt: 100 }), 'DECLINED', { refundedAmt: 0, reservedAmt: 100, cancelled: false }, '01'],
    ['cancellation approved', refundOrder({ kind: 'CANCEL', orderId: 'CANCEL0001', txnAmt: '1000' }), approvedPayment(), 'APPROVED', { refundedAmt: 1000, reservedAmt: 0, cancelled: true }, '00'],
    ['cancellation declined: payment untouched', refundOrder({ kind: 'CANCEL', orderId: 'CANCEL0001', txnAmt: '1000' }), approvedPayment(), 'DECLINED', { refundedAmt: 0, reservedAmt: 0, cancelled: false }, '01'],
  ];

  it.each(table)('%s', (_why, r, p, status, orig, code) => {
    const l = ledgerWithRefund(r, p);
    const d = settle(l, r.orderId, status, CTX)!;
    expect(d).toBeDefined();

    const stored = l.refund(r.orderId)!;
    expect(stored.status).toBe(status);
    expect(stored.finalAt).toBe(CTX.now);
    expect(stored.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expect(stored.queryId).not.toBe(PAY_QRY);

    const after = l.payment(p.orderId)!;
    expect({ refundedAmt: after.refundedAmt, reservedAmt: after.reservedAmt, cancelled: after.cancelled }).toEqual(orig);
    expect(after.status).toBe('APPROVED');
    expect(refundable(after)).toBe(orig.cancelled ? 0 : Number(p.txnAmt) - orig.refundedAmt - orig.reservedAmt);
    // the payment stays findable by its own queryId (origQryId of later refunds)
    expect(l.paymentByQueryId(PAY_QRY)?.orderId).toBe(p.orderId);

    expectEnvelope(d, 'PAYMENT_RESULT_NOTICE', code);
    expect(d.orderId).toBe(r.orderId);
    expect(d.backUrl).toBe(r.backUrl);
    expect(d.message.trxInfo).toEqual({
      orderId: r.orderId,
      merId: MER,
      txnType: r.kind,
      txnAmt: r.txnAmt,
      currencyCode: r.currencyCode,
      txnTime: r.txnTime,
      queryId: stored.queryId,
      origQryId: PAY_QRY,
      settleDate: formatSettleDate(WALL, '+08:00'),
    });
    expect(d.message.trxInfo).not.toHaveProperty('tn');
    expectValidNotice(d);
  });

  it.each(['APPROVED', 'DECLINED'] as const)('a refund already %s is not settled again: no notice, payment untouched', (already) => {
    const r = refundOrder({ status: already, queryId: 'Q20261125173001000009', finalAt: 45_000 });
    const l = new Ledger(INS);
    const p = approvedPayment({ refundedAmt: already === 'APPROVED' ? 300 : 0 });
    l.putOrder(p);
    l.putOrder(r);
    expect(settle(l, r.orderId, 'APPROVED', CTX)).toBeUndefined();
    expect(settle(l, r.orderId, 'DECLINED', CTX)).toBeUndefined();
    expect(l.refund(r.orderId)).toEqual(r);
    expect(l.payment(p.orderId)).toEqual(p);
  });

  it('a partial-refund life on one payment: approved, declined, approved, then a cancellation is refused', () => {
    const l = new Ledger(INS);
    l.putOrder(approvedPayment());
    const steps: [string, number, 'APPROVED' | 'DECLINED', number][] = [
      ['REFUND0001', 400, 'APPROVED', 400],
      ['REFUND0002', 600, 'DECLINED', 400],
      ['REFUND0003', 600, 'APPROVED', 1000],
    ];
    for (const [orderId, amount, status, refundedAfter] of steps) {
      l.putOrder(paymentTransition(l.payment('ORDER0001')!, { type: 'reserve', amount }));
      l.putOrder(refundOrder({ orderId, txnAmt: String(amount) }));
      const d = settle(l, orderId, status, CTX)!;
      expectValidNotice(d);
      expect(l.payment('ORDER0001')!.refundedAmt).toBe(refundedAfter);
      expect(l.payment('ORDER0001')!.reservedAmt).toBe(0);
    }
    expect(refundable(l.payment('ORDER0001')!)).toBe(0);
    expect(caught(() => admitCancellation(l.payment('ORDER0001')!, { merId: MER, txnAmt: '1000' })).responseCode).toBe('36');
  });
});

describe('abandon: the user closes the cashier', () => {
  it('an order awaiting the user fails with a 01 PAYMENT_RESULT_NOTICE with tn and queryId', () => {
    const l = new Ledger(INS);
    const p = payment({ status: 'AWAITING_USER', card: undefined });
    l.putOrder(p);
    const d = abandon(l, p.orderId, CTX);
    const stored = l.payment(p.orderId)!;
    expect(stored).toMatchObject({ status: 'DECLINED', finalAt: CTX.now });
    expect(stored.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expectEnvelope(d, 'PAYMENT_RESULT_NOTICE', '01');
    expect(d.message.trxInfo).toMatchObject({ orderId: p.orderId, txnType: 'PAY', tn: p.tn, queryId: stored.queryId });
    expectValidNotice(d);
  });

  // [state, expected responseCode]
  const table: [PaymentStatus, string][] = [
    ['PROCESSING', '36'],
    ['APPROVED', '36'],
    ['DECLINED', '36'],
  ];
  it.each(table)('an order %s cannot be abandoned (%s)', (status, code) => {
    const l = new Ledger(INS);
    const p = payment({ status, ...(status === 'PROCESSING' ? {} : { queryId: PAY_QRY }) });
    l.putOrder(p);
    expect(caught(() => abandon(l, p.orderId, CTX)).responseCode).toBe(code);
    expect(l.payment(p.orderId)).toEqual(p);
  });

  it('an unknown order is 34', () => {
    expect(caught(() => abandon(new Ledger(INS), 'NOSUCHORDER1', CTX)).responseCode).toBe('34');
  });
});

describe('decideSigning: SIGN_AUTO_DEBIT_NOTICE', () => {
  // [agree, expected signing status, notice code, contract expected]
  const table: [boolean, SigningRequest['status'], '00' | '01', boolean][] = [
    [true, 'SIGNED', '00', true],
    [false, 'REFUSED', '01', false],
  ];
  it.each(table)('agree=%s → %s, notice %s, contract %s', (agree, status, code, withContract) => {
    const l = new Ledger(INS);
    const s = signing();
    l.putOrder(s);
    const { draft, contract } = decideSigning(l, s.orderId, agree, CTX);
    const stored = l.signing(s.orderId)!;
    expect(stored.status).toBe(status);

    expectEnvelope(draft, 'SIGN_AUTO_DEBIT_NOTICE', code);
    expect(draft.orderId).toBe(s.orderId);
    expect(draft.backUrl).toBe(s.backUrl);
    if (withContract) {
      expect(contract).toBeDefined();
      expect(contract!.contractId).toMatch(/^[0-9A-Za-z]{1,32}$/);
      expect(contract).toEqual({ contractId: contract!.contractId, merId: MER, userId: 'user-002', signOrderId: s.orderId, status: 'ACTIVE', createdAt: CTX.now });
      expect(l.contracts.get(contract!.contractId)).toEqual(contract);
      expect(stored.contractId).toBe(contract!.contractId);
      expect(draft.message.trxInfo).toEqual({ orderId: s.orderId, merId: MER, userId: 'user-002', contractId: contract!.contractId });
    } else {
      expect(contract).toBeUndefined();
      expect(l.contracts.size).toBe(0);
      expect(stored.contractId).toBeUndefined();
      expect(draft.message.trxInfo).toEqual({ orderId: s.orderId, merId: MER, userId: 'user-002' });
    }
    expectValidNotice(draft);
  });

  // [first decision, second decision]
  const twice: [boolean, boolean][] = [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ];
  it.each(twice)('deciding again (first %s, then %s) is 36 and changes nothing', (first, second) => {
    const l = new Ledger(INS);
    l.putOrder(signing());
    decideSigning(l, 'SIGN00000001', first, CTX);
    const before = structuredClone(l.signing('SIGN00000001'));
    const contracts = l.contracts.size;
    expect(caught(() => decideSigning(l, 'SIGN00000001', second, CTX)).responseCode).toBe('36');
    expect(l.signing('SIGN00000001')).toEqual(before);
    expect(l.contracts.size).toBe(contracts);
  });

  it('an unknown signing request is 34', () => {
    const l = new Ledger(INS);
    l.putOrder(payment()); // a payment is not a signing request
    expect(caught(() => decideSigning(l, 'ORDER0001', true, CTX)).responseCode).toBe('34');
    expect(caught(() => decideSigning(l, 'NOSUCHORDER1', true, CTX)).responseCode).toBe('34');
  });

  it('a 00 notice without contractId would be invalid (the schema rule the draft satisfies)', () => {
    const l = new Ledger(INS);
    l.putOrder(signing());
    const { draft } = decideSigning(l, 'SIGN00000001', true, CTX);
    const { contractId: _dropped, ...trxInfo } = draft.message.trxInfo;
    const msg = { ...draft.message, trxInfo, certificateSignature: { signCertID: '1', signature: '00000000' } };
    expect(validateMessage(msg, { role: 'request' }).valid).toBe(false);
  });
});

describe('notice drafts: msgIDs', () => {
  it('every draft gets its own msgID', () => {
    const l = new Ledger(INS);
    for (let i = 1; i <= 5; i++) l.putOrder(payment({ orderId: `ORDER000${i}`, tn: `20261125172000000000${i}` }));
    const ids = [1, 2, 3, 4, 5].map((i) => settle(l, `ORDER000${i}`, i % 2 ? 'APPROVED' : 'DECLINED', CTX)!.message.msgInfo.msgID);
    expect(new Set(ids).size).toBe(5);
  });
});

describe('expire: an order unpaid when its time runs out', () => {
  it('an order awaiting the user fails with a 01 PAYMENT_RESULT_NOTICE with tn and queryId', () => {
    const l = new Ledger(INS);
    const p = payment({ status: 'AWAITING_USER', card: undefined });
    l.putOrder(p);
    const d = expire(l, p.orderId, CTX)!;
    const stored = l.payment(p.orderId)!;
    expect(stored).toMatchObject({ status: 'DECLINED', finalAt: CTX.now });
    expect(stored.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expectEnvelope(d, 'PAYMENT_RESULT_NOTICE', '01');
    expect(d.message.trxInfo).toMatchObject({ orderId: p.orderId, txnType: 'PAY', tn: p.tn, queryId: stored.queryId });
    expectValidNotice(d);
  });

  it.each(['PROCESSING', 'APPROVED', 'DECLINED'] as PaymentStatus[])('an order %s is left alone: no notice', (status) => {
    const l = new Ledger(INS);
    const p = payment({ status, ...(status === 'PROCESSING' ? {} : { queryId: PAY_QRY }) });
    l.putOrder(p);
    expect(expire(l, p.orderId, CTX)).toBeUndefined();
    expect(l.payment(p.orderId)).toEqual(p);
  });

  it('an order gone (reset) is nothing to expire', () => {
    expect(expire(new Ledger(INS), 'NOSUCHORDER1', CTX)).toBeUndefined();
  });
});
