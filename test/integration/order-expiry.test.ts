/**
 * Unpaid orders do not stay pending for ever (orderExpirySeconds, default 900): on the virtual
 * clock, an order still awaiting its user fails, a 01 notice goes out, and an inquiry says 01.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, PARTNER, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

const submit = (hh: Harness) => {
  const trx = hh.orderTrx();
  expect(hh.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  return trx.orderId;
};
const notices = (hh: Harness, orderId: string) => hh.runtime.notices.list({ orderId }).map((n) => (JSON.parse(n.text) as { msgResponse: { responseCode: string } }).msgResponse.responseCode);

describe('order expiry', () => {
  it('by default an order unpaid 900 s after UCSP took it fails with a 01 notice; an inquiry answers 01', async () => {
    h = makeHarness();
    const orderId = submit(h);
    await h.clock.advance(899_999);
    expect(h.runtime.ledger.payment(orderId)!.status).toBe('AWAITING_USER');
    expect(notices(h, orderId)).toEqual([]);
    await h.clock.advance(1);
    expect(h.runtime.ledger.payment(orderId)!.status).toBe('DECLINED');
    expect(notices(h, orderId)).toEqual(['01']);
    const inquiry = h.send('PAYMENT_RESULT_INQUIRY', { orderId, merId: PARTNER.merId });
    expect(inquiry.code).toBe('01');
    expect(inquiry.msg.trxInfo.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expect(h.runtime.journal.query({ orderId, channel: 'cashier' }).map((e) => e.note)).toContain('the order expired unpaid after 900 s');
    // the cashier no longer takes it
    expect(() => h!.runtime.pay({ orderId })).toThrow(/DECLINED, not awaiting payment/);
  });

  it('paid or abandoned orders are left alone; orders expire in turn, each at its own deadline', async () => {
    h = makeHarness({ orderExpirySeconds: 60 });
    const paid = submit(h);
    h.runtime.pay({ orderId: paid });
    const abandoned = submit(h);
    h.runtime.abandon({ orderId: abandoned });
    const first = submit(h);
    await h.clock.advance(30_000);
    const second = submit(h);
    await h.clock.advance(30_000);
    expect(h.runtime.ledger.payment(first)!.status).toBe('DECLINED');
    expect(h.runtime.ledger.payment(second)!.status).toBe('AWAITING_USER');
    await h.clock.advance(30_000);
    expect(h.runtime.ledger.payment(second)!.status).toBe('DECLINED');
    expect(h.runtime.ledger.payment(paid)!.status).toBe('APPROVED');
    expect([notices(h, paid), notices(h, abandoned), notices(h, first), notices(h, second)]).toEqual([['00'], ['01'], ['01'], ['01']]);
    expect(h.runtime.expiry.size).toBe(0);
  });

  it('one timer however many orders wait, none once they are paid; a reset forgets the deadlines', async () => {
    h = makeHarness();
    const ids = [submit(h), submit(h), submit(h)];
    expect(h.clock.pendingTimers).toBe(1);
    for (const orderId of ids) h.runtime.pay({ orderId });
    await h.clock.advance(0);
    await h.runtime.settle(10_000);
    expect(h.runtime.expiry.size).toBe(0);
    submit(h);
    h.runtime.reset();
    expect(h.runtime.expiry.size).toBe(0);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('orderExpirySeconds must be a whole number of seconds, at least 1', () => {
    expect(() => makeHarness({ orderExpirySeconds: 0 })).toThrow(/invalid configuration/);
  });
});
