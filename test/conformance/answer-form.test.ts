/**
 * The profile option for the minimal unsigned answer form (config answerForm: UCSP's answers are
 * `{trxInfo, msgResponse}` only): the whole built-in suite runs under it against the example
 * partner configured for it, and passes as it does under the default signed form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import { runConformance } from '../../src/scenarios/run-conformance.js';

describe('answerForm "minimal"', () => {
  let world: ExampleWorld;
  beforeAll(async () => {
    world = await startExampleWorld({ answerForm: 'minimal' });
  });
  afterAll(() => world.close());

  it('the example partner configured for it passes the whole suite; every answer of UCSP is minimal and unsigned', async () => {
    const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp });
    const failed = s.scenarios.flatMap((r) => r.checks.filter((c) => c.status === 'failed').map((c) => `${c.key}: ${c.message}`));
    expect(failed).toEqual([]);
    // scenarios that corrupt UCSP's answers do not apply: an unsigned answer cannot be told from a corrupted one
    const skipped = s.scenarios.filter((r) => r.status === 'SKIPPED');
    expect(skipped.map((r) => r.id).sort()).toEqual(['frontend-payment/inquiry-answer-corrupted', 'frontend-payment/order-answer-corrupted', 'refund/refund-answer-corrupted']);
    for (const r of skipped) expect(r.reason).toMatch(/not applicable: this sandbox answers in the minimal form/);
    expect(s.counts).toMatchObject({ failed: 0, warning: 0, skipped: skipped.length });
    expect(s.exitCode).toBe(0);
    const answers = s.scenarios.flatMap((r) => r.messages.filter((e) => e.channel === 'api' && e.direction === 'out'));
    expect(answers.length).toBeGreaterThan(50);
    for (const a of answers) expect(Object.keys(JSON.parse(a.raw) as object)).toEqual(['trxInfo', 'msgResponse']);
    // the coverage of response codes is the same as under the signed form: the codes are in msgResponse
    expect(s.coverage.exercised.some((c) => c.via === 'answer' && c.code === '36')).toBe(true);
  });
});
