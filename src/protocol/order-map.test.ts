import { describe, expect, it } from 'vitest';
import { OrderMap, packOrder, unpackOrder } from './order-map.js';
import type { PaymentOrder } from './payment-machine.js';
import type { RefundOrder } from './refund-machine.js';

const unpaid: PaymentOrder = {
  kind: 'PAY',
  source: 'frontend',
  orderId: 'B0000001',
  merId: '123456789012345',
  acqIIN: '00010344',
  txnAmt: '1234',
  currencyCode: '344',
  txnTime: '20261130101500',
  userId: 'user-001',
  backUrl: 'http://127.0.0.1:9/n',
  tn: '202611301015000000042',
  status: 'AWAITING_USER',
  reservedAmt: 0,
  refundedAmt: 0,
  cancelled: false,
  createdAt: 1_764_468_900_000,
};

/** The order with frontUrl and orderDesc where the handler puts them (after backUrl). */
function withExtras(o: PaymentOrder, extras: { frontUrl?: string; orderDesc?: string }): PaymentOrder {
  const { tn, status, reservedAmt, refundedAmt, cancelled, createdAt, ...head } = o;
  return { ...head, ...extras, tn, status, reservedAmt, refundedAmt, cancelled, createdAt };
}

describe('packOrder / unpackOrder', () => {
  // [why, order] — each packs, and comes back equal, with its fields in the same order
  const packable: [string, PaymentOrder][] = [
    ['a frontend order awaiting its user', unpaid],
    ['with frontUrl and orderDesc', withExtras(unpaid, { frontUrl: 'https://shop.example/back?o=1', orderDesc: '兩杯咖啡 ☕' })],
    ['with only orderDesc', withExtras(unpaid, { orderDesc: 'one coffee' })],
    ['empty frontUrl and orderDesc (present, empty)', withExtras(unpaid, { frontUrl: '', orderDesc: '' })],
    ['a virtual time between milliseconds', { ...unpaid, createdAt: 1_764_468_900_000.25 }],
    ['time 0', { ...unpaid, createdAt: 0 }],
    ['a tn of other characters (random ids)', { ...unpaid, tn: 'x-Yz_09~Ω' }],
    ['another user and backUrl', { ...unpaid, userId: 'user-002', backUrl: 'https://partner.example/notice' }],
  ];
  it.each(packable)('%s: packed, and read back exactly', (_why, o) => {
    const packed = packOrder(o.orderId, o);
    expect(typeof packed).toBe('string');
    const back = unpackOrder(o.orderId, packed!);
    expect(back).toStrictEqual(o);
    expect(JSON.stringify(back)).toBe(JSON.stringify(o));
  });

  // [why, order] — kept as they are
  const unpackable: [string, PaymentOrder | RefundOrder][] = [
    ['paid (PROCESSING)', { ...unpaid, status: 'PROCESSING', card: '621234******0010' }],
    ['approved', { ...unpaid, status: 'APPROVED', queryId: 'Q1', finalAt: 5 }],
    ['declined', { ...unpaid, status: 'DECLINED', queryId: 'Q1', finalAt: 5 }],
    ['an auto-debit order', { ...unpaid, source: 'auto-debit', contractId: 'C1', status: 'PROCESSING' }],
    ['a contractId on a frontend order', { ...unpaid, contractId: 'C1' }],
    ['an amount reserved', { ...unpaid, reservedAmt: 1 }],
    ['an amount refunded', { ...unpaid, refundedAmt: 1 }],
    ['cancelled', { ...unpaid, cancelled: true }],
    ['a separator in orderDesc', { ...unpaid, orderDesc: 'a\u0000b' }],
    ['a lone surrogate in orderDesc (UTF-8 would not give it back)', { ...unpaid, orderDesc: 'a\ud800b' }],
    ['a surrogate pair in orderDesc (kept as is: rare)', { ...unpaid, orderDesc: 'coffee \u{1F600}' }],
    ['a lone surrogate in userId', { ...unpaid, userId: 'u\udc00' }],
    ['a separator in tn', { ...unpaid, tn: '1\u00002' }],
    ['a separator in backUrl', { ...unpaid, backUrl: 'http://x/\u0000' }],
    ['a field the packed form does not know', { ...unpaid, extra: 'x' } as PaymentOrder],
    ['createdAt not a finite number', { ...unpaid, createdAt: Number.NaN }],
    ['a refund', { kind: 'REFUND', orderId: 'R1' } as RefundOrder],
  ];
  it.each(unpackable)('%s: not packed', (_why, o) => {
    expect(packOrder(o.orderId, o)).toBeUndefined();
  });

  it('an order under another key is not packed (the key is its orderId)', () => {
    expect(packOrder('other', unpaid)).toBeUndefined();
  });

  it('the packed form is much smaller than the order as JSON', () => {
    expect(packOrder(unpaid.orderId, unpaid)!.length).toBeLessThan(JSON.stringify(unpaid).length / 4);
  });
});

describe('OrderMap', () => {
  const refund = { kind: 'REFUND', orderId: 'R1', status: 'PROCESSING' } as RefundOrder;

  it('behaves as a Map of orders, packed or not, in insertion order', () => {
    const m = new OrderMap();
    const paid: PaymentOrder = { ...unpaid, orderId: 'B2', status: 'PROCESSING', card: '621234******0010' };
    m.set(unpaid.orderId, unpaid);
    m.set(refund.orderId, refund);
    m.set(paid.orderId, paid);
    expect(m.size).toBe(3);
    expect(m.get(unpaid.orderId)).toStrictEqual(unpaid);
    expect(m.held(unpaid.orderId)).toStrictEqual(unpaid);
    expect(m.get('R1')).toBe(refund);
    expect(m.has('B2')).toBe(true);
    expect(m.get('nope')).toBeUndefined();
    expect([...m.keys()]).toEqual(['B0000001', 'R1', 'B2']);
    expect([...m.values()]).toStrictEqual([unpaid, refund, paid]);
    expect([...m.entries()]).toStrictEqual([['B0000001', unpaid], ['R1', refund], ['B2', paid]]);
    expect([...m]).toStrictEqual([['B0000001', unpaid], ['R1', refund], ['B2', paid]]);
    const seen: [string, unknown][] = [];
    m.forEach((v, k) => seen.push([k, v]));
    expect(seen).toStrictEqual([['B0000001', unpaid], ['R1', refund], ['B2', paid]]);
  });

  it('an order put again in its next state replaces the packed one (and is packed no more)', () => {
    const m = new OrderMap();
    m.set(unpaid.orderId, unpaid);
    const paid: PaymentOrder = { ...m.get(unpaid.orderId)!, status: 'PROCESSING', card: '621234******0010' } as PaymentOrder;
    m.set(unpaid.orderId, paid);
    expect(m.get(unpaid.orderId)).toStrictEqual(paid);
    expect(m.size).toBe(1);
  });

  it('tells its listener the whole order, and falls back to durable state for what it does not hold', () => {
    const m = new OrderMap();
    const told: [string, unknown][] = [];
    m.listener = (k, v) => told.push([k, v]);
    m.set(unpaid.orderId, unpaid);
    expect(told).toEqual([[unpaid.orderId, unpaid]]);
    m.fallback = (k) => (k === 'R1' ? refund : undefined);
    expect(m.get('R1')).toBe(refund);
    expect(m.held('R1')).toBeUndefined();
    expect(m.forget(unpaid.orderId)).toBe(true);
    expect(m.get(unpaid.orderId)).toBeUndefined();
  });
});
