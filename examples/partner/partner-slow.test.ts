/**
 * Slow mode: the example partner does its work at once and answers late (real time), without
 * blocking, and closing it cancels what it holds back. Lower bounds on elapsed time are
 * deterministic here: a timer never fires early.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Delays, MAX_SLOW_MS, parseSlowFlags, resolveSlowness } from './slow.js';
import { newQueryId, resultNotice, startHarness, type Harness } from './testing/harness.js';

const NOTICE_MS = 300;
const DRIVER_MS = 200;
const LOGIN_MS = 250;

/** Elapsed real time of a call, in ms. */
async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await f();
  return { value, ms: performance.now() - start };
}

/** Yields to I/O until the condition holds (no timers): for what a pending request has already done. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('options and flags', () => {
  it('take whole milliseconds from 0 to an hour, and default to 0', () => {
    expect(resolveSlowness({})).toEqual({ slowNoticeMs: 0, slowDriverMs: 0, slowLoginMs: 0 });
    expect(resolveSlowness({ slowNoticeMs: 0, slowDriverMs: MAX_SLOW_MS, slowLoginMs: 5 })).toEqual({ slowNoticeMs: 0, slowDriverMs: MAX_SLOW_MS, slowLoginMs: 5 });
    for (const bad of [-1, 1.5, Number.NaN, MAX_SLOW_MS + 1, '100']) {
      expect(() => resolveSlowness({ slowNoticeMs: bad as number })).toThrow(/^slowNoticeMs must be a whole number of milliseconds from 0 to 3600000/);
    }
    expect(parseSlowFlags({ 'slow-notice-ms': '500', 'slow-login-ms': '0' })).toEqual({ slowNoticeMs: 500, slowLoginMs: 0 });
    for (const bad of ['', '-5', '1e3', '2.5', 'abc', ' 5', '3600001']) {
      expect(() => parseSlowFlags({ 'slow-driver-ms': bad })).toThrow(`--slow-driver-ms must be a whole number of milliseconds from 0 to 3600000 (got ${JSON.stringify(bad)})`);
    }
  });
});

describe('Delays', () => {
  it('cancelling clears the pending timers at once; later waits still wait', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const d = new Delays();
    const before = timers();
    const pending = [d.wait(60_000), d.wait(60_000)];
    expect(timers()).toBe(before + 2);
    d.cancelAll();
    expect(timers()).toBe(before);
    expect(await Promise.all(pending)).toEqual([false, false]);
    const { value, ms } = await timed(() => d.wait(20));
    expect(value).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(19); // timers may fire up to 1 ms early by rounding
  });
});

describe('a slow partner', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, 'SHA256withRSA', { slowNoticeMs: NOTICE_MS, slowDriverMs: DRIVER_MS, slowLoginMs: LOGIN_MS });
  });
  afterAll(() => h.close());

  it('answers every driver call no sooner than slowDriverMs: actions, refusals, state, session, reset', async () => {
    const calls: [string, () => Promise<{ status: number }>, number][] = [
      ['submitPaymentOrder', () => h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' }), 200],
      ['unknown action', () => h.driver('explode', {}), 400],
      ['unknown order', () => h.get('/driver/orders/NOPE'), 404],
      ['unknown contract', () => h.get('/driver/contracts/NOPE'), 404],
      ['no session', () => h.get('/driver/session'), 401],
      ['reset', () => fetch(`${h.url}/driver/reset`, { method: 'POST' }), 204],
    ];
    for (const [name, call, status] of calls) {
      const { value, ms } = await timed(call);
      expect(value.status, name).toBe(status);
      expect(ms, name).toBeGreaterThanOrEqual(DRIVER_MS - 1);
    }
  });

  it('applies a notice at once and answers it (a signed 00) no sooner than slowNoticeMs', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const { orderId, tn } = body.result as { orderId: string; tn: string };
    const notice = resultNotice(h, { orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId(), tn });
    const started = performance.now();
    const reply = h.postNotice(notice);
    await until(() => h.partner.store.payments.get(orderId)?.status === 'PAID'); // applied while the answer waits
    const answer = await reply;
    expect(performance.now() - started).toBeGreaterThanOrEqual(NOTICE_MS - 1);
    expect(answer.answer?.msgResponse?.responseCode).toBe('00');
    expect(answer.signature?.valid).toBe(true);
  });

  it('answers the login page no sooner than slowLoginMs, with the session already open', async () => {
    const text = h.sign(h.ucspMessage('INDUSTRY_LOGIN_INFO', { userId: 'user-002', mobile: '+85290000002', channelCode: 'UPWALLET', industryCode: 'PARKING01' }));
    const { value: res, ms } = await timed(() => h.login(text));
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(LOGIN_MS - 1);
    const refused = await timed(() => h.login(text)); // replayed: refused, just as late
    expect(refused.value.status).toBe(401);
    expect(refused.ms).toBeGreaterThanOrEqual(LOGIN_MS - 1);
  });

  it('serves other requests while an answer is held back (no blocking), and close() cancels it', async () => {
    const slowPartner = await startHarness({}, 'SHA256withRSA', { slowNoticeMs: 60_000 });
    const waits = vi.spyOn(Delays.prototype, 'wait');
    try {
      const { body } = await slowPartner.driver('submitPaymentOrder', { txnAmt: '500', currencyCode: '344', userId: 'user-001' });
      const { orderId, tn } = body.result as { orderId: string; tn: string };
      const held = slowPartner.postNotice(resultNotice(slowPartner, { orderId, txnType: 'PAY', txnAmt: '500', currencyCode: '344', queryId: newQueryId(), tn })).catch((e: Error) => e);
      await until(() => slowPartner.partner.store.payments.get(orderId)?.status === 'PAID');
      expect((await slowPartner.get(`/driver/orders/${orderId}`)).body).toMatchObject({ status: 'PAID' });
      expect(waits.mock.calls.map(([ms]) => ms)).toEqual([60_000]); // the held notice answer, nothing else
      // closing cancels the held answer (its timer cleared: see Delays above) and sends nothing
      await slowPartner.close();
      expect(await waits.mock.results[0]!.value).toBe(false);
      expect(await held).toBeInstanceOf(Error);
    } finally {
      waits.mockRestore();
      await slowPartner.close().catch(() => undefined);
    }
  });
});
