/**
 * `run` against a partner that was configured once, the way a real Industry Service is: the
 * sandbox `run` starts listens where the configuration says (7300 by default), never on free
 * ports the partner could not know.
 */
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { examplePartner, freePort } from '../support/partner-world.js';
import { tempDir } from '../support/tmp.js';

/** Whether nothing listens on 127.0.0.1:port and port+1, port+2 (the sandbox's three servers). */
async function portsFree(port: number): Promise<boolean> {
  for (const p of [port, port + 1, port + 2]) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

describe('run against a partner configured for a fixed sandbox URL', { timeout: 180_000 }, () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let closePartner: () => Promise<void>;
  let partnerUrl: string;
  let base: number;
  let viaConfig: boolean;
  beforeAll(async () => {
    tmp = await tempDir('ucsp-run-fixed-');
    const keys = join(tmp.dir, 'keys');
    expect((await runCli(['keys', 'init', '--out', keys])).code).toBe(0);
    // the README's case is the default port 7300; where the machine already uses it, the same
    // behaviour is proved with a port given in the configuration file (never a --port flag)
    viaConfig = !(await portsFree(7300));
    base = viaConfig ? await freeBase() : 7300;
    const partner = await examplePartner(keys, `http://127.0.0.1:${base}/ucsp/api`); // configured once, before any sandbox runs
    const listening = await partner.listen(0, '127.0.0.1');
    partnerUrl = listening.url;
    closePartner = listening.close;
    await writeFile(
      join(tmp.dir, 'ucsp-sandbox.config.json'),
      JSON.stringify({ keysDir: 'keys', ...(viaConfig ? { port: base } : {}), partner: { indexUrl: `${partnerUrl}/ucsp/login`, driverUrl: `${partnerUrl}/driver` } }),
    );
  }, 120_000);
  afterAll(async () => {
    await closePartner?.();
    await tmp.cleanup();
  });

  it('passes the whole suite with no --port, and says where the sandbox is', async () => {
    const r = await runCli(['run', '--reporter', 'json'], { cwd: tmp.dir });
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const report = JSON.parse(r.stdout) as { counts: { failed: number; passed: number }; setup: { ucsp: { apiUrl: string }; partner: { driverUrl: string } } };
    expect(report.counts.failed).toBe(0);
    expect(report.counts.passed).toBeGreaterThanOrEqual(40);
    expect(report.setup.ucsp.apiUrl).toBe(`http://127.0.0.1:${base}/ucsp/api`);
    expect(report.setup.partner.driverUrl).toBe(`${partnerUrl}/driver`);
    expect(r.stderr).toContain(`UCSP http://127.0.0.1:${base} · channel app http://127.0.0.1:${base + 1} · issuer http://127.0.0.1:${base + 2}`);
  }, 180_000);

  it('a port already in use is a usage error that says how to use the sandbox running there', async () => {
    const { spawnSandbox } = await import('../support/spawn-sandbox.js');
    const other = await spawnSandbox(['--keys-dir', join(tmp.dir, 'keys')], { cwd: tmp.dir });
    try {
      const port = Number(new URL(other.ready.ucsp).port);
      const r = await runCli(['run', '--port', String(port), '--driver-url', `${partnerUrl}/driver`], { cwd: tmp.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(r.stderr).toContain(`a ucsp-sandbox is running at http://127.0.0.1:${port}: run the suite against it with --sandbox http://127.0.0.1:${port}`);
    } finally {
      await other.stop();
    }
  }, 120_000);
});

describe('run --sandbox against `start` with its default (real-time) clock', () => {
  it('passes, taking the clock over for the run and giving it back after', async () => {
    const tmp = await tempDir('ucsp-run-remote-');
    const { spawnSandbox, control } = await import('../support/spawn-sandbox.js');
    const keys = join(tmp.dir, 'keys');
    expect((await runCli(['keys', 'init', '--out', keys])).code).toBe(0);
    const port = await freePort();
    const partnerUrl = `http://127.0.0.1:${port}`;
    const sandbox = await spawnSandbox(['--keys-dir', keys, '--index-url', `${partnerUrl}/ucsp/login`], { cwd: tmp.dir });
    const partner = await examplePartner(keys, sandbox.ready.api);
    const listening = await partner.listen(port, '127.0.0.1');
    try {
      expect((await control<{ timeScale: number }>(sandbox.ready.ucsp, '/clock')).json.timeScale).toBe(1);
      const r = await runCli(['run', '--sandbox', sandbox.ready.ucsp, '--keys-dir', keys, '--driver-url', `${partnerUrl}/driver`, '--index-url', `${partnerUrl}/ucsp/login`], { cwd: tmp.dir });
      expect(r.code, r.stdout.slice(-3000)).toBe(0);
      expect(r.stdout).toMatch(/Scenarios: \d+ passed, 0 failed/);
      const clock = (await control<{ timeScale: number; hold: unknown }>(sandbox.ready.ucsp, '/clock')).json;
      expect(clock).toMatchObject({ timeScale: 1, hold: null });
    } finally {
      await listening.close();
      await sandbox.stop();
      await tmp.cleanup();
    }
  }, 180_000);
});

/** A base port whose three ports are free (port, port+1, port+2). */
async function freeBase(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p + 2 < 65535 && (await portsFree(p))) return p;
  }
}
