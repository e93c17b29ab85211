/** The example partner's command line (examples/partner/main.ts, built): slow-mode flags. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const MAIN = fileURLToPath(new URL('../../dist/examples/partner/main.js', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('ucsp-partner-cli-'));
  expect((await runCli(['keys', 'init', '--out', join(dir, 'keys')])).code).toBe(0);
});
afterAll(() => cleanup());

function partner(args: string[]) {
  const child = spawn(process.execPath, [MAIN, '--keys', join(dir, 'keys'), '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('example partner: slow mode flags', () => {
  it('a bad value exits 2 with a message naming the flag and the allowed range', async () => {
    for (const [flag, value] of [
      ['--slow-notice-ms', 'abc'],
      ['--slow-driver-ms', '-5'],
      ['--slow-login-ms', '1.5'],
      ['--slow-driver-ms', '3600001'],
    ] as const) {
      const p = partner([`${flag}=${value}`]);
      expect(await p.exited, p.err()).toBe(2);
      expect(p.err()).toContain(`example partner: ${flag} must be a whole number of milliseconds from 0 to 3600000 (got "${value}")`);
    }
  });

  it('with --slow-driver-ms, the driver answers that late; the partner stops at once on SIGTERM', async () => {
    const p = partner(['--slow-driver-ms', '150', '--slow-notice-ms', '0']);
    try {
      // printed once the partner is up, the slow-mode line last (no sleeps: wait for the output)
      let gone = false;
      void p.exited.then(() => (gone = true));
      while (!/SLOW MODE: .*\n/.test(p.out())) {
        await Promise.race([new Promise((resolve) => p.child.stdout.once('data', resolve)), p.exited]);
        if (gone) throw new Error(`the partner exited: ${p.err()}`);
      }
      const url = /listening on (\S+)/.exec(p.out())![1]!;
      expect(p.out()).toContain('SLOW MODE: notice answers +0 ms, driver answers +150 ms');
      const started = performance.now();
      const res = await fetch(`${url}/driver/session`);
      expect(res.status).toBe(401);
      expect(performance.now() - started).toBeGreaterThanOrEqual(149);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  });
});
