/**
 * Issue 12, done-when 4: two partners registered in one sandbox (`partners` in the configuration)
 * run the whole built-in suite at the same time, each with its own example partner (its own insID,
 * merId, industryCode, key and certificate), each with `run --sandbox` and its own token — and each
 * passes; neither can read the other's orders through the control API, the admin token reaches
 * both, and a request of an insID no partner has is answered 10 and journalled nowhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExamplePartner } from '../../examples/partner/partner-app.js';
import { loadCertificates, loadSigner, signMessage } from '../../src/crypto/index.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/pg.js';
import { spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

const ADMIN = 'admin-token-for-the-test-0001';
const PARTNERS = [
  { insID: '12345678', merId: '123456789012345', industryCode: 'PARKING01', token: 'partner-a-token-000000001', keys: 'keys' },
  { insID: '87654321', merId: 'MERCHANTB000001', industryCode: 'TRANSIT01', token: 'partner-b-token-000000002', keys: 'keysB' },
] as const;

type Report = {
  counts?: { failed: number; passed: number };
  scenarios?: { id: string; status: string; reason?: string; checks: { id: string; status: string; message?: string }[] }[];
};
type Order = { orderId: string; kind: string; tn?: string; merId?: string };

/** A control call with a token (and the partner the admin names). */
async function call<T>(base: string, path: string, token: string, partner?: string): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}/control${path}`, { headers: { authorization: `Bearer ${token}`, ...(partner ? { 'x-ucsp-partner': partner } : {}) } });
  return { status: res.status, json: (await res.json()) as T };
}

// in memory, and on PostgreSQL (each partner its own rows, lock and pool in one database)
describe.each([
  { store: 'memory', skip: undefined },
  { store: 'postgres', skip: postgresSkipReason() },
])('several partners in one sandbox ($store)', ({ store, skip }) => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let sandbox: SpawnedSandbox | undefined;
  let db: TestDatabase | undefined;
  const servers: Server[] = [];

  beforeAll(async () => {
    tmp = await tempDir('ucsp-partners-');
    if (store === 'postgres' && skip === undefined) db = await createTestDatabase('ucsp_partners');
  });
  afterAll(async () => {
    if (sandbox && sandbox.child.exitCode === null) await sandbox.stop('SIGKILL');
    await db?.drop();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await tmp?.cleanup();
  });

  it.skipIf(skip !== undefined)('run the suite at the same time, each passes, and neither sees the other', async () => {
    const dir = tmp.dir;
    for (const p of PARTNERS) expect((await runCli(['keys', 'init', '--out', join(dir, p.keys)])).code).toBe(0);
    // each partner listens first (on a port the system picks) and answers 503 until it exists
    const apps: (express.Express | undefined)[] = [undefined, undefined];
    const urls: string[] = [];
    for (let i = 0; i < PARTNERS.length; i++) {
      const srv = createServer((req, res) => {
        const app = apps[i];
        if (app) return void app(req, res);
        res.writeHead(503).end('the example partner is not ready yet');
      });
      servers.push(srv);
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      urls.push(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
    }

    // the sandbox: UCSP's keys in keys/, partner B's certificate from keysB/
    const sandboxConfig = join(dir, 'sandbox.config.json');
    await writeFile(
      sandboxConfig,
      JSON.stringify({
        keysDir: 'keys',
        controlToken: ADMIN,
        partners: PARTNERS.map((p, i) => ({
          insID: p.insID,
          merId: p.merId,
          industryCode: p.industryCode,
          token: p.token,
          certificate: `${p.keys}/partner.cert.pem`,
          indexUrl: `${urls[i]}/ucsp/login`,
        })),
      }),
    );
    sandbox = await spawnSandbox(['--config', sandboxConfig, '--time-scale', '0', ...(db ? ['--store', db.url] : [])], { cwd: dir });
    const U = sandbox.ready.ucsp;

    const ucspCertificates = await loadCertificates(join(dir, 'keys', 'ucsp.cert.pem'));
    for (const [i, p] of PARTNERS.entries()) {
      const partner = createExamplePartner({
        ucspApiUrl: sandbox.ready.api,
        signer: await loadSigner(join(dir, p.keys, 'partner.key.pem'), join(dir, p.keys, 'partner.cert.pem')),
        ucspCertificates,
        insID: p.insID,
        merId: p.merId,
        acqIIN: '00010344',
      });
      partner.setPublicUrl(urls[i]!);
      apps[i] = partner.app;
    }

    // each team's own configuration: its partner, the sandbox's UCSP certificate, its token
    const runConfigs = await Promise.all(
      PARTNERS.map(async (p, i) => {
        const file = join(dir, `run-${p.insID}.config.json`);
        await writeFile(
          file,
          JSON.stringify({
            keysDir: 'keys',
            partner: { insID: p.insID, merId: p.merId, industryCode: p.industryCode, certificate: `${p.keys}/partner.cert.pem`, indexUrl: `${urls[i]}/ucsp/login`, driverUrl: `${urls[i]}/driver` },
          }),
        );
        return file;
      }),
    );
    const runs = await Promise.all(PARTNERS.map((p, i) => runCli(['run', '--sandbox', U, '--config', runConfigs[i]!, '--token', p.token, '--reporter', 'json'], { cwd: dir })));
    const builtIn = (await runCli(['run', '--help'])).code; // the CLI still answers meanwhile
    expect(builtIn).toBe(0);
    for (const [i, r] of runs.entries()) {
      const report = JSON.parse(r.stdout || '{}') as Report;
      const failed = (report.scenarios ?? [])
        .filter((s) => s.status !== 'PASSED')
        .map((s) => `${s.id} ${s.status}: ${s.reason ?? ''} ${s.checks.filter((c) => c.status === 'failed').map((c) => `${c.id} ${c.message ?? ''}`).join('; ')}`);
      expect(r.code, `partner ${PARTNERS[i]!.insID}:\n${failed.join('\n')}\n${r.stderr.slice(-3000)}`).toBe(0);
      expect(report.counts?.failed).toBe(0);
      expect(failed).toEqual([]);
      expect(report.counts?.passed).toBeGreaterThanOrEqual(70);
    }

    // ── neither reads the other's orders ──
    // (the suite resets its partner between scenarios: each partner now makes a few orders more,
    // the two at the same time, with the same orderIds where their generators agree)
    await Promise.all(
      urls.map(async (u) => {
        for (let n = 0; n < 5; n++) {
          const res = await fetch(`${u}/driver/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'submitPaymentOrder', params: { txnAmt: '1234', currencyCode: '344', userId: 'user-001' } }) });
          expect(((await res.json()) as { result?: { responseCode?: string } }).result?.responseCode).toBe('00');
        }
      }),
    );
    const [a, b] = PARTNERS;
    const ordersA = (await call<Order[]>(U, '/orders', a.token)).json;
    const ordersB = (await call<Order[]>(U, '/orders', b.token)).json;
    expect(ordersA.length).toBeGreaterThanOrEqual(5);
    expect(ordersB.length).toBeGreaterThanOrEqual(5);
    for (const o of ordersA) if (o.merId !== undefined) expect(o.merId).toBe(a.merId);
    for (const o of ordersB) if (o.merId !== undefined) expect(o.merId).toBe(b.merId);
    // an order only B has is no order for A's token
    const idsA = new Set(ordersA.map((o) => o.orderId));
    const onlyB = ordersB.find((o) => !idsA.has(o.orderId) && o.tn !== undefined);
    expect(onlyB, `B's orderIds ${ordersB.map((o) => o.orderId).join(' ')} are all A's too`).toBeDefined();
    expect((await call(U, `/orders/${encodeURIComponent(onlyB!.orderId)}`, a.token)).status).toBe(404);
    expect((await call(U, `/orders/${encodeURIComponent(onlyB!.orderId)}`, b.token)).status).toBe(200);
    // A's token naming B is refused; the journal of A holds A's messages only
    expect((await call<{ error: string }>(U, '/orders', a.token, b.insID)).status).toBe(403);
    const journalA = (await call<{ entries: { channel: string; direction: string; raw?: string }[] }>(U, '/journal?channel=api', a.token)).json.entries;
    expect(journalA.length).toBeGreaterThan(0);
    expect(journalA.some((e) => e.raw?.includes(b.insID) || e.raw?.includes(b.merId))).toBe(false);
    // the issuer's transaction list too
    const txA = await fetch(`${sandbox.ready.issuer}/issuer/transactions`, { headers: { authorization: `Bearer ${a.token}` } }).then((r) => r.json() as Promise<{ orderId?: string }[]>);
    expect(txA.length).toBeGreaterThan(0);
    expect(txA.filter((t) => !idsA.has(t.orderId ?? ''))).toEqual([]);

    // ── the admin token reaches both, naming one ──
    expect((await call<Order[]>(U, '/orders', ADMIN, a.insID)).json.length).toBe(ordersA.length);
    expect((await call<Order[]>(U, '/orders', ADMIN, b.insID)).json.length).toBe(ordersB.length);
    expect((await call<{ error: string }>(U, '/orders', ADMIN)).status).toBe(400);
    const listed = (await call<{ partners: { insID: string }[] }>(U, '/partners', ADMIN)).json.partners.map((p) => p.insID);
    expect(listed).toEqual([a.insID, b.insID]);
    expect((await call<{ partners: { insID: string }[] }>(U, '/partners', b.token)).json.partners.map((p) => p.insID)).toEqual([b.insID]);
    expect((await call(U, '/status', 'not-a-token-of-this-sandbox')).status).toBe(401);
    // the CLI: the admin names the partner with --partner; without it, it is told how
    const status = await runCli(['status', '--sandbox', U, '--token', ADMIN, '--partner', b.insID, '--json'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { partner: { insID: string } }).partner.insID).toBe(b.insID);
    const unnamed = await runCli(['orders', '--sandbox', U, '--token', ADMIN], { cwd: dir });
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain('X-UCSP-Partner');
    const other = await runCli(['orders', '--sandbox', U, '--token', a.token, '--partner', b.insID], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`this token is partner ${a.insID}'s`);
    // run refuses to test a partner with another partner's token
    const wrong = await runCli(['run', '--sandbox', U, '--config', runConfigs[0]!, '--token', b.token, '--filter', 'login/*'], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`this token is partner ${b.insID}'s: it does not reach partner ${a.insID}`);

    // ── a message of an insID no partner has: 10, in no journal ──
    const stranger = await loadSigner(join(dir, 'keysB', 'partner.key.pem'), join(dir, 'keysB', 'partner.cert.pem'));
    const seqBefore = await Promise.all(PARTNERS.map(async (p) => (await call<{ journal: { lastSeq: number } }>(U, '/status', p.token)).json.journal.lastSeq));
    const msg = signMessage(
      { msgInfo: { version: '1.0.0', msgID: 'M99999999000000000001', timeStamp: '20261130120000', msgType: 'SUBMIT_PAYMENT_ORDER', insID: '99999999' }, trxInfo: { orderId: 'X1', merId: b.merId } },
      stranger,
    );
    const answer = (await fetch(sandbox.ready.api, { method: 'POST', body: msg }).then((r) => r.json())) as { msgResponse: { responseCode: string; responseMsg: string } };
    expect(answer.msgResponse.responseCode).toBe('10');
    expect(answer.msgResponse.responseMsg).toContain('insID 99999999 is not registered');
    const seqAfter = await Promise.all(PARTNERS.map(async (p) => (await call<{ journal: { lastSeq: number } }>(U, '/status', p.token)).json.journal.lastSeq));
    expect(seqAfter).toEqual(seqBefore);

    expect(await sandbox.stop()).toBe(130);
  }, 420_000);
});
