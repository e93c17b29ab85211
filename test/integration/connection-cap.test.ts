/**
 * Issue 10 row 7, scaled down: 22,000 idle reconnecting connections exhausted 20,000 file
 * descriptors (20 s of outage). Each server now holds at most maxConnections (here 2); past it new
 * connections are refused, said in one log line, and taken again once some close.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownSandbox, type OwnSandbox } from '../support/own-sandbox.js';

let own: OwnSandbox;
beforeAll(async () => {
  own = await ownSandbox({ maxConnections: 2 });
});
afterAll(() => own.close());

/** A connection that has had one answer from the server (so the server holds it), kept open. */
function heldConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(`GET /issuer/cards HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    s.once('data', () => resolve(s));
    s.once('error', reject);
    s.once('close', () => reject(new Error('closed before an answer')));
  });
}

/** A connection attempt past the cap: the server closes it without an answer. Resolves to what came back. */
function refusedConnection(port: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => s.write(`GET /issuer/cards HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

describe('connection cap', () => {
  it('past maxConnections new connections are refused, said once; once one closes, connections are taken again', async () => {
    const port = Number(new URL(own.sandbox.localUrls.issuer).port);
    const held = [await heldConnection(port), await heldConnection(port)];
    const answers = await Promise.all(Array.from({ length: 5 }, () => refusedConnection(port)));
    expect(answers).toEqual(['', '', '', '', '']);
    const capLines = own.logs.filter((l) => l.includes('connection cap'));
    expect(capLines).toEqual(['ucsp-sandbox: the issuer server reached its connection cap (maxConnections 2): new connections are refused until some close']);
    // the other servers have their own caps, untouched
    expect((await fetch(`${own.sandbox.localUrls.ucsp}/control/status`)).status).toBe(200);

    held[0]!.destroy();
    // the server learns of the close by an event of its own: try until a connection is taken
    let again: Socket | undefined;
    for (let i = 0; i < 200 && !again; i++) again = await heldConnection(port).catch(() => undefined);
    expect(again).toBeDefined();
    expect(own.logs.filter((l) => l.includes('connection cap'))).toHaveLength(1);
    expect(own.logs.some((l) => /^ucsp-sandbox: the issuer server takes connections again \([0-9]+ refused while at its cap of 2\)$/.test(l))).toBe(true);
    again!.destroy();
    held[1]!.destroy();
  });
});
