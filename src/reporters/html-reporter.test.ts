/** How the HTML report renders cited refs: a link to the section of docs/protocol.md, or plain text. */
import { describe, expect, it } from 'vitest';
import { protocolDocUrl } from '../scenarios/refs.js';
import type { RunSummary, ScenarioResult } from '../scenarios/results.js';
import { htmlReport } from './html-reporter.js';

function summary(refs: string[], checkRef: string): RunSummary {
  const scenario: ScenarioResult = {
    id: 'refund/x',
    title: 'x',
    capability: 'refund',
    refs,
    status: 'FAILED',
    durationMs: 1,
    checks: [{ key: 'refund/x#c', id: 'c', title: 't', severity: 'failure', ref: checkRef, hint: 'h', status: 'failed', message: 'm' }],
    messages: [],
    log: [],
  };
  return {
    startedAt: '2026-11-25T00:00:00Z',
    wallMs: 1,
    mode: 'driver',
    counts: { total: 1, passed: 0, failed: 1, warning: 0, skipped: 0 },
    scenarios: [scenario],
    coverage: { exercised: [], missing: [] },
    causes: [],
    staleWaivers: [],
    interrupted: false,
    exitCode: 1,
  };
}

describe('htmlReport refs', () => {
  it('links a cited section to docs/protocol.md#anchor, with the section as its title', () => {
    const html = htmlReport(summary(['PROFILE §6.10', 'seed: 5. Refund Flow'], 'PROFILE §6.3'));
    expect(html).toContain(`<a href="${protocolDocUrl('610-payment_refund-partner--ucsp')}" title="§6.10 PAYMENT_REFUND (partner → UCSP) — docs/protocol.md">PROFILE §6.10</a>`);
    expect(html).toContain(`<a href="${protocolDocUrl('5-refund-flow')}" title="UCSP flow 5. Refund Flow (Appendix A) — docs/protocol.md">seed: 5. Refund Flow</a>`);
    expect(html).toContain(`<td><a href="${protocolDocUrl('63-payment_result_notice-ucsp--partner-backurl')}" title="§6.3 PAYMENT_RESULT_NOTICE (UCSP → partner backUrl) — docs/protocol.md">PROFILE §6.3</a></td>`);
  });

  it('writes a ref that names no section as escaped text, without a link', () => {
    const html = htmlReport(summary(['<b>my spec</b>'], 'RFC 8259'));
    expect(html).toContain('&lt;b&gt;my spec&lt;/b&gt;');
    expect(html).toContain('<td>RFC 8259</td>');
    expect(html).not.toContain('href=');
  });
});
