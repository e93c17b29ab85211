/** Runs a set of scenarios against a partner and a sandbox; returns the summary (no printing). */
import type { CapabilityName, Scenario } from './scenario-schema.js';
import { explainFailures } from './causes.js';
import { computeCoverage } from './coverage.js';
import type { PartnerDriver } from './partner-drivers.js';
import type { RunSummary, ScenarioResult } from './results.js';
import { runScenario, type ScenarioEnv } from './run-scenario.js';
import { DEFAULT_DRIVER_TIMEOUT_MS } from './partner-drivers.js';

export const DEFAULT_STEP_TIMEOUT_MS = DEFAULT_DRIVER_TIMEOUT_MS;
import type { SandboxClient } from './sandbox-client.js';
import { staleWaivers, type Waiver } from './waivers.js';
import type { InquiryScheduleMode } from '../protocol/inquiry-schedule.js';

export interface SuiteOptions {
  scenarios: Scenario[];
  sandbox: SandboxClient;
  partner: PartnerDriver;
  capabilities: readonly CapabilityName[];
  waivers?: Waiver[];
  bail?: boolean;
  zone: string;
  skew: { timeStampSeconds: number; txnTimeSeconds: number };
  inquiryScheduleMs: readonly number[];
  inquiryScheduleMode?: InquiryScheduleMode;
  waitTimeoutMs?: number;
  /** Limit of one step (real ms); see ScenarioEnv.stepTimeoutMs. @default 60000 */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
  onScenarioStart?(s: Scenario, index: number, total: number): void;
  onScenarioEnd?(r: ScenarioResult, index: number, total: number): void;
  onLog?(line: string): void;
  beforeStep?: ScenarioEnv['beforeStep'];
  afterStep?: ScenarioEnv['afterStep'];
}

export async function runSuite(o: SuiteOptions): Promise<RunSummary> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const waivers = o.waivers ?? [];
  const env: ScenarioEnv = {
    sandbox: o.sandbox,
    partner: o.partner,
    zone: o.zone,
    skew: o.skew,
    inquiryScheduleMs: o.inquiryScheduleMs,
    ...(o.inquiryScheduleMode ? { inquiryScheduleMode: o.inquiryScheduleMode } : {}),
    waived: new Set(waivers.map((w) => w.check)),
    waitTimeoutMs: o.waitTimeoutMs ?? 30_000,
    stepTimeoutMs: o.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...(o.beforeStep ? { beforeStep: o.beforeStep } : {}),
    ...(o.afterStep ? { afterStep: o.afterStep } : {}),
  };
  const results: ScenarioResult[] = [];
  let bailed = false;
  const total = o.scenarios.length;
  for (const [i, s] of o.scenarios.entries()) {
    const missing = [s.capability, ...(s.needs ?? [])].filter((c) => !o.capabilities.includes(c as CapabilityName));
    let r: ScenarioResult;
    if (o.signal?.aborted || bailed || missing.length) {
      const reason = o.signal?.aborted ? 'interrupted' : bailed ? 'not run: --bail after a failure' : `the partner does not declare ${missing.join(', ')}`;
      o.onScenarioStart?.(s, i, total);
      r = { id: s.id, title: s.title, capability: s.capability, refs: s.refs, status: 'SKIPPED', reason, durationMs: 0, checks: [], messages: [], log: [] };
    } else {
      o.onScenarioStart?.(s, i, total);
      r = await runScenario(s, env);
      if (o.bail && r.status === 'FAILED') bailed = true;
    }
    results.push(r);
    o.onScenarioEnd?.(r, i, total);
  }
  const stale = staleWaivers(waivers, results);
  const count = (st: ScenarioResult['status']) => results.filter((r) => r.status === st).length;
  const counts = { total: results.length, passed: count('PASSED'), failed: count('FAILED'), warning: count('WARNING'), skipped: count('SKIPPED') };
  const interrupted = o.signal?.aborted ?? false;
  return {
    startedAt,
    wallMs: Math.round(performance.now() - started),
    mode: o.partner.mode,
    counts,
    ...explainFailures(results), // scenarios (failed checks with their cause) and causes
    coverage: computeCoverage(results),
    staleWaivers: stale,
    interrupted,
    exitCode: interrupted ? 130 : counts.failed > 0 || stale.length > 0 ? 1 : 0,
  };
}
