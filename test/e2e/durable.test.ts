/**
 * Durable state (`--data DIR`): the sandbox is killed with SIGKILL in the middle of a notice's
 * retry schedule, during a pending auto-debit, and while an unpaid order waits for its expiry,
 * then restarted on the same folder.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigner, signMessage, type SignerCredentials } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { runCli } from '../support/cli.js';
import { startMiniPartner, type MiniPartner } from '../support/mini-partner.js';
import { control, spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let partner: SignerCredentials;
let backend: MiniPartner;
let seq = 0;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('ucsp-durable-'));
  const keys = join(dir, '.ucsp-sandbox', 'keys');
  expect((await runCli(['keys', 'init', '--out', keys])).code).toBe(0);
  partner = await loadSigner(join(keys, 'partner.key.pem'), join(keys, 'partner.cert.pem'));
  backend = await startMiniPartner(partner);
});
const spawned: SpawnedSandbox[] = [];
afterAll(async () => {
  // a failed assertion must not leave a sandbox behind
  for (const sb of spawned) if (sb.child.exitCode === null && sb.child.signalCode === null) await sb.stop('SIGKILL');
  await backend.close();
  await cleanup();
});

const start = async (data: string) => {
  const sb = await spawnSandbox(['--time-scale', '0', '--data', data], { cwd: dir });
  spawned.push(sb);
  return sb;
};

async function send(sb: SpawnedSandbox, msgType: string, trxInfo: Record<string, string>) {
  const ts = formatUcspTime(Date.now());
  const text = signMessage({ msgInfo: { versionNo: '1.0.0', msgID: `P12345678${ts}${String(++seq).padStart(6, '0')}`, timeStamp: ts, msgType, insID: '12345678' }, trxInfo }, partner);
  const res = await fetch(sb.ready.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  return JSON.parse(await res.text()) as { msgResponse: { responseCode: string }; trxInfo: Record<string, string> };
}

type Notice = { id: string; status: string; firstAttemptAt: number; attempts: { at: number; httpStatus?: number; ok: boolean }[] };

describe('durable state', () => {
  it('SIGKILL in the middle of a notice retry schedule: after a restart the notice is delivered and nothing is lost', async () => {
    const data = join(dir, 'data-1');
    backend.failing = true;
    let sb = await start(data);
    const orderId = `ORDDUR${Date.now()}`;
    const ts = formatUcspTime(Date.now());
    const a = await send(sb, 'SUBMIT_PAYMENT_ORDER', { orderId, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344', txnTime: ts, userId: 'user-001', backUrl: backend.url });
    expect(a.msgResponse.responseCode).toBe('00');
    expect((await control(sb.ready.ucsp, '/pay', { orderId })).status).toBe(200);
    await control(sb.ready.ucsp, '/clock/advance', { ms: 15_000 });
    const before = (await control<Notice[]>(sb.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
    expect(before.status).toBe('PENDING');
    expect(before.attempts.map((x) => x.httpStatus)).toEqual([500, 500]);
    const journalBefore = (await control<{ entries: { seq: number }[] }>(sb.ready.ucsp, '/journal')).json.entries.map((e) => e.seq);
    const { paymentUrl: urlBefore, ...orderBefore } = (await control<{ status: string; paymentUrl: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json;

    expect(await sb.stop('SIGKILL')).toBe(null);

    backend.failing = false;
    sb = await start(data);
    try {
      const { paymentUrl: urlAfter, ...orderAfter } = (await control<{ status: string; paymentUrl: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json;
      expect(orderAfter).toEqual(orderBefore);
      // the restarted sandbox has other ports; the cashier's key is the same (derived from UCSP's key)
      expect(new URL(urlAfter).pathname).toBe(new URL(urlBefore).pathname);
      const journalAfter = (await control<{ entries: { seq: number }[] }>(sb.ready.ucsp, '/journal')).json.entries.map((e) => e.seq);
      expect(journalAfter.slice(0, journalBefore.length)).toEqual(journalBefore);
      const resumed = (await control<Notice[]>(sb.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
      expect(resumed.attempts.length).toBe(2);
      // the third attempt is due 30 s after the first: 15 s more on the restored clock
      await control(sb.ready.ucsp, '/clock/advance', { ms: 15_000 });
      const after = (await control<Notice[]>(sb.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
      expect(after.status).toBe('DELIVERED');
      expect(after.attempts.map((x) => x.httpStatus)).toEqual([500, 500, 200]);
      expect(after.attempts.map((x) => x.at - after.firstAttemptAt)).toEqual([0, 15_000, 30_000]);
      expect(backend.received.filter((r) => r.orderId === orderId).length).toBe(3);
    } finally {
      await sb.stop();
    }
  });

  it('a restart during a pending auto-debit resumes the issuer inquiries', async () => {
    const data = join(dir, 'data-2');
    backend.failing = false;
    let sb = await start(data);
    const signOrder = `SGNDUR${Date.now()}`;
    expect((await send(sb, 'SIGN_AUTO_DEBIT', { orderId: signOrder, merId: '123456789012345', userId: 'user-002', frontUrl: 'http://127.0.0.1:9/b', backUrl: backend.url })).msgResponse.responseCode).toBe('00');
    const { json: signed } = await control<{ contractId: string }>(sb.ready.ucsp, '/sign', { orderId: signOrder, decision: 'agree' });
    const orderId = `DBTDUR${Date.now()}`;
    const d = await send(sb, 'SUBMIT_AUTO_DEBIT', {
      orderId,
      contractId: signed.contractId,
      merId: '123456789012345',
      acqIIN: '00010344',
      txnAmt: '9904', // silent issuer: final at +5 s, found only by inquiry
      currencyCode: '344',
      txnTime: formatUcspTime(Date.now()),
      backUrl: backend.url,
    });
    expect(d.msgResponse.responseCode).toBe('05');
    await control(sb.ready.ucsp, '/clock/advance', { ms: 2_000 });
    const inquiriesBefore = (await control<{ entries: { direction: string }[] }>(sb.ready.ucsp, `/journal?orderId=${orderId}&channel=issuer`)).json.entries.filter((e) => e.direction === 'out').length;
    expect(inquiriesBefore).toBe(2); // +0, 1 s (the next at +3 s: waits of 0, 1, 2, 4… s)
    expect((await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('PROCESSING');

    expect(await sb.stop('SIGKILL')).toBe(null);
    sb = await start(data);
    try {
      expect((await control<{ status: string }>(sb.ready.ucsp, '/contracts')).json).toEqual([expect.objectContaining({ contractId: signed.contractId, status: 'ACTIVE' })]);
      await control(sb.ready.ucsp, '/clock/advance', { ms: 6_000 });
      const j = (await control<{ entries: { direction: string; raw: string }[] }>(sb.ready.ucsp, `/journal?orderId=${orderId}&channel=issuer`)).json.entries;
      const offsets = j.filter((e) => e.direction === 'out').map((e) => (JSON.parse(e.raw) as { offsetMs: number }).offsetMs);
      expect(offsets).toEqual([0, 1000, 3000, 7000]);
      expect((await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('APPROVED');
      const notices = (await control<Notice[]>(sb.ready.ucsp, `/notices?orderId=${orderId}`)).json;
      expect(notices[0]!.status).toBe('DELIVERED');
    } finally {
      await sb.stop();
    }
  });

  it('an unpaid order keeps its expiry across a restart: it fails at +900 s and the partner gets 01', async () => {
    const data = join(dir, 'data-3');
    backend.failing = false;
    let sb = await start(data);
    const orderId = `ORDEXP${Date.now()}`;
    const a = await send(sb, 'SUBMIT_PAYMENT_ORDER', { orderId, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344', txnTime: formatUcspTime(Date.now()), userId: 'user-001', backUrl: backend.url });
    expect(a.msgResponse.responseCode).toBe('00');
    await control(sb.ready.ucsp, '/clock/advance', { ms: 600_000 });
    expect((await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('AWAITING_USER');

    expect(await sb.stop('SIGKILL')).toBe(null);
    sb = await start(data);
    try {
      await control(sb.ready.ucsp, '/clock/advance', { ms: 299_000 });
      expect((await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('AWAITING_USER');
      await control(sb.ready.ucsp, '/clock/advance', { ms: 1_000 });
      expect((await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('DECLINED');
      const notices = (await control<Notice[]>(sb.ready.ucsp, `/notices?orderId=${orderId}`)).json;
      expect(notices.map((n) => n.status)).toEqual(['DELIVERED']);
      expect(backend.received.filter((r) => r.orderId === orderId)).toEqual([expect.objectContaining({ msgType: 'PAYMENT_RESULT_NOTICE', code: '01' })]);
    } finally {
      await sb.stop();
    }
  });
});
