import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HeldListener } from './held-listener.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(h: HeldListener): Promise<string> {
  server = createServer(h.listener);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Resolves once the held listener holds n requests (settled on the event, never on time). */
async function untilHeld(h: HeldListener, n: number): Promise<void> {
  while (h.held < n) await new Promise((r) => setImmediate(r));
}

describe('HeldListener', () => {
  it('holds requests (with their bodies) until the listener is set, then hands them over in arrival order', async () => {
    const h = new HeldListener();
    const url = await serve(h);
    const answers = [1, 2, 3].map((i) => fetch(`${url}/n${i}`, { method: 'POST', body: `body ${i}` }).then((r) => r.text()));
    await untilHeld(h, 3);
    const order: string[] = [];
    h.set((req, res) => {
      order.push(req.url!);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(`${req.url} got ${body}`));
    });
    expect(await Promise.all(answers)).toEqual(['/n1 got body 1', '/n2 got body 2', '/n3 got body 3']);
    expect(order.sort()).toEqual(['/n1', '/n2', '/n3']);
    // and later requests go straight to it
    expect(await (await fetch(`${url}/later`, { method: 'POST', body: 'x' })).text()).toBe('/later got x');
    expect(h.held).toBe(0);
  });

  it('answers 503 with the reason to waiting and later requests when the listener cannot be made', async () => {
    const h = new HeldListener();
    const url = await serve(h);
    const early = fetch(`${url}/page`);
    await untilHeld(h, 1);
    h.fail('Cannot find package express');
    for (const res of [await early, await fetch(`${url}/other`)]) {
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('Cannot find package express');
    }
  });
});
