/**
 * Bounded memory (issue 10, row 9): orders past orderLimit leave memory — to SQLite with --data,
 * where every lookup still finds them, or forgotten without it (settled ones only); the journal is
 * a ring of bounded size; the control API's lists are paged and streamed, so that with 100,000
 * orders held no call blocks the event loop for more than 50 ms.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import type { PaymentOrder } from '../../src/protocol/payment-machine.js';
import { controlRouter } from '../../src/servers/control-routes.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { makeHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
let server: Server | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
  }
  h?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  h = server = dataDir = undefined;
});

async function control(): Promise<string> {
  const app = express();
  app.use('/control', controlRouter(h!.runtime));
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/control`;
}

/** An order as SUBMIT_PAYMENT_ORDER leaves it, put straight into the ledger (100,000 signed requests would take minutes). */
function heldOrder(i: number, o: Partial<PaymentOrder> = {}): PaymentOrder {
  return {
    kind: 'PAY', source: 'frontend', orderId: `ORDHELD${String(i).padStart(8, '0')}`, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344',
    txnTime: '20261125173000', userId: 'user-001', backUrl: 'http://127.0.0.1:9/n', tn: `${String(i).padStart(21, '0')}`, status: 'AWAITING_USER', reservedAmt: 0, refundedAmt: 0, cancelled: false, createdAt: 0, ...o,
  };
}

describe('orderLimit', () => {
  const paidAndSettled = () => {
    const trx = h!.orderTrx();
    expect(h!.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
    h!.runtime.pay({ orderId: trx.orderId }); // approved at once: final
    return trx.orderId;
  };

  it('without --data, the oldest settled orders are forgotten past the limit (counted); live ones stay', async () => {
    h = makeHarness({ orderLimit: 10 });
    // notices done at once (dropped), so that paid orders are settled
    h.runtime.notices.faults.add({ action: 'drop', times: 1000 });
    const live = h.orderTrx();
    expect(h.send('SUBMIT_PAYMENT_ORDER', live).code).toBe('00'); // awaits its user: live
    const settled = Array.from({ length: 30 }, paidAndSettled);
    expect(h.runtime.ledger.orders.size).toBeLessThanOrEqual(11 + 1);
    expect(h.runtime.ledger.dropped).toBeGreaterThanOrEqual(19);
    expect(h.runtime.ledger.orders.get(live.orderId)?.status).toBe('AWAITING_USER');
    const first = settled[0]!;
    expect(h.runtime.ledger.orders.get(first)).toBeUndefined();
    expect(h.runtime.notices.list({ orderId: first })).toEqual([]);
    // UCSP no longer knows it: an inquiry is answered 34
    expect(h.send('PAYMENT_RESULT_INQUIRY', { orderId: first, merId: '123456789012345' }).code).toBe('34');
    expect(h.runtime.ledger.orders.get(settled.at(-1)!)?.status).toBe('APPROVED');
  });

  it('with --data, orders past the limit leave memory for SQLite and are found as before (by orderId, tn, queryId)', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ucsp-orderlimit-'));
    const store = new SqliteStore(dataDir, 10_000);
    h = makeHarness({ orderLimit: 10 }, { store });
    h.runtime.notices.faults.add({ action: 'drop', times: 1000 });
    const settled = Array.from({ length: 30 }, paidAndSettled);
    expect(h.runtime.ledger.orders.size).toBeLessThanOrEqual(12);
    expect(h.runtime.ledger.evicted).toBeGreaterThanOrEqual(18);
    const first = settled[0]!;
    expect(h.runtime.ledger.orders.held(first)).toBeUndefined(); // not in memory…
    const p = h.runtime.ledger.payment(first)!; // …yet found
    expect(p.status).toBe('APPROVED');
    expect(h.runtime.ledger.paymentByTn(p.tn)?.orderId).toBe(first);
    expect(h.runtime.ledger.paymentByQueryId(p.queryId!)?.orderId).toBe(first);
    expect(h.runtime.notices.list({ orderId: first }).map((n) => n.orderId)).toEqual([first]);
    expect(h.send('PAYMENT_RESULT_INQUIRY', { orderId: first, merId: '123456789012345' }).code).toBe('00');
    // a refund of it works as for any order
    const refund = h.send('PAYMENT_REFUND', { orderId: h.newOrderId('RFD'), origQryId: p.queryId!, merId: '123456789012345', txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' });
    expect(refund.code).toBe('00');
    expect(h.runtime.ledger.payment(first)!.refundedAmt).toBe(100);
    // the list holds every order, in memory or not
    const base = await control();
    const all = (await (await fetch(`${base}/orders`)).json()) as { orderId: string }[];
    expect(all.map((o) => o.orderId)).toEqual(expect.arrayContaining(settled));
  });
});

describe('journal', () => {
  it('is a ring bounded in characters too: hostile 64 KB entries push the oldest out', () => {
    const j = new Journal(10_000, 1024 * 1024);
    for (let i = 0; i < 100; i++) j.add({ at: 0, wallAt: 0, direction: 'in', channel: 'api', raw: '"'.repeat(64 * 1024) });
    expect(j.sizeChars).toBeLessThanOrEqual(1024 * 1024);
    expect(j.size).toBe(16);
    expect(j.dropped).toBe(84);
    expect(j.all().map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => 85 + i));
    j.add({ at: 0, wallAt: 0, direction: 'in', channel: 'api', raw: 'small' });
    expect(j.lastSeq).toBe(101);
  });
});

describe('control API lists, with 100,000 orders held', () => {
  /**
   * The longest the event loop was held by this process while `work` ran (ms): between two turns
   * of a ticker, the smaller of the wall time and the CPU time that passed — so that a machine too
   * busy to run us (wall time, no CPU) or garbage collection on helper threads (CPU, no wall time)
   * is not taken for a call that holds the loop, which shows in both — less the main thread's
   * garbage-collection pauses in that stretch: with 100,000 orders held in this very process, a
   * full collection alone can take longer than 50 ms, whatever the call does.
   */
  async function maxBlockMs(work: () => Promise<void>): Promise<number> {
    const pauses: { start: number; end: number }[] = [];
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) pauses.push({ start: e.startTime, end: e.startTime + e.duration });
    });
    gc.observe({ entryTypes: ['gc'] });
    const ticks: { wall: number; cpuMs: number; from: number }[] = [];
    let running = true;
    let wall = performance.now();
    let cpu = process.cpuUsage();
    const tick = () => {
      const w = performance.now();
      const c = process.cpuUsage();
      ticks.push({ from: wall, wall: w, cpuMs: (c.user - cpu.user + c.system - cpu.system) / 1000 });
      wall = w;
      cpu = c;
      if (running) setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
    try {
      await work();
    } finally {
      running = false;
      tick(); // the stretch since the last turn of the ticker counts too
    }
    // gc entries are delivered asynchronously: let the observer catch up before reading them
    await new Promise((r) => setImmediate(r));
    gc.disconnect();
    let worst = 0;
    for (const t of ticks) {
      const inGc = pauses.reduce((sum, p) => sum + Math.max(0, Math.min(p.end, t.wall) - Math.max(p.start, t.from)), 0);
      worst = Math.max(worst, Math.min(t.wall - t.from, t.cpuMs) - inGc);
    }
    return worst;
  }

  it('the measure sees a call that holds the loop (80 ms, wall and CPU, without a pause)', async () => {
    const held = await maxBlockMs(async () => {
      await new Promise((r) => setTimeout(r, 5));
      // held until both 80 ms of wall time and 80 ms of CPU have passed (the process's CPU counts
      // other threads too, a busy machine stretches wall time); checked rarely, allocating little
      const wall = performance.now();
      const cpu = process.cpuUsage();
      for (let i = 1; ; i++) {
        if (i % 10_000 !== 0 || performance.now() - wall < 80) continue;
        const used = process.cpuUsage(cpu);
        if ((used.user + used.system) / 1000 >= 80) break;
      }
    });
    // less at most a scavenge or two of the test process itself
    expect(held, `measured ${held} ms`).toBeGreaterThanOrEqual(60);
  });

  it('pages with ?limit and ?cursor, streams the whole list, and no call blocks the loop for more than 50 ms', async () => {
    h = makeHarness({ orderLimit: 200_000 });
    for (let i = 0; i < 100_000; i++) h.runtime.ledger.putOrder(heldOrder(i, i % 2 ? { status: 'APPROVED', card: '6212345600000012' } : {}));
    const base = await control();

    let first!: Response;
    let firstPage!: PaymentOrder[];
    const pageBlock = await maxBlockMs(async () => {
      first = await fetch(`${base}/orders?limit=100`);
      firstPage = (await first.json()) as PaymentOrder[];
    });
    expect(first.status).toBe(200);
    expect(firstPage).toHaveLength(100);
    expect(firstPage[0]!.orderId).toBe('ORDHELD00000000');
    const cursor = first.headers.get('x-next-cursor')!;
    expect(first.headers.get('link')).toBe(`</control/orders?limit=100&cursor=${encodeURIComponent(cursor)}>; rel="next"`);
    const second = (await (await fetch(`${base}/orders?limit=100&cursor=${encodeURIComponent(cursor)}`)).json()) as PaymentOrder[];
    expect(second[0]!.orderId).toBe('ORDHELD00000100');
    // card numbers as first 6 + last 4
    expect(second[1]!.card).toBe('621234******0012');

    // the last page says no more
    const last = await fetch(`${base}/orders?limit=100&cursor=${encodeURIComponent('k:ORDHELD00099899')}`);
    expect(((await last.json()) as unknown[]).length).toBe(100);
    expect(last.headers.get('x-next-cursor')).toBeNull();

    // the whole list, unpaged: streamed, the loop never blocked long (the body is parsed after)
    let text = '';
    const fullBlock = await maxBlockMs(async () => {
      const res = await fetch(`${base}/orders`);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    });
    expect((JSON.parse(text) as unknown[]).length).toBe(100_000);
    expect(pageBlock).toBeLessThan(50);
    expect(fullBlock).toBeLessThan(50);

    const status = await maxBlockMs(async () => void (await (await fetch(`${base}/status`)).json()));
    expect(status).toBeLessThan(50);
  }, 120_000);

  it('refuses a bad limit or cursor with 400', async () => {
    h = makeHarness();
    const base = await control();
    for (const q of ['limit=0', 'limit=10001', 'limit=x', 'cursor=nope', 'cursor=k:ORDNOTHERE'])
      expect((await fetch(`${base}/orders?${q}`)).status, q).toBe(400);
  });
});

describe('privacy: --show-pii', () => {
  const loginMobiles = async (showPii: boolean) => {
    h = makeHarness({ showPii });
    h.runtime.loginRedirect({ userId: 'user-001' });
    const trx = h.orderTrx();
    h.send('SUBMIT_PAYMENT_ORDER', trx);
    h.runtime.pay({ orderId: trx.orderId });
    const base = await control();
    const journal = (await (await fetch(`${base}/journal?channel=login`)).json()) as { entries: { raw: string; parsed?: { trxInfo: { mobile: string } } }[] };
    const order = (await (await fetch(`${base}/orders/${trx.orderId}`)).json()) as { card: string };
    return { mobile: journal.entries[0]!.parsed!.trxInfo.mobile, raw: journal.entries[0]!.raw, card: order.card };
  };

  it('masks mobiles in the journal by default, and never keeps a full card number', async () => {
    const r = await loginMobiles(false);
    expect(r.mobile).toBe('+85*******01');
    expect(r.raw).not.toContain('+85290000001');
    expect(r.card).toBe('621234******0012');
  });

  it('with showPii, shows the mobile as sent', async () => {
    const r = await loginMobiles(true);
    expect(r.mobile).toBe('+85290000001');
    expect(r.card).toBe('621234******0012'); // kept masked: it was needed only to decide
  });
});
