/**
 * The live log over the real runtime: the journal followed into a stream, one line per exchange,
 * notice attempts with their number and the next attempt (told by the dispatcher), refusals with
 * their reason; a reader that does not read costs bounded memory. Manual clock, loopback only.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogSink, followJournal } from '../../src/journal/live-log.js';
import { makeHarness, type Harness } from '../support/harness.js';
import { startMiniPartner, type MiniPartner } from '../support/mini-partner.js';

let h: Harness;
let mini: MiniPartner;
beforeEach(async () => {
  h = makeHarness();
  mini = await startMiniPartner(h.partner);
});
afterEach(async () => {
  h.close();
  await mini.close();
});

/** A stream that keeps what is written, or (stalled) takes nothing: its buffer only grows. */
function collector(stalled = false): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      if (stalled) return; // never calls back: writableLength grows, as a pipe nobody reads
      text += chunk.toString('utf8');
      done();
    },
  });
  return Object.assign(w, { text: () => text });
}

const settle = async () => expect((await h.runtime.settle(15_000)).settled).toBe(true);
/** Lets the sink write its batch (it writes once per turn of the event loop). */
const turn = () => new Promise((r) => setImmediate(r));

describe('live log', () => {
  it('one line per exchange: a refusal with its reason, a payment, a failed notice attempt with the next one, then its delivery', async () => {
    const out = collector();
    const json = collector();
    const stop = followJournal(h.runtime.journal, [new LogSink(out, { format: 'pretty', utc: true }), new LogSink(json, { format: 'json' })]);
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ orderId: 'bad-order-id!', backUrl: mini.url })).code).toBe('10');
    const trx = h.orderTrx({ backUrl: mini.url });
    expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
    mini.failing = true;
    h.runtime.pay({ orderId: trx.orderId });
    await settle();
    mini.failing = false;
    await h.runtime.clock.advance(15_000);
    await settle();
    await turn();
    stop();
    const lines = out.text().trimEnd().split('\n');
    // an orderId that breaks its pattern still names the exchange (the answer cannot echo it), and the reason quotes it
    expect(lines[0]).toMatch(/partner → UCSP +SUBMIT_PAYMENT_ORDER {2}bad-order-id! {2}→ 10 {2}sig ok {2}.* ms {2}refused: trxInfo\.orderId: .*got "bad-order-id!"/);
    expect(lines[1]).toMatch(new RegExp(`partner → UCSP +SUBMIT_PAYMENT_ORDER {2}${trx.orderId} {2}→ 00 {2}sig ok`));
    expect(lines[2]).toMatch(new RegExp(`browser → cashier +pay {2}${trx.orderId} {2}card 621234\\*+\\d{4}, issuer: approve$`));
    const notices = lines.filter((l) => l.includes('PAYMENT_RESULT_NOTICE'));
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/UCSP → partner +PAYMENT_RESULT_NOTICE {2}\S+ {2}attempt 1\/8 {2}→ HTTP 500 {2}.* ms {2}failed: HTTP 500; next attempt in 15 s$/);
    expect(notices[1]).toMatch(/attempt 2\/8 {2}→ 00 {2}sig ok {2}.* ms {2}delivered$/);
    const records = json.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(lines.length);
    expect(records[0]).toMatchObject({ channel: 'api', from: 'partner', to: 'UCSP', code: '10', outcome: 'refused' });
    expect(records.find((r) => r.channel === 'notice')).toMatchObject({ outcome: 'failed', reason: 'HTTP 500', httpStatus: 500, attempt: { n: 1, of: 8, then: 'retry', nextInMs: 15_000 } });
  });

  it('the last attempt of the schedule says UCSP gives up; each one before it when the next is due', async () => {
    const out = collector();
    const stop = followJournal(h.runtime.journal, [new LogSink(out, { format: 'pretty', utc: true })]);
    const trx = h.orderTrx({ backUrl: mini.url });
    expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
    mini.failing = true;
    h.runtime.pay({ orderId: trx.orderId });
    await settle();
    await h.runtime.clock.advance(7 * 3_600_000);
    await settle();
    await turn();
    stop();
    const attempts = out.text().split('\n').filter((l) => l.includes('PAYMENT_RESULT_NOTICE'));
    // the default schedule: +0, 15 s, 30 s, 1 min, 5 min, 15 min, 1 h, 6 h from the first attempt
    expect(attempts.map((l) => /attempt (\d)\/8/.exec(l)?.[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(attempts.map((l) => /next attempt in (.*)$/.exec(l)?.[1])).toEqual(['15 s', '15 s', '30 s', '4 min', '10 min', '45 min', '5 h', undefined]);
    expect(attempts[7]).toMatch(/failed: HTTP 500; UCSP gives up: no attempt left$/);
  });

  it('a reset is said; what was held for its answer goes out unanswered', async () => {
    const out = collector();
    const stop = followJournal(h.runtime.journal, [new LogSink(out, { format: 'pretty' })]);
    h.runtime.reset();
    await turn();
    stop();
    expect(out.text()).toContain('── the sandbox was reset ──');
  });

  it('a reader that takes nothing: exchanges are counted, not queued, past the backlog bound', async () => {
    const stalled = collector(true);
    const sink = new LogSink(stalled, { format: 'json', maxBacklogChars: 4096 });
    const stop = followJournal(h.runtime.journal, [sink]);
    for (let i = 0; i < 100; i++) h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ orderId: `bad-${i}!` }));
    await turn();
    for (let i = 0; i < 100; i++) h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx({ orderId: `bad-${i}!` }));
    await turn();
    stop();
    expect(stalled.writableLength).toBeLessThan(4096 + 100 * 1024);
    expect(sink.leftOut).toBeGreaterThan(0);
  });
});
