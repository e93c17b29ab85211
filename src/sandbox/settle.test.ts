/**
 * settle(): resolves only when everything set in motion has finished — proved by events: the
 * partner's answer is held until the test lets it go, so "not yet settled" is observed while an
 * attempt is provably in flight, never guessed from time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../../test/support/harness.js';
import { startGatedPartner, type GatedPartner } from '../../test/support/gated-partner.js';

/** Lets every pending callback and I/O completion of this turn run. */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('settle', () => {
  let h: Harness;
  let partner: GatedPartner;
  beforeEach(async () => {
    h = makeHarness();
    partner = await startGatedPartner(h.partner);
  });
  afterEach(async () => {
    h.close();
    await partner.close();
  });

  const order = (backUrl = partner.url) => {
    const trx = h.orderTrx({ backUrl });
    expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
    return trx.orderId;
  };

  it('resolves at once when nothing is in flight', async () => {
    const r = await h.runtime.settle(10_000);
    expect(r).toMatchObject({ settled: true });
  });

  it('waits for a notice attempt until the partner has answered, and the attempt is recorded when it resolves', async () => {
    const id = order();
    h.runtime.pay({ orderId: id });
    let settled = false;
    const settling = h.runtime.settle(60_000).then((r) => {
      settled = true;
      return r;
    });
    const arrival = await partner.next(); // the attempt is now provably in flight
    await turns();
    expect(settled).toBe(false);
    expect(h.runtime.inFlight.list().map((i) => i.what).join()).toContain(`for order ${id}`);
    arrival.release();
    const r = await settling;
    expect(r.settled).toBe(true);
    const [n] = h.runtime.notices.list({ orderId: id });
    expect(n!.status).toBe('DELIVERED');
    expect(n!.attempts).toHaveLength(1);
    expect(n!.attempts[0]!.responseCode).toBe('00');
  });

  it('a notice released by a reorder fault is waited for too: both notices are judged after their attempts', async () => {
    const a = order();
    const b = order();
    h.runtime.notices.faults.add({ action: 'reorder', orderId: a, times: 1 });
    h.runtime.pay({ orderId: a });
    h.runtime.pay({ orderId: b });
    let settled = false;
    const settling = h.runtime.settle(60_000).then((r) => {
      settled = true;
      return r;
    });
    const first = await partner.next();
    expect(first.orderId).toBe(b); // A is held until B has been attempted
    first.release();
    const second = await partner.next(); // A, released by B's attempt: still in flight
    expect(second.orderId).toBe(a);
    await turns();
    expect(settled).toBe(false);
    second.release();
    expect((await settling).settled).toBe(true);
    for (const id of [a, b]) {
      const [n] = h.runtime.notices.list({ orderId: id });
      expect(n!.status, id).toBe('DELIVERED');
      expect(n!.attempts.at(-1)!.responseCode).toBe('00');
    }
  });

  it('a tampered copy goes first and the genuine notice only after it was answered, whoever fires the clock', async () => {
    const id = order();
    h.runtime.notices.faults.add({ action: 'tamper', tamper: 'amount', orderId: id, times: 1 });
    h.runtime.pay({ orderId: id });
    // nobody advances the clock: the due timer fires on its own (manual mode, next turn)
    const first = await partner.next();
    await turns(10);
    expect(partner.count).toBe(1); // the genuine notice waits for the tampered copy's answer
    first.release();
    const second = await partner.next();
    second.release();
    expect((await h.runtime.settle(60_000)).settled).toBe(true);
    const [n] = h.runtime.notices.list({ orderId: id });
    expect(n!.attempts.map((a) => `${a.kind}${a.tamper ? `:${a.tamper}` : ''}`)).toEqual(['extra:amount', 'scheduled']);
    expect(n!.status).toBe('DELIVERED');
  });

  it('fires what is due at the current virtual time, in manual mode', async () => {
    const id = order();
    h.runtime.pay({ orderId: id });
    // the first attempt is due now; settle runs it rather than waiting for someone to advance
    const settling = h.runtime.settle(60_000);
    (await partner.next()).release();
    expect((await settling).settled).toBe(true);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('after its limit, reports what is still in flight instead of a verdict', async () => {
    const id = order();
    h.runtime.pay({ orderId: id });
    const settling = h.runtime.settle(300);
    const arrival = await partner.next();
    const r = await settling;
    expect(r.settled).toBe(false);
    if (r.settled) return;
    expect(r.inFlight).toHaveLength(1);
    expect(r.inFlight[0]).toMatchObject({ kind: 'notice', orderId: id });
    expect(r.inFlight[0]!.what).toMatch(/PAYMENT_RESULT_NOTICE N\d+ for order .* waiting for the partner's answer/);
    arrival.release();
    expect((await h.runtime.settle(60_000)).settled).toBe(true);
  });

  it('an attempt still waiting when the state is reset writes nothing into the new state', async () => {
    const id = order();
    h.runtime.pay({ orderId: id });
    const settling = h.runtime.settle(60_000);
    const arrival = await partner.next();
    h.runtime.reset();
    const seqAfterReset = h.runtime.journal.lastSeq;
    arrival.release();
    expect((await settling).settled).toBe(true);
    expect(h.runtime.notices.list()).toEqual([]);
    expect(h.runtime.journal.query({ sinceSeq: seqAfterReset })).toEqual([]);
  });
});
