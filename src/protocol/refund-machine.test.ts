/**
 * Cancellation and refund orders (PROFILE §6.9, §6.10): every (state × event) pair of the refund
 * machine, and the admission rules against the original payment.
 */
import { describe, expect, it } from 'vitest';
import { UcspError } from '../errors/index.js';
import { paymentTransition, type PaymentOrder } from './payment-machine.js';
import { admitCancellation, admitRefund, refundTransition, type RefundEvent, type RefundOrder, type RefundStatus } from './refund-machine.js';

const MER = '123456789012345';

function payment(over: Partial<PaymentOrder> = {}): PaymentOrder {
  return {
    kind: 'PAY',
    source: 'frontend',
    orderId: 'ORDER0001',
    merId: MER,
    acqIIN: '00012345',
    txnAmt: '1000',
    currencyCode: '344',
    txnTime: '20261125173000',
    userId: 'user-001',
    backUrl: 'https://partner.example/notify',
    tn: '202611251730000000001',
    status: 'APPROVED',
    queryId: 'Q20261125173001000002',
    reservedAmt: 0,
    refundedAmt: 0,
    cancelled: false,
    createdAt: 1_000,
    finalAt: 2_000,
    ...over,
  };
}

function refundOrder(over: Partial<RefundOrder> = {}): RefundOrder {
  return {
    kind: 'REFUND',
    orderId: 'REFUND0001',
    origOrderId: 'ORDER0001',
    origQryId: 'Q20261125173001000002',
    merId: MER,
    txnAmt: '300',
    currencyCode: '344',
    txnTime: '20261125180000',
    backUrl: 'https://partner.example/notify',
    status: 'PROCESSING',
    createdAt: 5_000,
    ...over,
  };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectIllegal(fn: () => unknown): UcspError {
  const e = caught(fn);
  expect(e).toBeInstanceOf(UcspError);
  expect((e as UcspError).kind).toBe('incorrect');
  expect((e as UcspError).responseCode).toBe('36');
  return e as UcspError;
}

const EVENTS: Record<RefundEvent['type'], RefundEvent> = {
  'issuer-approved': { type: 'issuer-approved', queryId: 'Q20261125180001000007', at: 9_000 },
  'issuer-declined': { type: 'issuer-declined', queryId: 'Q20261125180001000008', at: 9_500 },
};

describe('refundTransition: every kind × state × event', () => {
  // [kind, state, event, expected | null when illegal]
  const table: ['CANCEL' | 'REFUND', RefundStatus, RefundEvent['type'], RefundStatus | null][] = [];
  for (const kind of ['CANCEL', 'REFUND'] as const) {
    table.push(
      [kind, 'PROCESSING', 'issuer-approved', 'APPROVED'],
      [kind, 'PROCESSING', 'issuer-declined', 'DECLINED'],
      [kind, 'APPROVED', 'issuer-approved', null],
      [kind, 'APPROVED', 'issuer-declined', null],
      [kind, 'DECLINED', 'issuer-approved', null],
      [kind, 'DECLINED', 'issuer-declined', null],
    );
  }

  it.each(table)('%s %s + %s → %s', (kind, state, event, expected) => {
    const r = refundOrder({ kind, status: state, ...(state === 'PROCESSING' ? {} : { queryId: 'Q20261125175959000005', finalAt: 8_000 }) });
    const frozen = structuredClone(r);
    if (expected === null) {
      const e = expectIllegal(() => refundTransition(r, EVENTS[event]));
      expect(e.message).toContain(state);
      expect(e.message).toContain(kind.toLowerCase());
    } else {
      const next = refundTransition(r, EVENTS[event]);
      expect(next).toMatchObject({ kind, status: expected, queryId: EVENTS[event].queryId, finalAt: EVENTS[event].at });
    }
    expect(r).toEqual(frozen);
  });
});

describe('admitCancellation (PROFILE §6.9: full amount, approved only, not after any refund)', () => {
  // [why, payment, request, admitted]
  const table: [string, Partial<PaymentOrder>, { merId: string; txnAmt: string }, boolean][] = [
    ['full amount of an approved untouched payment', {}, { merId: MER, txnAmt: '1000' }, true],
    ['partial amount', {}, { merId: MER, txnAmt: '999' }, false],
    ['more than the amount', {}, { merId: MER, txnAmt: '1001' }, false],
    ['another merchant', {}, { merId: '999999999999999', txnAmt: '1000' }, false],
    ['payment awaiting the user', { status: 'AWAITING_USER', queryId: undefined }, { merId: MER, txnAmt: '1000' }, false],
    ['payment processing', { status: 'PROCESSING', queryId: undefined }, { merId: MER, txnAmt: '1000' }, false],
    ['payment declined', { status: 'DECLINED' }, { merId: MER, txnAmt: '1000' }, false],
    ['already cancelled', { refundedAmt: 1000, cancelled: true }, { merId: MER, txnAmt: '1000' }, false],
    ['after a partial refund', { refundedAmt: 1 }, { merId: MER, txnAmt: '1000' }, false],
    ['after a full refund', { refundedAmt: 1000 }, { merId: MER, txnAmt: '1000' }, false],
    ['while a refund is in progress', { reservedAmt: 300 }, { merId: MER, txnAmt: '1000' }, false],
    ['while a cancellation is in progress', { reservedAmt: 1000 }, { merId: MER, txnAmt: '1000' }, false],
  ];
  it.each(table)('%s → admitted %s', (_why, over, req, admitted) => {
    const p = payment(over);
    if (admitted) expect(() => admitCancellation(p, req)).not.toThrow();
    else expectIllegal(() => admitCancellation(p, req));
  });
});

describe('admitRefund (PROFILE §6.10: ≤ what remains, same currency, not after cancel)', () => {
  type Req = { merId: string; txnAmt: string; currencyCode: string };
  const req = (txnAmt: string, over: Partial<Req> = {}): Req => ({ merId: MER, txnAmt, currencyCode: '344', ...over });
  // [why, payment, request, admitted]
  const table: [string, Partial<PaymentOrder>, Req, boolean][] = [
    ['partial refund', {}, req('1'), true],
    ['full refund', {}, req('1000'), true],
    ['more than the amount', {}, req('1001'), false],
    ['exactly what remains after a partial refund', { refundedAmt: 400 }, req('600'), true],
    ['more than remains after a partial refund', { refundedAmt: 400 }, req('601'), false],
    ['exactly what remains with a refund in progress', { reservedAmt: 250 }, req('750'), true],
    ['more than remains with a refund in progress', { reservedAmt: 250 }, req('751'), false],
    ['what remains after refunds and reservations', { refundedAmt: 300, reservedAmt: 200 }, req('500'), true],
    ['one more than that', { refundedAmt: 300, reservedAmt: 200 }, req('501'), false],
    ['anything after a full refund', { refundedAmt: 1000 }, req('1'), false],
    ['anything while a cancellation is in progress', { reservedAmt: 1000 }, req('1'), false],
    ['after a cancellation', { refundedAmt: 1000, cancelled: true }, req('1'), false],
    ['another currency', {}, req('100', { currencyCode: '156' }), false],
    ['another merchant', {}, req('100', { merId: '999999999999999' }), false],
    ['payment awaiting the user', { status: 'AWAITING_USER', queryId: undefined }, req('100'), false],
    ['payment processing', { status: 'PROCESSING', queryId: undefined }, req('100'), false],
    ['payment declined', { status: 'DECLINED' }, req('100'), false],
    ['a 12-digit amount within the payment', { txnAmt: '999999999999' }, req('999999999999'), true],
  ];
  it.each(table)('%s → admitted %s', (_why, over, r, admitted) => {
    const p = payment(over);
    if (admitted) expect(() => admitRefund(p, r)).not.toThrow();
    else expectIllegal(() => admitRefund(p, r));
  });

  it('partial refunds admitted one after another until nothing remains', () => {
    let p = payment();
    for (const amt of [100, 200, 300, 400]) {
      admitRefund(p, req(String(amt)));
      p = paymentTransition(p, { type: 'reserve', amount: amt });
      p = paymentTransition(p, { type: 'refunded', amount: amt, cancel: false });
    }
    expect(p.refundedAmt).toBe(1000);
    expectIllegal(() => admitRefund(p, req('1')));
    // and a cancellation is no longer possible either
    expectIllegal(() => admitCancellation(p, { merId: MER, txnAmt: '1000' }));
  });

  it('a declined refund gives its reservation back', () => {
    let p = payment();
    admitRefund(p, req('1000'));
    p = paymentTransition(p, { type: 'reserve', amount: 1000 });
    expectIllegal(() => admitRefund(p, req('1')));
    expectIllegal(() => admitCancellation(p, { merId: MER, txnAmt: '1000' }));
    p = paymentTransition(p, { type: 'release', amount: 1000 });
    expect(() => admitRefund(p, req('1000'))).not.toThrow();
    expect(() => admitCancellation(p, { merId: MER, txnAmt: '1000' })).not.toThrow();
  });
});
