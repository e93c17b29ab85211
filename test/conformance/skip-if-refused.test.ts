/**
 * A scenario about something a correct partner may not offer (a currency, say) marks its first
 * step skipIfRefused: a partner that declines it (4xx from its driver) gets SKIPPED with its
 * reason, never FAILED; without the mark the same refusal fails the scenario.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import { runConformance } from '../../src/scenarios/run-conformance.js';
import { tempDir } from '../support/tmp.js';

let world: ExampleWorld;
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  world = await startExampleWorld();
  ({ dir, cleanup } = await tempDir('ucsp-skip-'));
  await mkdir(join(dir, 'frontend-payment'), { recursive: true });
  // the example partner's driver refuses a txnAmt that is not minor units with 400: a stand-in for "currency not offered"
  const scenario = (id: string, skipIfRefused: boolean) => ({
    id: `frontend-payment/${id}`,
    title: id,
    capability: 'frontend-payment',
    refs: ['PROFILE §5'],
    steps: [
      { check: 'before', title: 'nothing sent yet', ref: 'PROFILE §5', hint: 'none', expect: { sandboxOrder: { orderId: 'NONE0000', exists: false } } },
      { drive: 'submitPaymentOrder', with: { txnAmt: '5.5', currencyCode: '392', userId: 'user-001' }, as: 'order', ...(skipIfRefused ? { skipIfRefused: true } : {}) },
      { check: 'after', title: 'the order', ref: 'PROFILE §5', hint: 'none', expect: { result: { from: 'order.responseCode', is: '00' } } },
    ],
  });
  await writeFile(join(dir, 'frontend-payment', 'declined.json'), JSON.stringify(scenario('declined', true)));
  await writeFile(join(dir, 'frontend-payment', 'refused.json'), JSON.stringify(scenario('refused', false)));
});
afterAll(async () => {
  await world.close();
  await cleanup();
});

describe('skipIfRefused', () => {
  it('a declined step skips the rest of the scenario, with the partner’s reason; unmarked, the refusal fails it', async () => {
    const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, scenarioDirs: [dir] });
    const declined = s.scenarios.find((r) => r.id === 'frontend-payment/declined')!;
    expect(declined.status).toBe('SKIPPED');
    expect(declined.reason).toMatch(/^the partner declined submitPaymentOrder \(400: params\.txnAmt must be/);
    expect(declined.checks.map((c) => [c.id, c.status])).toEqual([
      ['before', 'passed'],
      ['after', 'skipped'],
    ]);
    const refused = s.scenarios.find((r) => r.id === 'frontend-payment/refused')!;
    expect(refused.status).toBe('FAILED');
    expect(refused.checks.find((c) => c.id === 'step-2')?.message).toMatch(/^the partner could not submitPaymentOrder/);
    expect(s.counts).toMatchObject({ skipped: 1, failed: 1 });
  }, 120_000);
});
