/**
 * `ucsp-sandbox run` without the printing: load scenarios, start a sandbox (or use a running one
 * through its control API), pick the way to drive the partner, run the suite.
 */
import type { SandboxConfig } from '../config/index.js';
import { UcspError } from '../errors/index.js';
import { startSandbox } from '../sandbox/start-sandbox.js';
import { loadScenarios, matchesFilter } from './load-scenarios.js';
import { httpDriver, waitingDriver, type DriveMode, type PartnerDriver } from './partner-drivers.js';
import type { RunSummary } from './results.js';
import { runSuite, type SuiteOptions } from './run-suite.js';
import { SandboxClient } from './sandbox-client.js';
import type { CapabilityName } from './scenario-schema.js';
import { assertWaiversExist, type Waiver } from './waivers.js';

export interface ConformanceOptions {
  config: SandboxConfig;
  /** A sandbox already running (its UCSP base URL); otherwise one is started for the run. */
  sandboxUrl?: string;
  mode?: DriveMode;
  filters?: string[];
  capabilities?: CapabilityName[];
  scenarioDirs?: string[];
  waivers?: Waiver[];
  bail?: boolean;
  /** Time scale of the sandbox this run starts (default 0: manual, the suite advances it). */
  timeScale?: number;
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  /** Tells a person what to do (interactive mode). */
  tell?: (line: string) => void;
  hooks?: Pick<SuiteOptions, 'onScenarioStart' | 'onScenarioEnd' | 'onLog' | 'beforeStep' | 'afterStep'>;
}

export async function runConformance(o: ConformanceOptions): Promise<RunSummary & { selected: number }> {
  const loaded = await loadScenarios(o.scenarioDirs);
  if (o.waivers) assertWaiversExist(o.waivers, loaded.map((l) => l.scenario)); // against all, not only those selected
  const filters = o.filters ?? [];
  const scenarios = loaded.map((l) => l.scenario).filter((s) => matchesFilter(s.id, filters));
  if (scenarios.length === 0) throw new UcspError('usage', `no scenario matches ${filters.join(', ')}`, { details: [`known: ${loaded.map((l) => l.scenario.id).join(', ')}`] });
  const mode = o.mode ?? 'driver';
  if (mode === 'driver' && !o.config.partner.driverUrl) {
    throw new UcspError('config', 'driver mode needs partner.driverUrl (PROFILE §9)', { details: ['set partner.driverUrl in the config or pass --driver-url, or use --mode interactive | passive'] });
  }
  const own = o.sandboxUrl ? undefined : await startSandbox({ ...o.config, port: 0, timeScale: o.timeScale ?? 0 });
  try {
    const sandbox = new SandboxClient(o.sandboxUrl ?? own!.urls.ucsp, o.config.controlToken);
    await sandbox.status(); // fail early and clearly when a remote sandbox is not there
    const partner: PartnerDriver =
      mode === 'driver'
        ? httpDriver(o.config.partner.driverUrl!)
        : waitingDriver(mode, sandbox, { timeoutMs: o.waitTimeoutMs ?? 120_000, tell: o.tell ?? (() => {}), ...(o.signal ? { signal: o.signal } : {}) });
    const summary = await runSuite({
      scenarios,
      sandbox,
      partner,
      capabilities: o.capabilities ?? (o.config.partner.capabilities as CapabilityName[]),
      ...(o.waivers ? { waivers: o.waivers } : {}),
      ...(o.bail ? { bail: true } : {}),
      zone: o.config.zone,
      skew: o.config.skew,
      inquiryScheduleMs: o.config.inquiryScheduleSeconds.map((s) => s * 1000),
      ...(o.waitTimeoutMs ? { waitTimeoutMs: o.waitTimeoutMs } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.hooks ?? {}),
    });
    return { ...summary, selected: scenarios.length };
  } finally {
    await own?.close();
  }
}
