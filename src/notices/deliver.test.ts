/**
 * One delivery attempt judges the partner's answer (PROFILE §6.3): only a well-formed, signed 00
 * that echoes msgInfo is a delivery; a malformed answer is a failed attempt with the reason.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { TrustStore, certInfoFromPem, generateTestKeys, signMessage, type SignerCredentials } from '../crypto/index.js';
import { deliver } from './deliver.js';

let server: Server;
let url: string;
let answer: (notice: { msgInfo: Record<string, string> }) => string = () => '';
let partner: SignerCredentials;
let ucsp: SignerCredentials;

beforeAll(async () => {
  const k = generateTestKeys();
  partner = { privateKey: createPrivateKey(k.partner.keyPem), certificate: certInfoFromPem(k.partner.certPem) };
  ucsp = { privateKey: createPrivateKey(k.ucsp.keyPem), certificate: certInfoFromPem(k.ucsp.certPem) };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as never)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const notice = () =>
  signMessage(
    {
      msgInfo: { versionNo: '1.0.0', msgID: 'U1234567820261125173000000001', timeStamp: '20261125173000', msgType: 'PAYMENT_RESULT_NOTICE', insID: '12345678' },
      trxInfo: { orderId: 'ORD00000001', merId: '123456789012345', txnType: 'PAY', txnAmt: '1234', currencyCode: '344', txnTime: '20261125172900', queryId: 'Q20261125173000000001', tn: '202611251729000000001' },
      msgResponse: { responseCode: '00', responseMsg: 'Approved' },
    },
    ucsp,
  );
const send = () => deliver(url, notice(), { trust: new TrustStore([partner.certificate]), variant: 'SHA256withRSA', timeoutMs: 5_000 });
const signed = (m: object) => signMessage(m, partner);

describe('deliver: the partner’s answer to a notice', () => {
  it('a signed 00 with msgInfo echoed and trxInfo is a delivery', async () => {
    answer = (n) => signed({ msgInfo: n.msgInfo, trxInfo: { orderId: 'ORD00000001' }, msgResponse: { responseCode: '00', responseMsg: 'Approved' } });
    expect(await send()).toMatchObject({ ok: true, responseCode: '00' });
  });
  it('a signed 00 without trxInfo is malformed: a failed attempt, the reason recorded', async () => {
    answer = (n) => signed({ msgInfo: n.msgInfo, msgResponse: { responseCode: '00', responseMsg: 'Approved' } });
    const r = await send();
    expect(r).toMatchObject({ ok: false, responseCode: '00', httpStatus: 200 });
    expect(r.problem).toBe('answer is malformed: trxInfo: is required [required]');
  });
  it('a code a notice answer may not carry (05) is malformed', async () => {
    answer = (n) => signed({ msgInfo: n.msgInfo, trxInfo: {}, msgResponse: { responseCode: '05', responseMsg: 'later' } });
    const r = await send();
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/^answer is malformed: msgResponse\.responseCode/);
  });
  it('a responseMsg missing is malformed', async () => {
    answer = (n) => signed({ msgInfo: n.msgInfo, trxInfo: {}, msgResponse: { responseCode: '00' } });
    expect((await send()).problem).toMatch(/^answer is malformed: msgResponse\.responseMsg/);
  });
  it('a well-formed 34 is a verdict, not malformed', async () => {
    answer = (n) => signed({ msgInfo: n.msgInfo, trxInfo: { orderId: 'ORD00000001' }, msgResponse: { responseCode: '34', responseMsg: 'unknown order' } });
    expect(await send()).toMatchObject({ ok: false, responseCode: '34', problem: 'answered 34' });
  });
});

describe('deliver: the answer is read as a stream, over node:http', () => {
  /** A backUrl answering `total` bytes, written as the reader takes them (backpressure), with or without Content-Length. */
  async function hugeAnswerer(total: number, declare: boolean) {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const ended = { closedEarly: false };
    const s = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(total) } : {}) });
        res.on('close', () => {
          if (written < total) ended.closedEarly = true;
        });
        const pump = () => {
          while (written < total) {
            const n = Math.min(chunk.length, total - written);
            written += n;
            if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/notify`,
      get written() {
        return written;
      },
      ended,
      close: () => new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
    };
  }
  const trust = () => new TrustStore([partner.certificate]);

  it('a 1 GB answer without Content-Length is abandoned at the 64 KB limit: a failed attempt, little memory, the rest never sent', async () => {
    const GB = 1024 ** 3;
    const big = await hugeAnswerer(GB, false);
    try {
      const before = process.memoryUsage();
      const r = await deliver(big.url, notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 30_000 });
      const after = process.memoryUsage();
      expect(r.ok).toBe(false);
      expect(r.httpStatus).toBe(200);
      expect(r.problem).toBe('the answer is longer than 65536 bytes; UCSP stopped reading it there');
      expect(r.answerText!.length).toBeLessThanOrEqual(65536);
      // what the partner could push before the connection closed is bounded by socket buffers, not by the answer
      expect(big.written).toBeLessThan(64 * 1024 ** 2);
      expect(after.rss - before.rss).toBeLessThan(50 * 1024 ** 2);
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(50 * 1024 ** 2);
    } finally {
      await big.close();
    }
  });

  it('an answer declaring more than 64 KB (Content-Length) is abandoned before it is read', async () => {
    const big = await hugeAnswerer(1024 ** 3, true);
    try {
      const r = await deliver(big.url, notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 30_000 });
      expect(r).toMatchObject({ ok: false, httpStatus: 200 });
      expect(r.problem).toBe('the answer declares 1073741824 bytes (Content-Length), over the 65536-byte limit; UCSP did not read it');
      expect(big.written).toBeLessThan(64 * 1024 ** 2);
    } finally {
      await big.close();
    }
  });

  it('an answer of exactly 64 KB is read whole (and judged: not a message)', async () => {
    const big = await hugeAnswerer(65536, false);
    try {
      const r = await deliver(big.url, notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 30_000 });
      expect(r.answerText).toHaveLength(65536);
      expect(r.problem).toMatch(/^answer is not a message/);
    } finally {
      await big.close();
    }
  });

  it('no answer within timeoutMs is a failed attempt saying so; an unreachable backUrl says why', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    try {
      const r = await deliver(`http://127.0.0.1:${port}/n`, notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 200 });
      expect(r).toMatchObject({ ok: false, problem: 'no answer within 200 ms' });
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((r) => hang.close(() => r()));
    }
    const gone = await deliver(`http://127.0.0.1:${port}/n`, notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 2000 });
    expect(gone.problem).toMatch(new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}/n: connect ECONNREFUSED`));
    const ftp = await deliver('ftp://127.0.0.1/n', notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 2000 });
    expect(ftp.problem).toBe('cannot reach ftp://127.0.0.1/n: ftp: is not http: or https:');
  });

  it('ports that fetch refuses (6000, 6666, 10080) are reached like any other', async (ctx) => {
    let reached = 0;
    for (const port of [6000, 6666, 10080]) {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const n = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { msgInfo: Record<string, string> };
          res.writeHead(200, { 'content-type': 'application/json' }).end(signed({ msgInfo: n.msgInfo, trxInfo: { orderId: 'ORD00000001' }, msgResponse: { responseCode: '00', responseMsg: 'Approved' } }));
        });
      });
      const listening = await new Promise<boolean>((r) => {
        s.once('error', () => r(false));
        s.listen(port, '127.0.0.1', () => r(true));
      });
      if (!listening) continue; // taken on this machine: the others prove the point
      try {
        const r = await deliver(`http://127.0.0.1:${port}/notify`, notice(), { trust: trust(), variant: 'SHA256withRSA', timeoutMs: 5000 });
        expect(r, `port ${port}`).toMatchObject({ ok: true, responseCode: '00' });
        reached++;
      } finally {
        await new Promise<void>((r) => s.close(() => r()));
      }
    }
    if (!reached) ctx.skip();
  });
});
