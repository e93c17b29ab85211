/**
 * The payment order state machine (PROFILE §6.2, §6.8, §6.9, §6.10): every (state × event) pair,
 * the refundable amount with partial refunds and reservations, and isFinal.
 */
import { describe, expect, it } from 'vitest';
import { UcspError } from '../errors/index.js';
import { isFinal, paymentTransition, refundable, type PaymentEvent, type PaymentOrder, type PaymentStatus } from './payment-machine.js';
import { expectIllegal } from '../../test/support/expect-illegal.js';

function payment(over: Partial<PaymentOrder> = {}): PaymentOrder {
  return {
    kind: 'PAY',
    source: 'frontend',
    orderId: 'ORDER0001',
    merId: '123456789012345',
    acqIIN: '00012345',
    txnAmt: '1000',
    currencyCode: '344',
    txnTime: '20261125173000',
    userId: 'user-001',
    backUrl: 'https://partner.example/notify',
    tn: '202611251730000000001',
    status: 'AWAITING_USER',
    reservedAmt: 0,
    refundedAmt: 0,
    cancelled: false,
    createdAt: 1_000,
    ...over,
  };
}


type EventName = PaymentEvent['type'];
const EVENTS: Record<EventName, PaymentEvent> = {
  'user-pay': { type: 'user-pay', card: '6212345600000015' },
  'user-abandon': { type: 'user-abandon', queryId: 'Q20261125173001000001', at: 2_000 },
  expire: { type: 'expire', queryId: 'Q20261125173001000009', at: 901_000 },
  'issuer-approved': { type: 'issuer-approved', queryId: 'Q20261125173001000002', at: 3_000 },
  'issuer-declined': { type: 'issuer-declined', queryId: 'Q20261125173001000003', at: 4_000 },
  'issuer-error': { type: 'issuer-error' },
  reserve: { type: 'reserve', amount: 100 },
  release: { type: 'release', amount: 100 },
  refunded: { type: 'refunded', amount: 100, cancel: false },
};
const STATES: PaymentStatus[] = ['AWAITING_USER', 'PROCESSING', 'APPROVED', 'DECLINED'];

describe('paymentTransition: every state × event (frontend order, nothing reserved)', () => {
  // [state, event, expected next status | null when illegal]
  const table: [PaymentStatus, EventName, PaymentStatus | null][] = [
    ['AWAITING_USER', 'user-pay', 'PROCESSING'],
    ['AWAITING_USER', 'user-abandon', 'DECLINED'],
    ['AWAITING_USER', 'expire', 'DECLINED'],
    ['AWAITING_USER', 'issuer-approved', null],
    ['AWAITING_USER', 'issuer-declined', null],
    ['AWAITING_USER', 'issuer-error', null],
    ['AWAITING_USER', 'reserve', null],
    ['AWAITING_USER', 'release', null],
    ['AWAITING_USER', 'refunded', null],

    ['PROCESSING', 'user-pay', null],
    ['PROCESSING', 'user-abandon', null],
    ['PROCESSING', 'expire', null],
    ['PROCESSING', 'issuer-approved', 'APPROVED'],
    ['PROCESSING', 'issuer-declined', 'DECLINED'],
    ['PROCESSING', 'issuer-error', 'AWAITING_USER'],
    ['PROCESSING', 'reserve', null],
    ['PROCESSING', 'release', null],
    ['PROCESSING', 'refunded', null],

    ['APPROVED', 'user-pay', null],
    ['APPROVED', 'user-abandon', null],
    ['APPROVED', 'expire', null],
    ['APPROVED', 'issuer-approved', null],
    ['APPROVED', 'issuer-declined', null],
    ['APPROVED', 'issuer-error', null],
    ['APPROVED', 'reserve', 'APPROVED'],
    ['APPROVED', 'release', null], // nothing reserved
    ['APPROVED', 'refunded', null], // nothing reserved

    ['DECLINED', 'user-pay', null],
    ['DECLINED', 'user-abandon', null],
    ['DECLINED', 'expire', null],
    ['DECLINED', 'issuer-approved', null],
    ['DECLINED', 'issuer-declined', null],
    ['DECLINED', 'issuer-error', null],
    ['DECLINED', 'reserve', null],
    ['DECLINED', 'release', null],
    ['DECLINED', 'refunded', null],
  ];

  it('the table covers every pair exactly once', () => {
    const keys = new Set(table.map(([s, e]) => `${s}|${e}`));
    expect(keys.size).toBe(table.length);
    expect(table.length).toBe(STATES.length * Object.keys(EVENTS).length);
  });

  it.each(table)('%s + %s → %s', (state, event, expected) => {
    const before = payment({ status: state });
    const frozen = structuredClone(before);
    if (expected === null) {
      expectIllegal(() => paymentTransition(before, EVENTS[event]));
    } else {
      expect(paymentTransition(before, EVENTS[event]).status).toBe(expected);
    }
    expect(before).toEqual(frozen); // pure: the input is never mutated
  });
});

describe('paymentTransition: auto-debit orders', () => {
  const table: [PaymentStatus, EventName, PaymentStatus | null][] = [
    ['PROCESSING', 'issuer-error', null], // never stored on an issuer error, so no way back to the cashier
    ['PROCESSING', 'issuer-approved', 'APPROVED'],
    ['PROCESSING', 'issuer-declined', 'DECLINED'],
    ['PROCESSING', 'user-pay', null],
    ['PROCESSING', 'user-abandon', null],
  ];
  it.each(table)('%s + %s → %s', (state, event, expected) => {
    const p = payment({ source: 'auto-debit', status: state, contractId: 'C20261125173000000001' });
    if (expected === null) expectIllegal(() => paymentTransition(p, EVENTS[event]));
    else expect(paymentTransition(p, EVENTS[event]).status).toBe(expected);
  });
});

describe('paymentTransition: what each legal transition records', () => {
  it('user-pay records the card', () => {
    const next = paymentTransition(payment(), { type: 'user-pay', card: '6212345600000023' });
    expect(next).toMatchObject({ status: 'PROCESSING', card: '6212345600000023' });
    expect(next.queryId).toBeUndefined();
    expect(next.finalAt).toBeUndefined();
  });

  it.each([
    ['AWAITING_USER', 'user-abandon', 'DECLINED'],
    ['PROCESSING', 'issuer-approved', 'APPROVED'],
    ['PROCESSING', 'issuer-declined', 'DECLINED'],
  ] as const)('%s + %s records queryId and finalAt', (state, event, expected) => {
    const e = EVENTS[event] as { queryId: string; at: number };
    const next = paymentTransition(payment({ status: state }), EVENTS[event]);
    expect(next).toMatchObject({ status: expected, queryId: e.queryId, finalAt: e.at });
  });

  it('issuer-error sends a frontend order back to the cashier with nothing final recorded', () => {
    const next = paymentTransition(payment({ status: 'PROCESSING', card: '6212345600000064' }), { type: 'issuer-error' });
    expect(next.status).toBe('AWAITING_USER');
    expect(next.queryId).toBeUndefined();
    expect(next.finalAt).toBeUndefined();
    // … and the user may pay again
    expect(paymentTransition(next, EVENTS['user-pay']).status).toBe('PROCESSING');
  });

  it('an illegal event says what and where in its message', () => {
    expect(() => paymentTransition(payment({ status: 'DECLINED' }), EVENTS['user-pay'])).toThrow(/ORDER0001.*DECLINED.*user-pay/);
  });
});

describe('paymentTransition: reservations and refunds on an approved payment', () => {
  // [description, payment state, event, expected {reservedAmt, refundedAmt, cancelled} | null when illegal]
  type Amounts = { reservedAmt: number; refundedAmt: number; cancelled: boolean };
  const approved = (reservedAmt: number, refundedAmt: number, cancelled = false): Partial<PaymentOrder> => ({
    status: 'APPROVED',
    queryId: 'Q20261125173001000002',
    reservedAmt,
    refundedAmt,
    cancelled,
  });
  const table: [string, Partial<PaymentOrder>, PaymentEvent, Amounts | null][] = [
    ['reserve part', approved(0, 0), { type: 'reserve', amount: 300 }, { reservedAmt: 300, refundedAmt: 0, cancelled: false }],
    ['reserve all', approved(0, 0), { type: 'reserve', amount: 1000 }, { reservedAmt: 1000, refundedAmt: 0, cancelled: false }],
    ['reserve more than the amount', approved(0, 0), { type: 'reserve', amount: 1001 }, null],
    ['reserve exactly what remains', approved(200, 300), { type: 'reserve', amount: 500 }, { reservedAmt: 700, refundedAmt: 300, cancelled: false }],
    ['reserve more than remains', approved(200, 300), { type: 'reserve', amount: 501 }, null],
    ['reserve zero', approved(0, 0), { type: 'reserve', amount: 0 }, null],
    ['reserve negative', approved(0, 0), { type: 'reserve', amount: -5 }, null],
    ['reserve on a fully refunded payment', approved(0, 1000), { type: 'reserve', amount: 1 }, null],
    ['reserve on a cancelled payment', approved(0, 1000, true), { type: 'reserve', amount: 1 }, null],
    ['release part', approved(300, 0), { type: 'release', amount: 100 }, { reservedAmt: 200, refundedAmt: 0, cancelled: false }],
    ['release all', approved(300, 0), { type: 'release', amount: 300 }, { reservedAmt: 0, refundedAmt: 0, cancelled: false }],
    ['release more than reserved', approved(300, 0), { type: 'release', amount: 301 }, null],
    ['release zero', approved(300, 0), { type: 'release', amount: 0 }, null],
    ['refunded part', approved(300, 0), { type: 'refunded', amount: 300, cancel: false }, { reservedAmt: 0, refundedAmt: 300, cancelled: false }],
    ['refunded adds up', approved(300, 400), { type: 'refunded', amount: 200, cancel: false }, { reservedAmt: 100, refundedAmt: 600, cancelled: false }],
    ['refunded more than reserved', approved(300, 0), { type: 'refunded', amount: 301, cancel: false }, null],
    ['refunded zero', approved(300, 0), { type: 'refunded', amount: 0, cancel: false }, null],
    ['cancelled', approved(1000, 0), { type: 'refunded', amount: 1000, cancel: true }, { reservedAmt: 0, refundedAmt: 1000, cancelled: true }],
  ];

  it.each(table)('%s', (_why, over, event, expected) => {
    const p = payment(over);
    if (expected === null) {
      expectIllegal(() => paymentTransition(p, event));
    } else {
      const next = paymentTransition(p, event);
      expect(next.status).toBe('APPROVED');
      expect({ reservedAmt: next.reservedAmt, refundedAmt: next.refundedAmt, cancelled: next.cancelled }).toEqual(expected);
    }
  });

  it('a partial-refund life: reserve, refund, reserve, release, reserve the rest, refund', () => {
    let p = payment(approved(0, 0));
    p = paymentTransition(p, { type: 'reserve', amount: 400 });
    expect(refundable(p)).toBe(600);
    p = paymentTransition(p, { type: 'refunded', amount: 400, cancel: false });
    expect([p.reservedAmt, p.refundedAmt, refundable(p)]).toEqual([0, 400, 600]);
    p = paymentTransition(p, { type: 'reserve', amount: 250 });
    expect(refundable(p)).toBe(350);
    p = paymentTransition(p, { type: 'release', amount: 250 }); // that refund was declined
    expect([p.reservedAmt, p.refundedAmt, refundable(p)]).toEqual([0, 400, 600]);
    p = paymentTransition(p, { type: 'reserve', amount: 600 });
    expect(refundable(p)).toBe(0);
    expectIllegal(() => paymentTransition(p, { type: 'reserve', amount: 1 }));
    p = paymentTransition(p, { type: 'refunded', amount: 600, cancel: false });
    expect([p.reservedAmt, p.refundedAmt, refundable(p), p.cancelled]).toEqual([0, 1000, 0, false]);
  });
});

describe('refundable', () => {
  // [status, txnAmt, refundedAmt, reservedAmt, cancelled, expected]
  const table: [PaymentStatus, string, number, number, boolean, number][] = [
    ['APPROVED', '1000', 0, 0, false, 1000],
    ['APPROVED', '1000', 300, 0, false, 700],
    ['APPROVED', '1000', 0, 250, false, 750],
    ['APPROVED', '1000', 300, 250, false, 450],
    ['APPROVED', '1000', 1000, 0, false, 0],
    ['APPROVED', '1000', 600, 400, false, 0],
    ['APPROVED', '1000', 1000, 0, true, 0],
    ['APPROVED', '1000', 0, 0, true, 0],
    ['APPROVED', '999999999999', 1, 0, false, 999999999998],
    ['AWAITING_USER', '1000', 0, 0, false, 0],
    ['PROCESSING', '1000', 0, 0, false, 0],
    ['DECLINED', '1000', 0, 0, false, 0],
  ];
  it.each(table)('%s %s refunded %d reserved %d cancelled %s → %d', (status, txnAmt, refundedAmt, reservedAmt, cancelled, expected) => {
    expect(refundable(payment({ status, txnAmt, refundedAmt, reservedAmt, cancelled }))).toBe(expected);
  });
});

describe('isFinal', () => {
  const table: [PaymentStatus, boolean][] = [
    ['AWAITING_USER', false],
    ['PROCESSING', false],
    ['APPROVED', true],
    ['DECLINED', true],
  ];
  it.each(table)('%s → %s', (status, expected) => {
    expect(isFinal(payment({ status }))).toBe(expected);
  });
});
