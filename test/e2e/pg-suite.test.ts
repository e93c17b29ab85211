/**
 * Issue 12, done-when 1: the whole built-in suite over two sandbox processes (`start --store`) on
 * one PostgreSQL database. The example partner's UCSP API URL is a round-robin proxy in front of
 * both instances' wire APIs, so its requests alternate between them; `run --sandbox` talks to one
 * instance's control API only, which must see everything the other did — what the shared store
 * promises. Notices go out from whichever instance claims each attempt; the issuer's inquiries and
 * decisions and the expiry of unpaid orders are made by whichever instance's clock gets to them
 * first — here the one the suite advances, whichever instance took the request that started them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { examplePartner } from '../support/partner-world.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/pg.js';
import { startRoundRobin, type RoundRobin } from '../support/round-robin.js';
import { control, spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

const skip = postgresSkipReason();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The built-in suite's scenario ids (scenarios/<capability>/<name>.yaml). */
async function builtInIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const cap of await readdir(join(ROOT, 'scenarios'), { withFileTypes: true })) {
    if (!cap.isDirectory()) continue;
    for (const f of await readdir(join(ROOT, 'scenarios', cap.name))) if (f.endsWith('.yaml')) ids.push(`${cap.name}/${f.slice(0, -'.yaml'.length)}`);
  }
  return ids.sort();
}

type Report = {
  counts?: { failed: number; passed: number };
  scenarios?: { id: string; status: string; reason?: string; checks: { id: string; status: string; message?: string }[]; messages: { channel: string; direction: string }[] }[];
};

describe.skipIf(skip !== undefined)('the built-in suite over two instances on one PostgreSQL database', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let db: TestDatabase;
  let server: Server | undefined;
  let proxy: RoundRobin | undefined;
  const instances: SpawnedSandbox[] = [];

  beforeAll(async () => {
    tmp = await tempDir('ucsp-pg-suite-');
    db = await createTestDatabase('ucsp_suite');
  });
  afterAll(async () => {
    for (const sb of instances) if (sb.child.exitCode === null && sb.child.signalCode === null) await sb.stop('SIGKILL');
    await proxy?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    await db?.drop();
    await tmp?.cleanup();
  });

  it("passes, with the partner's wire traffic alternating between both instances", async () => {
    const keys = join(tmp.dir, 'keys');
    expect((await runCli(['keys', 'init', '--out', keys])).code).toBe(0);
    // the partner listens first (on a port the system picks) and answers 503 until it exists
    let partnerApp: express.Express | undefined;
    const srv = createServer((req, res) => {
      if (partnerApp) return void partnerApp(req, res);
      res.writeHead(503).end('the example partner is not ready yet');
    });
    server = srv;
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const partnerUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;

    const args = ['--time-scale', '0', '--keys-dir', keys, '--index-url', `${partnerUrl}/ucsp/login`, '--store', db.url];
    instances.push(await spawnSandbox(args, { cwd: tmp.dir }));
    instances.push(await spawnSandbox(args, { cwd: tmp.dir }));
    const [a, b] = instances as [SpawnedSandbox, SpawnedSandbox];
    const rr = await startRoundRobin([a.ready.api, b.ready.api]);
    proxy = rr;
    const partner = await examplePartner(keys, rr.url);
    partner.setPublicUrl(partnerUrl);
    partnerApp = partner.app;

    // every scenario of the built-in suite, its checks as they are
    const all = await builtInIds();
    expect(all.length).toBeGreaterThanOrEqual(78);
    const r = await runCli(['run', ...all.flatMap((id) => ['--filter', id]), '--sandbox', a.ready.ucsp, '--keys-dir', keys, '--driver-url', `${partnerUrl}/driver`, '--index-url', `${partnerUrl}/ucsp/login`, '--reporter', 'json'], { cwd: tmp.dir });
    const report = JSON.parse(r.stdout || '{}') as Report;
    const failed = (report.scenarios ?? [])
      .filter((s) => s.status === 'FAILED')
      .map((s) => `${s.id}: ${s.reason ?? ''} ${s.checks.filter((c) => c.status === 'failed').map((c) => `${c.id} ${c.message ?? ''}`).join('; ')}`);
    expect(r.code, `${failed.join('\n')}\n${r.stderr.slice(-3000)}`).toBe(0);
    expect(report.counts?.failed).toBe(0);
    const notPassed = (report.scenarios ?? []).filter((s) => s.status !== 'PASSED').map((s) => `${s.id}: ${s.status} ${s.reason ?? ''}`);
    expect(report.counts?.passed, notPassed.join('\n')).toBe(all.length);
    expect((report.scenarios ?? []).map((s) => s.id).sort()).toEqual(all);
    // no warning either: each instance's clock follows the shared one (a request on the other
    // instance is judged at the sandbox's time, not at a time it has not caught up with)
    expect((report.scenarios ?? []).filter((s) => s.status !== 'PASSED').map((s) => s.id)).toEqual([]);

    // both instances took the partner's requests, one after the other
    const [toA, toB] = rr.counts as [number, number];
    expect(toA).toBeGreaterThanOrEqual(20);
    expect(Math.abs(toA - toB)).toBeLessThanOrEqual(1);
    // the report is made from the journal of the instance run talks to (a): it holds every wire
    // request the partner made, those b answered too
    const apiIn = (report.scenarios ?? []).flatMap((s) => s.messages).filter((m) => m.channel === 'api' && m.direction === 'in');
    expect(apiIn.length).toBe(toA + toB);
    // and b shows the same journal for the last scenario
    type Journal = { entries: { msgID?: string; direction: string }[] };
    const journal = async (sb: SpawnedSandbox) => (await control<Journal>(sb.ready.ucsp, '/journal?channel=api')).json.entries.map((e) => `${e.direction} ${e.msgID ?? ''}`);
    const lastOnA = await journal(a);
    expect(lastOnA.length).toBeGreaterThan(0);
    expect(await journal(b)).toEqual(lastOnA);

    for (const sb of instances) expect(await sb.stop()).toBe(130);
  }, 420_000);
});
