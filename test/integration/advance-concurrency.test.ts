/**
 * `clock/advance` delivers due notices together, not one after another, so it takes as long as the
 * longest attempt, not their sum (issue 10, row 10); a notice whose partner left an attempt
 * unanswered past notices.timeoutMs does not hold the clock for its retries. Proved by events — a
 * gated partner holds every answer until the test lets it go — and, for the bound itself, with
 * partners that never answer and the default 10 s notice timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../support/harness.js';
import { startGatedPartner, type GatedPartner } from '../support/gated-partner.js';

const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('clock/advance with notices in flight', () => {
  let h: Harness | undefined;
  let partner: GatedPartner | undefined;
  let hang: { server: Server; sockets: Set<Socket> } | undefined;
  afterEach(async () => {
    h?.close();
    await partner?.close();
    if (hang) {
      for (const s of hang.sockets) s.destroy();
      await new Promise<void>((r) => hang!.server.close(() => r()));
    }
    h = partner = hang = undefined;
  });

  const paidOrder = (backUrl: string) => {
    const trx = h!.orderTrx({ backUrl });
    expect(h!.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
    h!.runtime.pay({ orderId: trx.orderId });
    return trx.orderId;
  };

  it('all due notices are in flight at once; the advance returns when every one is answered', async () => {
    h = makeHarness();
    partner = await startGatedPartner(h.partner);
    const ids = [paidOrder(partner.url), paidOrder(partner.url), paidOrder(partner.url)];
    let returned = false;
    const advancing = h.clock.advance(7 * 3600_000).then(() => (returned = true));
    const arrivals = [await partner.next(), await partner.next(), await partner.next()];
    // three attempts provably in flight together: none was waited for before the next was sent
    expect(arrivals.map((a) => a.orderId).sort()).toEqual([...ids].sort());
    await turns();
    expect(returned).toBe(false);
    arrivals[0]!.release();
    arrivals[1]!.release();
    await turns();
    expect(returned).toBe(false); // one answer still outstanding
    arrivals[2]!.release();
    await advancing;
    for (const id of ids) {
      const [n] = h.runtime.notices.list({ orderId: id });
      expect(n!.status, id).toBe('DELIVERED');
      expect(n!.attempts).toHaveLength(1);
    }
    expect((await h.runtime.settle(60_000)).settled).toBe(true);
  });

  it('20 notices to partners that never answer, a 7 h advance: back within the longest attempt (notices.timeoutMs 10 s), not their sum', async () => {
    h = makeHarness();
    expect(h.config.notices.timeoutMs).toBe(10_000);
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s); // reads the notice, never answers
      s.on('close', () => sockets.delete(s));
    });
    hang = { server, sockets };
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/notify`;
    const ids = Array.from({ length: 20 }, () => paidOrder(url));
    const t0 = performance.now();
    await h.clock.advance(7 * 3600_000);
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThan(15);
    for (const id of ids) {
      const [n] = h.runtime.notices.list({ orderId: id });
      expect(n!.attempts[0], id).toMatchObject({ ok: false, problem: 'no answer within 10000 ms' });
      expect(n!.status).toBe('PENDING'); // its retries go on beside the clock; settling waits for them
    }
  }, 60_000);
});
