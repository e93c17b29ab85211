/** The runner's rules: capabilities skip, waivers cannot go stale, scenario files are validated. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import { loadScenarios, matchesFilter } from '../../src/scenarios/load-scenarios.js';
import { runConformance } from '../../src/scenarios/run-conformance.js';
import { tempDir } from '../support/tmp.js';

let good: ExampleWorld;
let buggy: ExampleWorld;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  good = await startExampleWorld();
  buggy = await startExampleWorld({ bugs: { markPaidOnSyncAnswer: true } });
  ({ dir, cleanup } = await tempDir('ucsp-scn-'));
});
afterAll(async () => {
  await good.close();
  await buggy.close();
  await cleanup();
});

const run = (w: ExampleWorld, o: Partial<Parameters<typeof runConformance>[0]> = {}) => runConformance({ config: w.config, sandboxUrl: w.sandbox.urls.ucsp, ...o });

describe('capabilities', () => {
  it('an undeclared capability is skipped, never failed', async () => {
    const s = await run(good, { filters: ['login/*', 'refund/*'], capabilities: ['login'] });
    const refund = s.scenarios.filter((r) => r.capability === 'refund');
    expect(refund.length).toBeGreaterThan(0);
    expect(refund.every((r) => r.status === 'SKIPPED' && /does not declare refund/.test(r.reason ?? ''))).toBe(true);
    expect(s.scenarios.filter((r) => r.capability === 'login').every((r) => r.status === 'PASSED')).toBe(true);
    expect(s.counts.failed).toBe(0);
    expect(s.exitCode).toBe(0);
  });
});

describe('waivers', () => {
  const key = 'frontend-payment/paid-only-after-notice#not-paid-on-sync-answer';
  it('a failing check listed as expected is waived and the run passes', async () => {
    const plain = await run(buggy, { filters: ['frontend-payment/paid-only-after-notice'] });
    expect(plain.exitCode).toBe(1);
    const failing = plain.scenarios[0]!.checks.filter((c) => c.status === 'failed').map((c) => c.key);
    expect(failing.length).toBeGreaterThan(0);
    const waived = await run(buggy, { filters: ['frontend-payment/paid-only-after-notice'], waivers: failing.map((check) => ({ check })) });
    expect(waived.exitCode).toBe(0);
    expect(waived.staleWaivers).toEqual([]);
    expect(waived.scenarios[0]!.checks.filter((c) => c.status === 'waived').map((c) => c.key)).toEqual(failing);
  });
  it('a waiver that no longer fails fails the run', async () => {
    const s = await run(good, { filters: ['frontend-payment/paid-only-after-notice'], waivers: [{ check: key, reason: 'fixed since' }] });
    expect(s.counts.failed).toBe(0);
    expect(s.staleWaivers).toEqual([{ key, reason: 'fixed since' }]);
    expect(s.exitCode).toBe(1);
  });
});

describe('scenario files', () => {
  it('loads JSON scenarios and defineScenario modules from another folder', async () => {
    const d = join(dir, 'custom', 'login');
    await mkdir(d, { recursive: true });
    await writeFile(
      join(d, 'mine.json'),
      JSON.stringify({
        id: 'login/mine',
        title: 'my login',
        capability: 'login',
        refs: ['PROFILE §6.1'],
        steps: [
          { user: 'login', with: { userId: 'user-003' }, as: 'l' },
          { check: 'ok', title: 'accepted', ref: 'PROFILE §6.1', hint: 'accept it', expect: { session: { from: 'l', userId: 'user-003' } } },
        ],
      }),
    );
    await writeFile(
      join(d, 'ts-style.mjs'),
      `export default { id: 'login/ts-style', title: 'from a module', capability: 'login', refs: ['PROFILE §6.1'], steps: [{ user: 'login', with: { tamper: 'stale' }, as: 'l' }, { check: 'refused', title: 'refused', ref: 'PROFILE §6.1', hint: 'refuse it', expect: { loginStatus: { from: 'l', accepted: false } } }] };`,
    );
    const s = await run(good, { scenarioDirs: [join(dir, 'custom')] });
    expect(s.scenarios.map((r) => [r.id, r.status])).toEqual([
      ['login/mine', 'PASSED'],
      ['login/ts-style', 'PASSED'],
    ]);
  });

  it('rejects bad scenario files, listing every problem', async () => {
    const d = join(dir, 'bad', 'refund');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'a.yaml'), 'id: refund/a\ntitle: x\ncapability: refund\nrefs: [x]\nsteps:\n  - drive: explode\n');
    await writeFile(join(d, 'b.yaml'), 'id: login/b\ntitle: x\ncapability: refund\nrefs: [x]\nsteps:\n  - world: advance\n    with: { ms: 1 }\n');
    await expect(loadScenarios([join(dir, 'bad')])).rejects.toMatchObject({ kind: 'config', details: expect.arrayContaining([expect.stringContaining('a.yaml'), expect.stringContaining('b.yaml: id must start with its capability')]) });
  });

  it('filters by id, folder and glob', () => {
    expect(matchesFilter('refund/over-refund-refused', ['refund'])).toBe(true);
    expect(matchesFilter('refund/over-refund-refused', ['refund/*'])).toBe(true);
    expect(matchesFilter('refund/over-refund-refused', ['*/over-*'])).toBe(true);
    expect(matchesFilter('refund/over-refund-refused', ['login/*'])).toBe(false);
    expect(matchesFilter('refund/over-refund-refused', ['refund/over'])).toBe(false);
  });
});

describe('step hooks', () => {
  it('beforeStep is given the results kept so far, so that a step can be shown with its references resolved', async () => {
    const seen: { index: number; orderId: unknown }[] = [];
    await run(good, {
      filters: ['frontend-payment/happy-path'],
      hooks: {
        beforeStep: async (_step, index, _scenario, vars) => {
          seen.push({ index, orderId: (vars.order as { orderId?: unknown } | undefined)?.orderId });
        },
      },
    });
    expect(seen.map((s) => s.index)).toEqual([0, 2, 5]);
    expect(seen[0]!.orderId).toBeUndefined();
    expect(seen[1]!.orderId).toMatch(/^ORD\d+$/);
    expect(seen[2]!.orderId).toBe(seen[1]!.orderId);
  });
});
