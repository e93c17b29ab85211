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
