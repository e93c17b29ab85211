/** GET /control/events: the journal as server-sent events — live, filtered, replayed, reset, ended. */
import { get, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatUcspTime } from '../../src/protocol/time.js';
import { ownSandbox, type OwnSandbox } from '../support/own-sandbox.js';

interface Sse {
  id?: string;
  event: string;
  data: unknown;
}

/** An open stream: its parsed events so far, a wait for one that matches, and its end. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const events: Sse[] = [];
  let waiters: (() => void)[] = [];
  let buffer = '';
  let ended = false;
  let status = 0;
  let contentType = '';
  const connected = new Promise<IncomingMessage>((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type']);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(': ');
            if (i > 0) fields[line.slice(0, i)] = line.slice(i + 2);
          }
          if (fields.event) events.push({ ...(fields.id ? { id: fields.id } : {}), event: fields.event, data: JSON.parse(fields.data ?? 'null') });
        }
        for (const w of waiters) w();
      });
      res.on('end', () => {
        ended = true;
        for (const w of waiters) w();
      });
      resolve(res);
    });
    req.on('error', reject);
  });
  const until = async (pred: (e: Sse[]) => boolean): Promise<Sse[]> => {
    while (!pred(events)) {
      if (ended) throw new Error(`stream ended before the expected events; got ${JSON.stringify(events)}`);
      await new Promise<void>((r) => waiters.push(r));
      waiters = [];
    }
    return events;
  };
  return { events, connected, until, get ended() { return ended; }, get status() { return status; }, get contentType() { return contentType; } };
}

let own: OwnSandbox;
beforeEach(async () => {
  own = await ownSandbox();
});
afterEach(async () => {
  await own.close();
});

const entries = (events: Sse[]) => events.filter((e) => e.event === 'entry').map((e) => e.data as { seq: number; direction: string; msgType?: string; orderId?: string; responseCode?: string });

describe('GET /control/events', () => {
  it('streams each journal entry as it is added, with its seq as the event id', async () => {
    const s = openStream(`${own.sandbox.localUrls.ucsp}/control/events`);
    await s.connected;
    expect(s.status).toBe(200);
    expect(s.contentType).toMatch(/^text\/event-stream/);
    const orderId = own.orderId();
    const { code } = await own.wire('SUBMIT_PAYMENT_ORDER', { orderId, merId: own.config.partner.merId, acqIIN: own.config.partner.acqIIN, txnAmt: '1234', currencyCode: '344', txnTime: formatUcspTime(Date.now(), own.config.zone), userId: 'user-001', backUrl: 'http://127.0.0.1:9/notify' });
    expect(code).toBe('00');
    const got = entries(await s.until((ev) => entries(ev).length >= 2));
    expect(got[0]).toMatchObject({ direction: 'in', msgType: 'SUBMIT_PAYMENT_ORDER', orderId });
    expect(got[1]).toMatchObject({ direction: 'out', responseCode: code });
    expect(s.events.filter((e) => e.event === 'entry').map((e) => Number(e.id))).toEqual(got.map((e) => e.seq));
  });

  it('replays the kept entries after ?since or Last-Event-ID, then filters by orderId', async () => {
    const a = own.orderId('A');
    const b = own.orderId('B');
    await own.wire('PAYMENT_RESULT_INQUIRY', { orderId: a, merId: own.config.partner.merId });
    await own.wire('PAYMENT_RESULT_INQUIRY', { orderId: b, merId: own.config.partner.merId });
    const all = openStream(`${own.sandbox.localUrls.ucsp}/control/events?since=0`);
    expect(entries(await all.until((ev) => entries(ev).length >= 4)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const resumed = openStream(`${own.sandbox.localUrls.ucsp}/control/events`, { 'last-event-id': '2' });
    expect(entries(await resumed.until((ev) => entries(ev).length >= 2)).map((e) => e.seq)).toEqual([3, 4]);
    const onlyB = openStream(`${own.sandbox.localUrls.ucsp}/control/events?since=0&orderId=${b}`);
    await onlyB.until((ev) => entries(ev).length >= 1);
    const c = own.orderId('C');
    await own.wire('PAYMENT_RESULT_INQUIRY', { orderId: c, merId: own.config.partner.merId });
    await own.wire('PAYMENT_RESULT_INQUIRY', { orderId: b, merId: own.config.partner.merId });
    const seen = entries(await onlyB.until((ev) => entries(ev).length >= 3));
    expect(seen.every((e) => e.orderId === b || e.direction === 'out')).toBe(true);
    expect(seen.some((e) => e.orderId === c)).toBe(false);
  });

  it('says reset when the sandbox is reset, and end when it closes (closing is not held up)', async () => {
    const s = openStream(`${own.sandbox.localUrls.ucsp}/control/events`);
    await s.connected;
    const res = await fetch(`${own.sandbox.localUrls.ucsp}/control/reset`, { method: 'POST' });
    expect(res.status).toBe(204);
    await s.until((ev) => ev.some((e) => e.event === 'reset'));
    expect(own.sandbox.runtime.journal.subscriberCount).toBe(1);
    await own.sandbox.close();
    await s.until((ev) => ev.some((e) => e.event === 'end'));
    await s.until(() => s.ended);
    expect(own.sandbox.runtime.journal.subscriberCount).toBe(0);
  });

  it('refuses a bad since or channel with 400 and a reason', async () => {
    for (const q of ['since=-1', 'since=abc', 'channel=bogus']) {
      const res = await fetch(`${own.sandbox.localUrls.ucsp}/control/events?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/since|channel/);
    }
    expect(own.sandbox.runtime.journal.subscriberCount).toBe(0);
  });

  it('GET /control/journal checks its filters the same way: an unknown channel is 400, not an empty list', async () => {
    for (const q of ['since=-1', 'channel=bogus', 'limit=0', 'waitMs=-5']) {
      const res = await fetch(`${own.sandbox.localUrls.ucsp}/control/journal?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/since|channel|limit|waitMs/);
    }
    expect((await fetch(`${own.sandbox.localUrls.ucsp}/control/journal?channel=api&since=0`)).status).toBe(200);
  });

  it('forgets a reader that goes away', async () => {
    const ac = new AbortController();
    const res = await fetch(`${own.sandbox.localUrls.ucsp}/control/events`, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(own.sandbox.runtime.journal.subscriberCount).toBe(1);
    const gone = new Promise<void>((resolve) => {
      const check = (): void => void (own.sandbox.runtime.journal.subscriberCount === 0 ? resolve() : own.sandbox.runtime.journal.next().then(check));
      check();
    });
    ac.abort();
    // the next entry finds the reader gone at the latest
    await own.wire('PAYMENT_RESULT_INQUIRY', { orderId: own.orderId(), merId: own.config.partner.merId });
    await gone;
    expect(own.sandbox.runtime.journal.subscriberCount).toBe(0);
  });
});
