/**
 * The real CLI on PostgreSQL (`--store`): health and readiness, a database that cannot be reached
 * at start (exit 2) or is lost while running (99 / 503, then recovery), and two instances on one
 * database, one killed with SIGKILL while notices wait in their retry schedule — or in the middle
 * of an attempt, whose lease then runs out and the other repeats it (counted, noted) — or while an
 * issuer watch is mid-schedule, or an unpaid order waits for its deadline: the other makes the rest.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigner, signMessage, type SignerCredentials } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { runCli } from '../support/cli.js';
import { startGatedPartner } from '../support/gated-partner.js';
import { startMiniPartner, type MiniPartner } from '../support/mini-partner.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/pg.js';
import { control, spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

const skip = postgresSkipReason();
let dir: string;
let cleanup: () => Promise<void>;
let partner: SignerCredentials;
let backend: MiniPartner;
let db: TestDatabase;
let seq = 0;
const spawned: SpawnedSandbox[] = [];

type Notice = { id: string; status: string; firstAttemptAt: number; attempts: { at: number; httpStatus?: number; ok: boolean }[] };

const start = async (extra: string[] = []) => {
  const sb = await spawnSandbox(['--time-scale', '0', '--store', db.url, ...extra], { cwd: dir });
  spawned.push(sb);
  return sb;
};

async function send(sb: SpawnedSandbox, msgType: string, trxInfo: Record<string, string>) {
  const ts = formatUcspTime(Date.now());
  const text = signMessage({ msgInfo: { versionNo: '1.0.0', msgID: `P12345678${ts}${String(++seq).padStart(6, '0')}`, timeStamp: ts, msgType, insID: '12345678' }, trxInfo }, partner);
  // a failure says what the sandbox said (a CI run once saw its connection closed mid-request)
  const res = await fetch(sb.ready.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text }).catch((e: unknown) => {
    throw new Error(`POST ${sb.ready.api} failed (${String((e as Error).cause ?? e)}); the sandbox ${sb.child.exitCode === null ? 'is running' : `exited ${sb.child.exitCode}`}, its stderr:\n${sb.stderr().slice(-3000)}`, { cause: e });
  });
  return JSON.parse(await res.text()) as { msgResponse: { responseCode: string; responseMsg: string }; trxInfo: Record<string, string> };
}

const order = (orderId: string, backUrl = backend.url) => ({ orderId, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344', txnTime: formatUcspTime(Date.now()), userId: 'user-001', backUrl });

describe.skipIf(skip !== undefined)('the sandbox on PostgreSQL (real CLI)', () => {
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ucsp-pg-'));
    const keys = join(dir, '.ucsp-sandbox', 'keys');
    expect((await runCli(['keys', 'init', '--out', keys])).code).toBe(0);
    partner = await loadSigner(join(keys, 'partner.key.pem'), join(keys, 'partner.cert.pem'));
    backend = await startMiniPartner(partner);
    db = await createTestDatabase('ucsp_e2e');
  });
  afterAll(async () => {
    for (const sb of spawned) if (sb.child.exitCode === null && sb.child.signalCode === null) await sb.stop('SIGKILL');
    await backend?.close();
    await db?.drop();
    await cleanup?.();
  });

  /** A frontend order taken by `sb` and paid with the card the issuer stays silent about: pending, watched. */
  async function payPendingOn(sb: SpawnedSandbox, orderId: string): Promise<void> {
    expect((await send(sb, 'SUBMIT_PAYMENT_ORDER', order(orderId))).msgResponse.responseCode).toBe('00');
    const silent = (await control<{ cards: { pan: string; behaviour: string }[] }>(sb.ready.ucsp, '/issuer/cards')).json.cards.find((c) => c.behaviour === 'silent')!.pan;
    expect((await control<{ behaviour: string }>(sb.ready.ucsp, '/pay', { orderId, card: silent })).json.behaviour).toBe('silent');
  }

  it('a database that cannot be reached at start: exit 2, saying which (without its password)', async () => {
    const r = await runCli(['start', '--port', '0', '--store', 'postgres://someone:secret@127.0.0.1:1/nothing'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot use the database postgres://someone:***@127.0.0.1:1/nothing');
    expect(r.stderr).not.toContain('secret');
    const bad = await runCli(['start', '--port', '0', '--store', 'mysql://x@y/z'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be a PostgreSQL URL');
  });

  it('/healthz and /readyz answer without the control token; the database lost while running is 99 and 503, then it recovers', async () => {
    const sb = await start();
    expect((await fetch(`${sb.ready.ucsp}/healthz`)).status).toBe(200);
    const ready = await fetch(`${sb.ready.ucsp}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'postgres' });
    expect((await send(sb, 'SUBMIT_PAYMENT_ORDER', order(`ORDPGA${Date.now()}`))).msgResponse.responseCode).toBe('00');

    // the database goes away: no new connection, the open ones cut (and it comes back whatever
    // happens here, so that a failure stays this test's and not every later one's)
    await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    try {
      await db.admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
      const lost = await send(sb, 'SUBMIT_PAYMENT_ORDER', order(`ORDPGB${Date.now()}`));
      expect(lost.msgResponse.responseCode).toBe('99');
      expect(lost.msgResponse.responseMsg).toContain('database');
      expect((await control(sb.ready.ucsp, '/status')).status).toBe(503);
      expect((await fetch(`${sb.ready.ucsp}/readyz`)).status).toBe(503);
      expect((await fetch(`${sb.ready.ucsp}/healthz`)).status).toBe(200);
    } finally {
      await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    }
    const back = await send(sb, 'SUBMIT_PAYMENT_ORDER', order(`ORDPGC${Date.now()}`));
    expect(back.msgResponse.responseCode).toBe('00');
    expect((await fetch(`${sb.ready.ucsp}/readyz`)).status).toBe(200);
    expect(sb.child.exitCode).toBe(null);
    expect(sb.stderr()).toContain('can be written again');
    expect(await sb.stop()).toBe(130);
  });

  it('SIGKILL of one instance while a notice waits in its retry schedule: the other delivers it at its place; 0 lost, repeats reported', async () => {
    const a = await start();
    const b = await start();
    backend.failing = true;
    const orderId = `ORDPGK${Date.now()}`;
    expect((await send(a, 'SUBMIT_PAYMENT_ORDER', order(orderId))).msgResponse.responseCode).toBe('00');
    expect((await control(a.ready.ucsp, '/pay', { orderId })).status).toBe(200);
    await control(a.ready.ucsp, '/clock/advance', { ms: 15_000 });
    const before = (await control<Notice[]>(a.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
    expect(before.status).toBe('PENDING');
    expect(before.attempts.map((x) => x.httpStatus)).toEqual([500, 500]);
    // b made none of them: each attempt was claimed by one instance
    expect(backend.received.filter((r) => r.orderId === orderId)).toHaveLength(2);

    expect(await a.stop('SIGKILL')).toBe(null);
    backend.failing = false;

    // b knows the notice and the clock a left; the third attempt is due 30 s after the first
    const seen = (await control<Notice[]>(b.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
    expect(seen.attempts).toHaveLength(2);
    await control(b.ready.ucsp, '/clock/advance', { ms: 15_000 });
    await control(b.ready.ucsp, '/settle', {});
    const after = (await control<Notice[]>(b.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
    expect(after.status).toBe('DELIVERED');
    expect(after.attempts.map((x) => x.httpStatus)).toEqual([500, 500, 200]);
    expect(after.attempts.map((x) => x.at - after.firstAttemptAt)).toEqual([0, 15_000, 30_000]);
    // 0 lost, none twice
    expect(backend.received.filter((r) => r.orderId === orderId)).toHaveLength(3);
    const status = (await control<{ shared: { noticeJobs: { repeats: number; leased: number } } }>(b.ready.ucsp, '/status')).json;
    expect(status.shared.noticeJobs).toMatchObject({ repeats: 0, leased: 0 });
    // b's journal shows a's wire traffic for the order too
    const journal = (await control<{ entries: { direction: string; channel: string; orderId?: string }[] }>(b.ready.ucsp, `/journal?orderId=${orderId}`)).json.entries;
    expect(journal.filter((e) => e.channel === 'api' && e.direction === 'in')).toHaveLength(1);
    expect(await b.stop()).toBe(130);
  });

  it("SIGKILL of one instance while an issuer watch is mid-schedule: the other makes the remaining inquiries at their place, settles the order and delivers its notice; each inquiry made once", async () => {
    const a = await start();
    const b = await start();
    const orderId = `ORDPGW${Date.now()}`;
    // a card the issuer stays silent about: pending until UCSP's inquiries find it approved (+5 s),
    // at the inquiries of +0, 1, 3 and 7 s (PROFILE §6.8's waits 0, 1, 2, 4 s)
    await payPendingOn(a, orderId);
    await control(a.ready.ucsp, '/clock/advance', { ms: 1_000 });
    await control(a.ready.ucsp, '/settle', {});
    type Entry = { direction: string; channel: string; raw: string; note?: string };
    const inquiries = async (sb: SpawnedSandbox) =>
      (await control<{ entries: Entry[] }>(sb.ready.ucsp, `/journal?orderId=${orderId}&channel=issuer`)).json.entries.filter((e) => e.direction === 'out').map((e) => JSON.parse(e.raw) as { n: number; offsetMs: number });
    expect(await inquiries(a)).toEqual([
      { inquire: expect.any(String), n: 1, offsetMs: 0 },
      { inquire: expect.any(String), n: 2, offsetMs: 1_000 },
    ]);
    const stepsOf = async (sb: SpawnedSandbox) => (await control<{ shared: { stepJobs: { madeHere: number; skippedHere: number } } }>(sb.ready.ucsp, '/status')).json.shared.stepJobs;
    expect(await stepsOf(a)).toEqual({ madeHere: 2, skippedHere: 0 });
    const orderOf = async (sb: SpawnedSandbox) => (await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status;
    expect(await orderOf(a)).toBe('PROCESSING');

    expect(await a.stop('SIGKILL')).toBe(null);

    // b follows the watch a left (the transaction at its second inquiry) and goes on with the schedule
    expect(await orderOf(b)).toBe('PROCESSING');
    await control(b.ready.ucsp, '/clock/advance', { ms: 6_000 });
    await control(b.ready.ucsp, '/settle', {});
    const all = await inquiries(b);
    expect(all.map((q) => [q.n, q.offsetMs])).toEqual([
      [1, 0],
      [2, 1_000],
      [3, 3_000],
      [4, 7_000],
    ]);
    // the fourth found it approved: the order is settled and its notice delivered, once
    expect(await orderOf(b)).toBe('APPROVED');
    const notices = (await control<Notice[]>(b.ready.ucsp, `/notices?orderId=${orderId}`)).json;
    expect(notices.map((n) => n.status)).toEqual(['DELIVERED']);
    expect(backend.received.filter((r) => r.orderId === orderId)).toEqual([{ msgType: 'PAYMENT_RESULT_NOTICE', orderId, code: '00' }]);
    // counted: b made the two inquiries a did not (0 lost), none twice
    expect(await stepsOf(b)).toEqual({ madeHere: 2, skippedHere: 0 });
    expect(await b.stop()).toBe(130);
  });

  it('both instances past the same inquiries at once: each inquiry made by one of them, once; the notice once', async () => {
    const a = await start();
    const b = await start();
    const orderId = `ORDPGR${Date.now()}`;
    await payPendingOn(a, orderId);
    await control(a.ready.ucsp, '/settle', {});
    // b takes up the watch (a request catches it up), then both clocks go past +1, 3 and 7 s together
    expect((await control<{ status: string }>(b.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('PROCESSING');
    await Promise.all([control(a.ready.ucsp, '/clock/advance', { ms: 7_000 }), control(b.ready.ucsp, '/clock/advance', { ms: 7_000 })]);
    await Promise.all([control(a.ready.ucsp, '/settle', {}), control(b.ready.ucsp, '/settle', {})]);
    type Entry = { direction: string; raw: string };
    for (const sb of [a, b]) {
      const entries = (await control<{ entries: Entry[] }>(sb.ready.ucsp, `/journal?orderId=${orderId}&channel=issuer`)).json.entries;
      const asked = entries.filter((e) => e.direction === 'out').map((e) => JSON.parse(e.raw) as { n: number; offsetMs: number });
      expect(asked.map((q) => [q.n, q.offsetMs])).toEqual([
        [1, 0],
        [2, 1_000],
        [3, 3_000],
        [4, 7_000],
      ]);
      expect((await control<{ status: string }>(sb.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('APPROVED');
    }
    expect(backend.received.filter((r) => r.orderId === orderId)).toEqual([{ msgType: 'PAYMENT_RESULT_NOTICE', orderId, code: '00' }]);
    // counted: the four inquiries, made once between the two (which one made each is a race; the
    // other's timer, if it fired, found it made and is counted as skipped)
    type Steps = { madeHere: number; skippedHere: number };
    const steps = await Promise.all([a, b].map(async (sb) => (await control<{ shared: { stepJobs: Steps } }>(sb.ready.ucsp, '/status')).json.shared.stepJobs));
    expect(steps[0]!.madeHere + steps[1]!.madeHere).toBe(4);
    for (const sb of [a, b]) expect(await sb.stop()).toBe(130);
  });

  it('SIGKILL of the instance that took an unpaid order: the other fails it at its deadline and delivers the notice, once', async () => {
    const config = join(dir, 'expiry.config.json');
    await writeFile(config, JSON.stringify({ orderExpirySeconds: 60 }));
    const a = await start(['--config', config]);
    const b = await start(['--config', config]);
    // the unpaid orders of the tests above would fall due too: the sandbox starts afresh
    expect((await control(a.ready.ucsp, '/reset', {})).status).toBe(204);
    const orderId = `ORDPGE${Date.now()}`;
    expect((await send(a, 'SUBMIT_PAYMENT_ORDER', order(orderId))).msgResponse.responseCode).toBe('00');
    // b knows the order and its deadline (from its createdAt: nothing more is stored)
    const deadline = (await control<{ expiresAt: number; createdAt: number }>(b.ready.ucsp, `/orders/${orderId}`)).json;
    expect(deadline.expiresAt - deadline.createdAt).toBe(60_000);
    expect(await a.stop('SIGKILL')).toBe(null);

    await control(b.ready.ucsp, '/clock/advance', { ms: 59_000 });
    expect((await control<{ status: string }>(b.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('AWAITING_USER');
    await control(b.ready.ucsp, '/clock/advance', { ms: 1_000 });
    await control(b.ready.ucsp, '/settle', {});
    expect((await control<{ status: string }>(b.ready.ucsp, `/orders/${orderId}`)).json.status).toBe('DECLINED');
    expect(backend.received.filter((r) => r.orderId === orderId)).toEqual([{ msgType: 'PAYMENT_RESULT_NOTICE', orderId, code: '01' }]);
    expect((await control<{ shared: { stepJobs: { madeHere: number } } }>(b.ready.ucsp, '/status')).json.shared.stepJobs.madeHere).toBe(1);
    expect(await b.stop()).toBe(130);
  });

  it('SIGKILL of one instance in the middle of an attempt: its lease runs out, the other makes the attempt again, and the repeat is counted and noted', async () => {
    // the lease is the notice timeout twice and 5 s (real time, on the database's clock): 2 s here keeps it 9 s
    const config = join(dir, 'lease.config.json');
    await writeFile(config, JSON.stringify({ notices: { timeoutMs: 2_000 } }));
    const gated = await startGatedPartner(partner);
    try {
      const a = await start(['--config', config]);
      const b = await start(['--config', config]);
      const orderId = `ORDPGL${Date.now()}`;
      expect((await send(a, 'SUBMIT_PAYMENT_ORDER', order(orderId, gated.url))).msgResponse.responseCode).toBe('00');
      expect((await control(a.ready.ucsp, '/pay', { orderId })).status).toBe(200);
      // a makes the first attempt (its claim, its lease); the partner holds its answer
      const first = await gated.next();
      expect(first.orderId).toBe(orderId);
      // b knows the notice too, finds a's lease and waits for its end
      expect((await control<Notice[]>(b.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!.attempts).toHaveLength(0);
      expect(await a.stop('SIGKILL')).toBe(null);
      first.release(); // nobody is there to read it

      // the lease runs out: b makes the attempt a never recorded, and the partner answers it
      const again = await gated.next();
      expect(again.orderId).toBe(orderId);
      again.release();
      await control(b.ready.ucsp, '/settle', {});
      const after = (await control<Notice[]>(b.ready.ucsp, `/notices?orderId=${orderId}`)).json[0]!;
      expect(after.status).toBe('DELIVERED');
      expect(after.attempts).toHaveLength(1);
      expect(after.attempts[0]!.at).toBe(after.firstAttemptAt); // the attempt at its place in the schedule
      expect(gated.count).toBe(2); // the one repeat: 0 lost, one made twice
      const status = (await control<{ shared: { noticeJobs: { repeats: number; leased: number; repeatedHere: number } } }>(b.ready.ucsp, '/status')).json;
      expect(status.shared.noticeJobs).toMatchObject({ repeats: 1, repeatedHere: 1 });
      const journal = (await control<{ entries: { channel: string; direction: string; orderId?: string; note?: string }[] }>(b.ready.ucsp, `/journal?orderId=${orderId}&channel=notice`)).json.entries;
      expect(journal.filter((e) => e.direction === 'out' && /a repeat: another instance's lease on this attempt ran out/.test(e.note ?? ''))).toHaveLength(1);
      expect(await b.stop()).toBe(130);
    } finally {
      await gated.close();
    }
  }, 60_000);
});
