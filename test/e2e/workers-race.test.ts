/**
 * `--workers N` answers exactly as one thread does (issue 10, row 4): the msgID is taken before the
 * answer is signed in a worker, so requests racing with it are judged against it — other content
 * under the same msgID is 11, the same bytes get the very same answer. The invariant holds however
 * the requests interleave, so the test holds too.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigner, signMessage, type SignerCredentials } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { runCli } from '../support/cli.js';
import { control, spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let sb: SpawnedSandbox;
let partner: SignerCredentials;
let seq = 0;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const keys = join(dir, '.ucsp-sandbox', 'keys');
  expect((await runCli(['keys', 'init', '--out', keys], { cwd: dir })).code).toBe(0);
  partner = await loadSigner(join(keys, 'partner.key.pem'), join(keys, 'partner.cert.pem'));
});
afterAll(async () => {
  await cleanup();
});

const message = (msgType: string, trxInfo: Record<string, string>, msgID?: string) => {
  const ts = formatUcspTime(Date.now());
  return signMessage({ msgInfo: { versionNo: '1.0.0', msgID: msgID ?? `P12345678${ts}${String(++seq).padStart(6, '0')}`, timeStamp: ts, msgType, insID: '12345678' }, trxInfo }, partner);
};
const post = async (body: string) => (await fetch(sb.ready.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
/**
 * Sends every body at the same instant, each on a connection of its own opened beforehand, so that
 * the sandbox reads them together — while the first answer is still being signed in a worker.
 */
async function together(bodies: string[]): Promise<string[]> {
  const { hostname, port, pathname } = new URL(sb.ready.api);
  const sockets = await Promise.all(bodies.map(() => new Promise<Socket>((resolve, reject) => {
    const s = connect(Number(port), hostname, () => resolve(s));
    s.on('error', reject);
  })));
  const answers = sockets.map((s) => new Promise<string>((resolve, reject) => {
    let raw = '';
    s.setEncoding('utf8').on('data', (d: string) => (raw += d));
    s.on('end', () => resolve(raw.slice(raw.indexOf('\r\n\r\n') + 4)));
    s.on('error', reject);
  }));
  sockets.forEach((s, i) => {
    const body = Buffer.from(bodies[i]!);
    s.write(`POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`);
    s.write(body);
  });
  return Promise.all(answers);
}

const code = (text: string) => (JSON.parse(text) as { msgResponse: { responseCode: string } }).msgResponse.responseCode;

/** A paid order (approved at once), and its queryId to refund. */
async function paidQueryId(): Promise<string> {
  const ts = formatUcspTime(Date.now());
  const orderId = `ORDRACE${Date.now()}${++seq}`;
  const a = await post(message('SUBMIT_PAYMENT_ORDER', { orderId, merId: '123456789012345', acqIIN: '00010344', txnAmt: '100000', currencyCode: '344', txnTime: ts, userId: 'user-001', backUrl: 'http://127.0.0.1:9/n' }));
  expect(code(a)).toBe('00');
  expect((await control(sb.ready.ucsp, '/pay', { orderId })).status).toBe(200);
  const o = await control<{ status: string; queryId: string }>(sb.ready.ucsp, `/orders/${orderId}`);
  expect(o.json.status).toBe('APPROVED');
  return o.json.queryId;
}

const refundTrx = (origQryId: string, i: number) => ({
  orderId: `RFDRACE${Date.now()}${i}X${++seq}`,
  origQryId,
  merId: '123456789012345',
  txnAmt: '100',
  currencyCode: '344',
  txnTime: formatUcspTime(Date.now()),
  backUrl: 'http://127.0.0.1:9/n',
});

// the same races with answers signed in worker threads and in the main thread (the default)
describe.each([
  ['--workers 2', ['--workers', '2']],
  ['the main thread (default)', []],
])('signed by %s: the msgID is taken before the answer is signed', (_name, flags) => {
  beforeAll(async () => {
    sb = await spawnSandbox([...flags, '--time-scale', '0'], { cwd: dir });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('10 simultaneous refunds sharing one msgID: one 00, nine 11', async () => {
    const origQryId = await paidQueryId();
    const ts = formatUcspTime(Date.now());
    const msgID = `P12345678${ts}${String(++seq).padStart(6, '0')}`;
    const bodies = Array.from({ length: 10 }, (_, i) => message('PAYMENT_REFUND', refundTrx(origQryId, i), msgID));
    const codes = (await together(bodies)).map(code);
    expect(codes.filter((c) => c === '00')).toHaveLength(1);
    expect(codes.filter((c) => c === '11')).toHaveLength(9);
    const orders = await control<{ kind: string; origQryId?: string }[] | { items: { kind: string; origQryId?: string }[] }>(sb.ready.ucsp, '/orders?limit=1000');
    const list = Array.isArray(orders.json) ? orders.json : orders.json.items;
    expect(list.filter((o) => o.kind === 'REFUND' && o.origQryId === origQryId)).toHaveLength(1);
  });

  it('20 identical copies of a refund: twenty identical answers', async () => {
    const origQryId = await paidQueryId();
    const body = message('PAYMENT_REFUND', refundTrx(origQryId, 0));
    const answers = await together(Array.from({ length: 20 }, () => body));
    expect(new Set(answers).size).toBe(1);
    expect(code(answers[0]!)).toBe('00');
    // processed once: the nineteen others got the first answer as a byte-for-byte repeat
    const msgID = (JSON.parse(body) as { msgInfo: { msgID: string } }).msgInfo.msgID;
    const j = await control<{ entries: { msgID?: string; direction: string; note?: string }[] }>(sb.ready.ucsp, '/journal?msgType=PAYMENT_REFUND');
    const outs = j.json.entries.filter((e) => e.msgID === msgID && e.direction === 'out');
    expect(outs).toHaveLength(20);
    expect(outs.filter((e) => e.note === 'byte-for-byte repeat: the first answer again')).toHaveLength(19);
  });
});
