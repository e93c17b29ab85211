/**
 * `run --exec`: the partner's own process for the length of the run, configured only by the
 * UCSP_* variables run sets — no keys, config or second terminal to prepare.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/partner-world.js';
import { tempDir } from '../support/tmp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('run --exec', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('ucsp-exec-');
  });
  afterAll(() => tmp.cleanup());

  const answers = (url: string) =>
    fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    );

  it('starts the example partner with no other set-up, passes the suite, and stops it', async () => {
    const port = await freePort();
    const driverUrl = `http://127.0.0.1:${port}/driver`;
    const r = await runCli(['run', '--port', '0', '--keys-dir', `${tmp.dir}/keys`, '--driver-url', driverUrl, '--index-url', `http://127.0.0.1:${port}/ucsp/login`, '--reporter', 'json', '--exec', 'npx tsx examples/partner/main.ts --quiet'], { cwd: ROOT });
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const report = JSON.parse(r.stdout) as { counts: { failed: number; passed: number }; partnerProcess?: unknown };
    expect(report.counts.failed).toBe(0);
    expect(report.counts.passed).toBeGreaterThanOrEqual(40);
    expect(report.partnerProcess).toBeUndefined(); // its output is attached only when something fails
    expect(await answers(`${driverUrl}/orders/x`)).toBe(false); // stopped with the run
  }, 240_000);

  it('attaches the partner\'s last output lines when something fails', async () => {
    const port = await freePort();
    const driverUrl = `http://127.0.0.1:${port}/driver`;
    const r = await runCli(
      ['run', '--port', '0', '--keys-dir', `${tmp.dir}/keys`, '--driver-url', driverUrl, '--filter', 'frontend-payment/happy-path', '--exec', 'npx tsx examples/partner/main.ts --quiet --bug majorUnitAmounts', '--reporter', 'console', '--reporter', `junit=${tmp.dir}/r.xml`, '--reporter', `html=${tmp.dir}/r.html`],
      { cwd: ROOT },
    );
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    expect(r.stdout).toMatch(/Last lines of your partner's output — npx tsx examples\/partner\/main\.ts --quiet --bug majorUnitAmounts:/);
    expect(r.stdout).toContain(`  | example partner listening on http://127.0.0.1:${port}`);
    expect(r.stdout).toContain('  |   BUGS ON: majorUnitAmounts');
    // and in the report files
    expect(await readFile(`${tmp.dir}/r.xml`, 'utf8')).toMatch(/<testsuite name="partner-output"[^>]*><system-out>npx tsx examples\/partner\/main\.ts --quiet --bug majorUnitAmounts\n[^<]*BUGS ON: majorUnitAmounts/);
    expect(await readFile(`${tmp.dir}/r.html`, 'utf8')).toMatch(/<h2>Your partner's last output<\/h2>[\s\S]*BUGS ON: majorUnitAmounts/);
    expect(await answers(`${driverUrl}/orders/x`)).toBe(false);
  }, 240_000);
});
