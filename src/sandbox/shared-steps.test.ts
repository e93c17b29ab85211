/**
 * Issuer inquiries and order expiry as jobs of several instances (`jobs`, StepJobs): each due step
 * runs through the job runner and is made only if it is still to be made when its job runs (after
 * the runner caught up with other instances); a followed watch is armed at the inquiry it is at.
 * Here the runner runs the work at once, after an optional stand-in for the catch-up.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Journal } from '../journal/journal.js';
import { startIssuerTxn, type IssuerTxn } from '../protocol/issuer-rules.js';
import { Ledger } from '../protocol/ledger.js';
import type { PaymentOrder } from '../protocol/payment-machine.js';
import { IssuerWatch, type StepJobs } from './issuer-watch.js';
import { OrderExpiry } from './order-expiry.js';

const T0 = 1_800_000_000_000;
const OFFSETS = [0, 1_000, 3_000, 7_000, 15_000];

function jobsRecorder() {
  const made: { label: string; made: boolean }[] = [];
  let catchUp: (() => void) | undefined;
  const jobs: StepJobs = {
    run: async (label, work) => {
      const before = catchUp;
      catchUp = undefined;
      before?.();
      made.push({ label, made: work() });
    },
  };
  return { jobs, made, beforeNext: (f: () => void) => (catchUp = f) };
}

function world(jobs?: StepJobs) {
  const clock = new VirtualClock({ scale: 0, start: T0 });
  const ledger = new Ledger('12345678');
  const journal = new Journal(1000);
  const finals: [string, string][] = [];
  const watch = new IssuerWatch({ ledger, clock, journal, inquiryScheduleMs: OFFSETS, wallNow: () => T0, onFinal: (o, s) => finals.push([o, s]), ...(jobs ? { jobs } : {}) });
  return { clock, ledger, journal, watch, finals };
}

const silentTxn = (ref: string, createdAt: number): IssuerTxn =>
  startIssuerTxn({ ref, orderId: `O-${ref}`, kind: 'PAY', txnAmt: '1234', currencyCode: '344', behaviour: 'silent', createdAt }, createdAt)!;

const inquiriesIn = (journal: Journal) => journal.query({}).filter((e) => e.direction === 'out').map((e) => JSON.parse(e.raw) as { n: number; offsetMs: number });

describe('issuer watch steps as shared jobs', () => {
  it('runs each due inquiry through the jobs, at its place, and stops at the final status', async () => {
    const r = jobsRecorder();
    const w = world(r.jobs);
    const txn = silentTxn('T1', T0);
    w.ledger.putOrder({ kind: 'PAY', source: 'auto-debit', orderId: 'O-T1', tn: 'T1', status: 'PROCESSING' } as PaymentOrder);
    w.ledger.issuer.set('T1', txn);
    w.watch.watch('O-T1');
    await w.clock.advance(10_000);
    expect(inquiriesIn(w.journal).map((q) => [q.n, q.offsetMs])).toEqual([
      [1, 0],
      [2, 1_000],
      [3, 3_000],
      [4, 7_000],
    ]);
    expect(r.made.map((m) => m.made)).toEqual([true, true, true, true]);
    expect(w.finals).toEqual([['O-T1', 'APPROVED']]);
    expect(w.watch.watching('O-T1')).toBe(false);
  });

  it('follows a transaction another instance wrote: armed at the inquiry it is at, counted from its start', async () => {
    const r = jobsRecorder();
    const w = world(r.jobs);
    w.ledger.putOrder({ kind: 'PAY', source: 'auto-debit', orderId: 'O-T2', tn: 'T2', status: 'PROCESSING' } as PaymentOrder);
    const txn = { ...silentTxn('T2', T0 - 2_000), inquiries: 2 };
    w.ledger.issuer.set('T2', txn);
    w.watch.follow(txn);
    expect(w.watch.watching('O-T2')).toBe(true);
    // the third inquiry falls at +3 s from the transaction's start: 1 s from now
    expect(w.clock.nextTimerAt()).toBe(T0 + 1_000);
    await w.clock.advance(5_000);
    expect(inquiriesIn(w.journal).map((q) => [q.n, q.offsetMs])).toEqual([
      [3, 3_000],
      [4, 7_000],
    ]);
    expect(w.finals).toEqual([['O-T2', 'APPROVED']]);
    // a final transaction another instance wrote ends the watch here, without settling again
    const w2 = world(r.jobs);
    w2.watch.follow(txn);
    w2.watch.follow({ ...txn, status: 'APPROVED', inquiries: 4 });
    expect(w2.clock.pendingTimers).toBe(0);
    expect(w2.finals).toEqual([]);
  });

  it('a step another instance made while this one waited for its job is not made again (counted as not made)', async () => {
    const r = jobsRecorder();
    const w = world(r.jobs);
    w.ledger.putOrder({ kind: 'PAY', source: 'auto-debit', orderId: 'O-T3', tn: 'T3', status: 'PROCESSING' } as PaymentOrder);
    const txn = silentTxn('T3', T0);
    w.ledger.issuer.set('T3', txn);
    w.watch.watch('O-T3');
    // the catch-up of the first job finds the first inquiry made elsewhere
    r.beforeNext(() => {
      const elsewhere = { ...txn, inquiries: 1 };
      w.ledger.issuer.set('T3', elsewhere);
      w.watch.follow(elsewhere);
    });
    await w.clock.advance(1_000);
    expect(r.made).toEqual([
      { label: "UCSP's inquiry #1 of the issuer for order O-T3", made: false },
      { label: "UCSP's inquiry #2 of the issuer for order O-T3", made: true },
    ]);
    expect(inquiriesIn(w.journal).map((q) => q.n)).toEqual([2]);
    expect(w.ledger.issuer.get('T3')!.inquiries).toBe(2);
  });

  it("the issuer's own notification, made elsewhere first, is not made again", async () => {
    const r = jobsRecorder();
    const w = world(r.jobs);
    w.ledger.putOrder({ kind: 'PAY', source: 'auto-debit', orderId: 'O-T4', tn: 'T4', status: 'PROCESSING' } as PaymentOrder);
    const txn = startIssuerTxn({ ref: 'T4', orderId: 'O-T4', kind: 'PAY', txnAmt: '1234', currencyCode: '344', behaviour: 'pending-decline', createdAt: T0 }, T0)!;
    w.ledger.issuer.set('T4', { ...txn, inquiries: 4 });
    w.watch.follow({ ...txn, inquiries: 4 });
    r.beforeNext(() => {
      const decided = { ...txn, inquiries: 4, status: 'DECLINED' as const };
      w.ledger.issuer.set('T4', decided);
      w.watch.follow(decided);
    });
    await w.clock.advance(6_000);
    expect(r.made).toEqual([{ label: "the issuer's own notification for order O-T4", made: false }]);
    expect(w.finals).toEqual([]);
  });
});

describe('order expiry as shared jobs', () => {
  const unpaid = (orderId: string, createdAt: number): PaymentOrder =>
    ({ kind: 'PAY', source: 'frontend', orderId, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344', txnTime: '20261129120000', userId: 'user-001', backUrl: 'http://127.0.0.1:9/n', tn: `T${orderId}`, status: 'AWAITING_USER', reservedAmt: 0, refundedAmt: 0, cancelled: false, createdAt }) as PaymentOrder;

  function expiryWorld(jobs: StepJobs) {
    const clock = new VirtualClock({ scale: 0, start: T0 });
    const ledger = new Ledger('12345678');
    const expired: string[] = [];
    const expiry = new OrderExpiry({
      ledger,
      clock,
      expiryMs: 60_000,
      jobs,
      onExpire: (orderId) => {
        expired.push(orderId);
        ledger.putOrder({ ...ledger.payment(orderId)!, status: 'DECLINED' });
      },
    });
    return { clock, ledger, expiry, expired };
  }

  it("keeps deadlines in order when another instance's order comes late, and fails each through a job", async () => {
    const r = jobsRecorder();
    const w = expiryWorld(r.jobs);
    w.ledger.putOrder(unpaid('LATE', T0 + 5_000));
    w.expiry.track('LATE');
    // taken by another instance earlier, seen here after
    w.ledger.putOrder(unpaid('EARLY', T0 + 1_000));
    w.expiry.track('EARLY');
    expect(w.clock.nextTimerAt()).toBe(T0 + 61_000);
    await w.clock.advance(62_000);
    expect(w.expired).toEqual(['EARLY']);
    await w.clock.advance(4_000);
    expect(w.expired).toEqual(['EARLY', 'LATE']);
    expect(r.made.map((m) => m.made)).toEqual([true, true]);
  });

  it('an order paid or failed elsewhere before its job runs is not failed again', async () => {
    const r = jobsRecorder();
    const w = expiryWorld(r.jobs);
    w.ledger.putOrder(unpaid('PAID', T0));
    w.expiry.track('PAID');
    r.beforeNext(() => w.ledger.putOrder({ ...w.ledger.payment('PAID')!, status: 'PROCESSING' }));
    await w.clock.advance(60_000);
    expect(w.expired).toEqual([]);
    expect(r.made).toEqual([{ label: 'UCSP fails unpaid order PAID (60 s without payment)', made: false }]);
    expect(w.clock.pendingTimers).toBe(0);
  });
});
