/**
 * Issue 10 rows 1 and 6, reproduced over HTTP on loopback: unsigned hostile bodies sent to the wire
 * API (any web page can send them: it takes text/plain) must not make the journal view slow or fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNREADABLE_KEPT_CHARS } from '../../src/journal/journal.js';
import { ownSandbox, type OwnSandbox } from '../support/own-sandbox.js';

let own: OwnSandbox;
beforeAll(async () => {
  own = await ownSandbox();
});
afterAll(() => own.close());

const post = async (body: string) => {
  const res = await fetch(`${own.sandbox.urls.ucsp}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  return { status: res.status, json: (await res.json()) as { msgResponse: { responseCode: string } } };
};

interface View {
  entries: { direction: string; raw: string; note?: string; parsed?: unknown }[];
}

describe('hostile bodies in the journal', () => {
  it('20 bodies of 64 KB of \\" and 5,000 nested arrays: answered 10, journalled truncated, the journal view answers fast', async () => {
    const quotes = '\\"'.repeat(32 * 1024);
    expect(quotes).toHaveLength(64 * 1024);
    for (let i = 0; i < 20; i++) {
      const a = await post(quotes);
      expect(a.status).toBe(200);
      expect(a.json.msgResponse.responseCode).toBe('10');
    }
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect((await post(deep)).json.msgResponse.responseCode).toBe('10');

    const times: number[] = [];
    let view: View | undefined;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await fetch(`${own.sandbox.urls.ucsp}/control/journal?channel=api`);
      expect(res.status).toBe(200);
      view = (await res.json()) as View;
      times.push(performance.now() - started);
    }
    const requests = view!.entries.filter((e) => e.direction === 'in');
    expect(requests).toHaveLength(21);
    for (const e of requests.slice(0, 20)) {
      expect(e.raw).toBe(quotes.slice(0, UNREADABLE_KEPT_CHARS));
      expect(e.note).toBe(`unreadable body: journalled truncated, its first ${UNREADABLE_KEPT_CHARS} characters of 65536 bytes`);
    }
    expect(requests[20]!.raw).toHaveLength(UNREADABLE_KEPT_CHARS);
    expect(requests[20]!.parsed).toBeUndefined();
    // done-when of issue 10: under 50 ms (it took 33 s); the best of five, as the machine may be busy
    expect(Math.min(...times)).toBeLessThan(50);
  });

  it('a readable but hostile body (valid JSON, 60 KB of escaped quotes in a value) is kept whole and viewed fast', async () => {
    const body = `{"msgInfo":{},"x":"${'\\"'.repeat(30 * 1024)}"}`;
    expect((await post(body)).json.msgResponse.responseCode).toBe('11'); // unsigned
    const started = performance.now();
    const res = await fetch(`${own.sandbox.urls.ucsp}/control/journal?channel=api&limit=2`);
    const view = (await res.json()) as View;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(view.entries[0]!.raw).toBe(body);
    expect(view.entries[0]!.parsed).toEqual(JSON.parse(body));
  });
});
