import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import type { PaymentOrder, PaymentStatus } from './payment-machine.js';

function order(n: number, status: PaymentStatus, reservedAmt = 0): PaymentOrder {
  const id = `ORD${String(n).padStart(8, '0')}`;
  return {
    kind: 'PAY', source: 'frontend', orderId: id, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344',
    txnTime: '20261129120000', userId: 'user-001', backUrl: 'http://127.0.0.1:9/n', tn: `T${id}`, status, reservedAmt, refundedAmt: 0, cancelled: false, createdAt: n,
  };
}

function ledger(limit: number): Ledger {
  const l = new Ledger('12345678');
  l.orderLimit = limit;
  return l;
}

describe('Ledger orderLimit', () => {
  it('forgets the oldest settled orders first, keeps live ones and those with work in progress', () => {
    const l = ledger(10);
    for (let i = 0; i < 30; i++) l.putOrder(order(i, i % 2 === 0 ? 'APPROVED' : 'AWAITING_USER'));
    l.putOrder(order(100, 'APPROVED', 500)); // a refund in progress holds it
    l.trim();
    const kept = [...l.orders.keys()];
    // every live order (15 awaiting their user + the one with a refund held) stays, whatever the limit
    expect(kept.filter((id) => l.orders.get(id)!.status === 'AWAITING_USER')).toHaveLength(15);
    expect(kept).toContain('ORD00000100');
    expect(l.dropped).toBe(15);
    expect(l.payment('ORD00000000')).toBeUndefined();
    expect(l.paymentByTn('TORD00000000')).toBeUndefined();
  });

  it('an order settled again after a refund started is forgotten after those settled before it', () => {
    const l = ledger(2);
    l.putOrder(order(1, 'APPROVED', 100)); // live: a refund holds it
    l.putOrder(order(2, 'APPROVED'));
    l.putOrder(order(3, 'APPROVED'));
    l.putOrder(order(1, 'APPROVED')); // the refund ends: settled last
    l.trim();
    expect([...l.orders.keys()].sort()).toEqual(['ORD00000001', 'ORD00000003']);
  });

  it('costs no scan per request with many live or busy orders: trims are paid for by a tenth as many new orders', () => {
    const l = ledger(100);
    let looks = 0;
    l.busy = () => {
      looks++;
      return true; // every settled order has work in progress: none can go
    };
    const n = 20_000;
    for (let i = 0; i < n; i++) l.putOrder(order(i, i % 2 === 0 ? 'APPROVED' : 'AWAITING_USER'));
    expect(l.orders.size).toBe(n);
    // a scan of every settled order on each new order would look ~ n²/4 = 100,000,000 times
    expect(looks).toBeLessThan(20 * n);
  });

  it('reset forgets the settled list and the trim threshold', () => {
    const l = ledger(3);
    for (let i = 0; i < 10; i++) l.putOrder(order(i, 'APPROVED'));
    l.reset();
    for (let i = 0; i < 4; i++) l.putOrder(order(i, 'APPROVED'));
    expect(l.orders.size).toBe(4); // 3 + a tenth (at least 1): the next trim at 5
    l.putOrder(order(4, 'APPROVED'));
    expect(l.orders.size).toBe(3);
  });
});
