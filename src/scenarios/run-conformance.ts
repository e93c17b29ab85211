/**
 * `ucsp-sandbox run` without the printing: load scenarios, start a sandbox (or use a running one
 * through its control API, taking its clock over for the run), start the partner's own process
 * when asked (--exec), check the partner is there (preflight), pick the way to drive it, run the
 * suite, and give everything back.
 */
import type { SandboxConfig } from '../config/index.js';
import { UcspError } from '../errors/index.js';
import { startSandbox, type RunningSandbox } from '../sandbox/start-sandbox.js';
import { loadScenarios, matchesFilter } from './load-scenarios.js';
import { PartnerProcess } from './partner-process.js';
import { partnerSetup, setupEnv, type PartnerSetup } from './partner-setup.js';
import { httpDriver, waitingDriver, type DriveMode, type PartnerDriver } from './partner-drivers.js';
import { preflight } from './preflight.js';
import type { RunSummary } from './results.js';
import { DEFAULT_STEP_TIMEOUT_MS, runSuite, type SuiteOptions } from './run-suite.js';
import { SandboxClient } from './sandbox-client.js';
import type { CapabilityName } from './scenario-schema.js';
import { assertWaiversExist, type Waiver } from './waivers.js';

export interface ConformanceOptions {
  config: SandboxConfig;
  /** A sandbox already running (its UCSP base URL); otherwise one is started for the run on config.host/port. */
  sandboxUrl?: string;
  /** Its control token (default: the configuration's controlToken, else the partner's token). */
  token?: string;
  mode?: DriveMode;
  filters?: string[];
  capabilities?: CapabilityName[];
  scenarioDirs?: string[];
  waivers?: Waiver[];
  bail?: boolean;
  waitTimeoutMs?: number;
  /** Limit of one step (real ms): how long to wait for the partner before reporting it did not answer. */
  stepTimeoutMs?: number;
  /** The partner's own process, started for the run with the setup in its environment. */
  exec?: string;
  /** How long `exec` may take to answer (real ms). @default 60000 */
  execTimeoutMs?: number;
  /** Each line the `exec` process writes (e.g. for --verbose). */
  onPartnerOutput?: (line: string) => void;
  /** Probe the partner before the first scenario. @default true */
  preflight?: boolean;
  /** Told, before the first scenario, what the partner must be configured with. */
  onSetup?: (setup: PartnerSetup) => void;
  signal?: AbortSignal;
  /** Tells a person what to do (interactive mode). */
  tell?: (line: string) => void;
  hooks?: Pick<SuiteOptions, 'onScenarioStart' | 'onScenarioEnd' | 'onLog' | 'beforeStep' | 'afterStep'>;
}

/** The lease on a running sandbox's clock: renewed well before it runs out. */
const HOLD_TTL_MS = 60_000;

async function startOwnSandbox(config: SandboxConfig): Promise<RunningSandbox> {
  try {
    // manual clock: the suite advances it, so a six-hour retry schedule costs nothing
    return await startSandbox({ ...config, timeScale: 0 });
  } catch (e) {
    if (!(e instanceof UcspError) || !/already in use/.test(e.message) || config.port === 0) throw e;
    // a sandbox may already be running there (`ucsp-sandbox start`): say how to use it
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    const running = await new SandboxClient(url, config.controlToken).status().then(
      () => true,
      () => false,
    );
    throw new UcspError('usage', e.message, {
      details: running ? [`a ucsp-sandbox is running at ${url}: run the suite against it with --sandbox ${url}`] : ['stop what uses it, or give run another --port (the partner must then be configured with the new URLs)'],
    });
  }
}

/** Takes a running sandbox's clock over for the run; returns how to give it back. */
async function holdClock(sandbox: SandboxClient): Promise<() => Promise<void>> {
  let hold: { holder: string };
  try {
    hold = await sandbox.holdClock(HOLD_TTL_MS);
  } catch (e) {
    throw new UcspError('usage', `cannot run against ${sandbox.base}: ${(e as Error).message.replace(/^control API \/clock\/hold: /, '')}`);
  }
  const renew = setInterval(() => void sandbox.holdClock(HOLD_TTL_MS, hold.holder).catch(() => undefined), HOLD_TTL_MS / 3);
  renew.unref();
  return async () => {
    clearInterval(renew);
    await sandbox.releaseClock(hold.holder).catch(() => undefined);
  };
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
  const capabilities = o.capabilities ?? (o.config.partner.capabilities as CapabilityName[]);
  const stepTimeoutMs = o.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const own = o.sandboxUrl ? undefined : await startOwnSandbox(o.config);
  let release: (() => Promise<void>) | undefined;
  let partnerProcess: PartnerProcess | undefined;
  try {
    // its own sandbox is reached where it is bound, with the token it made if it had to make one
    // the partner under test is named (X-UCSP-Partner) for a sandbox shared by several partners
    const token = own?.generatedToken ?? o.token ?? o.config.controlToken ?? o.config.partner.token;
    const sandbox = new SandboxClient(o.sandboxUrl ?? own!.localUrls.ucsp, token, o.config.partner.insID);
    const status = await sandbox.status(); // fail early and clearly when a remote sandbox is not there
    const registered = (status as { partner?: { insID?: string } }).partner?.insID;
    if (registered !== undefined && registered !== o.config.partner.insID) {
      throw new UcspError('usage', `the sandbox at ${sandbox.base} answers for partner ${registered}, but the partner under test is ${o.config.partner.insID}`, {
        details: ["give the token of your own partner (--token), or the admin token with your partner's insID in the configuration"],
      });
    }
    // the suite owns the clock for the run: manual, advanced by the scenarios; given back after
    release = await holdClock(sandbox);
    const setup = await partnerSetup(o.config, status);
    o.onSetup?.(setup);
    if (o.exec) {
      partnerProcess = new PartnerProcess(o.exec, setupEnv(setup), { ...(o.onPartnerOutput ? { onLine: o.onPartnerOutput } : {}) });
      const target = mode === 'driver' ? `${o.config.partner.driverUrl!.replace(/\/+$/, '')}/actions` : o.config.partner.indexUrl;
      const probe = async () => {
        const res = await fetch(target, { method: mode === 'driver' ? 'POST' : 'GET', redirect: 'manual', signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        return true;
      };
      await partnerProcess.waitUntilReady(probe, mode === 'driver' ? `its driver (${target})` : `its INDUSTRY_INDEX_URL (${target})`, o.execTimeoutMs ?? 60_000, o.signal);
    }
    const runsLogin = capabilities.includes('login') && scenarios.some((s) => s.capability === 'login' || s.needs?.includes('login'));
    if (o.preflight !== false) {
      try {
        await preflight({ ...(mode === 'driver' ? { driverUrl: o.config.partner.driverUrl! } : {}), ...(runsLogin ? { indexUrl: o.config.partner.indexUrl } : {}), timeoutMs: stepTimeoutMs });
      } catch (e) {
        // a partner process that died meanwhile says more than the probe
        if (partnerProcess?.hasExited) throw partnerProcess.failure('the partner (--exec) exited before the suite started');
        throw e;
      }
    }
    const partner: PartnerDriver =
      mode === 'driver'
        ? httpDriver(o.config.partner.driverUrl!, stepTimeoutMs)
        : waitingDriver(mode, sandbox, { timeoutMs: o.waitTimeoutMs ?? 120_000, tell: o.tell ?? (() => {}), ...(o.signal ? { signal: o.signal } : {}) });
    const summary = await runSuite({
      scenarios,
      sandbox,
      partner,
      capabilities,
      ...(o.waivers ? { waivers: o.waivers } : {}),
      ...(o.bail ? { bail: true } : {}),
      zone: o.config.zone,
      skew: o.config.skew,
      inquiryScheduleMs: o.config.inquiryScheduleSeconds.map((s) => s * 1000),
      inquiryScheduleMode: o.config.inquiryScheduleMode,
      ...(o.waitTimeoutMs ? { waitTimeoutMs: o.waitTimeoutMs } : {}),
      stepTimeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.hooks ?? {}),
    });
    const failed = summary.exitCode !== 0;
    // the partner's own last words belong in the report when something failed
    return { ...summary, setup, ...(partnerProcess && failed ? { partnerProcess: partnerProcess.info } : {}), selected: scenarios.length };
  } finally {
    await partnerProcess?.stop();
    await release?.();
    await own?.close();
  }
}
