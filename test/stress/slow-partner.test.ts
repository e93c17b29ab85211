/**
 * A slow but correct partner (notice answers after 2 s, driver answers after 500 ms) passes while
 * CPU burners keep every core busy — with `run` (its own sandbox) and with `run --sandbox` against
 * `start` at its default real-time clock. Fewer scenarios than the 20 whole-suite runs measured
 * with the same script (scripts/stress-suite.mjs; figures in the README): the ones where a
 * released, reordered, late or duplicated notice must be judged only after its attempt completes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/stress-suite.mjs', import.meta.url));
const SCENARIOS = ['frontend-payment/notice-out-of-order', 'frontend-payment/notice-late', 'frontend-payment/notice-duplicate', 'auto-debit/charge-by-notice'];

interface StressSummary {
  slowNoticeMs: number;
  slowDriverMs: number;
  burners: number;
  byMode: { mode: string; runs: number; passed: number }[];
  results: { mode: string; ok: boolean; counts?: { passed: number; failed: number }; failures: string[] }[];
}

function stress(args: string[]): Promise<{ code: number | null; summary?: StressSummary; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: err, ...(out.trim() ? { summary: JSON.parse(out) as StressSummary } : {}) }));
  });
}

describe('a slow partner on a loaded machine', () => {
  it('passes with run and with run --sandbox against start (real-time clock)', async () => {
    const r = await stress(['--runs', '1', '--mode', 'both', '--json', ...SCENARIOS.flatMap((s) => ['--filter', s])]);
    expect(r.code, r.stderr).toBe(0);
    const s = r.summary!;
    expect(s).toMatchObject({ slowNoticeMs: 2000, slowDriverMs: 500 });
    expect(s.burners).toBeGreaterThanOrEqual(2);
    expect(s.byMode).toEqual([
      { mode: 'run', runs: 1, passed: 1, wallS: expect.any(Array) },
      { mode: 'sandbox', runs: 1, passed: 1, wallS: expect.any(Array) },
    ]);
    for (const x of s.results) {
      expect(x.failures, x.mode).toEqual([]);
      expect(x.counts).toMatchObject({ passed: SCENARIOS.length, failed: 0 });
    }
  }, 600_000);

  it('refuses bad flags with exit 2', async () => {
    const r = await stress(['--runs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--runs must be a whole number');
  });
});
