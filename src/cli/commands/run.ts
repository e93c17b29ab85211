import { Option, type Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CAPABILITIES } from '../../config/defaults.js';
import type { CapabilityName } from '../../scenarios/scenario-schema.js';
import { addConfigFlags, overridesFrom, type ConfigFlags } from '../config-flags.js';
import { checkPartnerFlag, collect } from '../options.js';
import { UcspError } from '../../errors/index.js';
import { err } from '../output.js';
import { makeOutput, parseReporter, type ReporterSpec } from '../run-output.js';

function parseCapabilities(v: string): CapabilityName[] {
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((x) => !(CAPABILITIES as readonly string[]).includes(x));
  if (bad.length) throw new InvalidArgumentError(`unknown capability ${bad.join(', ')}; known: ${CAPABILITIES.join(', ')}`);
  return list as CapabilityName[];
}

function parseMs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of milliseconds');
  return n;
}

interface RunFlags extends ConfigFlags {
  mode: 'driver' | 'interactive' | 'passive';
  filter: string[];
  capabilities?: CapabilityName[];
  reporter: ReporterSpec[];
  outputFile?: string;
  bail: boolean;
  sandbox?: string;
  token?: string;
  partner?: string;
  expectedFailures?: string;
  scenarios: string[];
  verbose: boolean;
  waitTimeout?: number;
  stepTimeout?: number;
  exec?: string;
  execTimeout?: number;
  preflight: boolean;
}

export function registerRun(program: Command): void {
  addConfigFlags(
    program
      .command('run')
      .description('run the conformance suite against your Industry Service and judge it')
      .addOption(new Option('--mode <mode>', 'how to make the partner act: driver (PROFILE §9, for CI), interactive (tells you what to do), passive (waits for your own tests)').choices(['driver', 'interactive', 'passive']).default('driver'))
      .option('--filter <id|glob>', 'scenario ids or globs, e.g. login/* or refund/over-refund-refused (repeatable)', collect, [])
      .option('--capabilities <list>', 'comma-separated capabilities to test (default: partner.capabilities from the config)', parseCapabilities)
      .option('--reporter <name[=file]>', 'console, json, junit or html (repeatable)', parseReporter, [])
      .option('--output-file <file>', 'file for the (first) json, junit or html reporter')
      .option('--bail', 'stop after the first failed scenario', false)
      .option('--sandbox <url>', 'use a sandbox that is already running (its UCSP URL) through its control API')
      .addOption(new Option('--token <token>', "that sandbox's control token: your partner's own token, or the admin token (default: controlToken, else partner.token of the configuration)").env('UCSP_SANDBOX_TOKEN'))
      .addOption(new Option('--partner <insID>', 'the partner under test, when the configuration lists several (partners); default the first').env('UCSP_SANDBOX_PARTNER'))
      .option('--expected-failures <file>', 'checks known to fail (YAML/JSON list of {check, reason}); one that no longer fails fails the run')
      .option('--scenarios <dir>', 'scenario folder instead of the built-in suite (repeatable)', collect, [])
      .option('--wait-timeout <ms>', 'how long to wait for the partner in interactive and passive modes', parseMs)
      .option('--step-timeout <ms>', 'how long one step may wait for the partner (its notice answers, driver calls) before it is reported as not answering (default 60000)', parseMs)
      .option('--exec <command>', "start your Industry Service for the run (through the shell, with the UCSP_* variables in its environment), wait until it answers, stop it after")
      .option('--exec-timeout <ms>', 'how long the --exec process may take to answer (default 60000)', parseMs)
      .option('--no-preflight', 'skip the check that the partner answers before the first scenario')
      .option('--verbose', 'print every step, the coverage matrix and the --exec output', false),
  )
    .addHelpText(
      'after',
      `
The sandbox: run starts one on --host/--port (default 127.0.0.1:7300–7302, so a partner configured
once keeps working) unless --sandbox names one already running. Either way the suite owns the
sandbox's clock during the run (manual: the scenarios advance it) and gives it back after.
Before the first scenario run prints what your partner must be configured with, and checks that
its driver and INDUSTRY_INDEX_URL answer (a usage error, exit 2, if not).

--exec environment: UCSP_BASE_URL, UCSP_API_URL, UCSP_CERT, UCSP_SIGN_CERT_ID, UCSP_CONTROL_URL,
UCSP_INS_ID, UCSP_MER_ID, UCSP_ACQ_IIN, UCSP_INDUSTRY_CODE, UCSP_SIGNATURE_VARIANT, UCSP_ZONE,
UCSP_ANSWER_FORM, UCSP_PARTNER_CERT, UCSP_PARTNER_KEY, UCSP_PARTNER_P12, UCSP_PARTNER_P12_PASSWORD,
UCSP_INDEX_URL, UCSP_DRIVER_URL, UCSP_PARTNER_PORT (see the README).

Exit codes: 0 all passed (warnings allowed) · 1 a failure or a stale expected failure · 2 usage or configuration error · 130 interrupted (reports still written)

Examples:
  $ npx ucsp-sandbox run --driver-url http://127.0.0.1:7400/driver --index-url http://127.0.0.1:7400/ucsp/login
  $ npx ucsp-sandbox run --driver-url http://127.0.0.1:7400/driver --exec "npx tsx examples/partner/main.ts" 
  $ npx ucsp-sandbox run --filter 'refund/*' --reporter console --reporter junit=reports/ucsp.xml
  $ npx ucsp-sandbox run --reporter json > result.json
  $ npx ucsp-sandbox run --mode interactive --filter frontend-payment/happy-path
  $ npx ucsp-sandbox run --sandbox http://127.0.0.1:7300 --expected-failures known.yaml`,
    )
    .action(async (opts: RunFlags) => {
      const [{ loadConfig }, { runConformance }, { loadWaivers }] = await Promise.all([
        import('../../config/index.js'),
        import('../../scenarios/run-conformance.js'),
        import('../../scenarios/waivers.js'),
      ]);
      if (opts.timeScale !== undefined) throw new UcspError('usage', 'run owns the sandbox clock: it is manual during the run and the scenarios advance it; --time-scale is for `start`');
      const output = await makeOutput(opts.reporter, opts.outputFile, opts.verbose);
      checkPartnerFlag(opts.partner);
      const loaded = await loadConfig({ cwd: process.cwd(), ...(opts.config ? { configPath: opts.config } : {}), overrides: overridesFrom(opts), ...(opts.partner ? { partner: opts.partner } : {}) });
      const waivers = opts.expectedFailures ? await loadWaivers(opts.expectedFailures) : undefined;
      const abort = new AbortController();
      const onSignal = () => {
        if (abort.signal.aborted) process.exit(130);
        err('\ninterrupted: finishing the current step, then writing reports (Ctrl-C again to quit now)');
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const summary = await runConformance({
          config: loaded.config,
          mode: opts.mode,
          filters: opts.filter,
          ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
          ...(opts.scenarios.length ? { scenarioDirs: opts.scenarios } : {}),
          ...(waivers ? { waivers } : {}),
          bail: opts.bail,
          ...(opts.sandbox ? { sandboxUrl: opts.sandbox } : {}),
          ...(opts.token ? { token: opts.token } : {}),
          ...(opts.waitTimeout ? { waitTimeoutMs: opts.waitTimeout } : {}),
          ...(opts.stepTimeout ? { stepTimeoutMs: opts.stepTimeout } : {}),
          ...(opts.exec ? { exec: opts.exec } : {}),
          ...(opts.execTimeout ? { execTimeoutMs: opts.execTimeout } : {}),
          ...(opts.verbose ? { onPartnerOutput: (line: string) => err(`[partner] ${line}`) } : {}),
          preflight: opts.preflight,
          onSetup: (setup) => output.setup(setup),
          signal: abort.signal,
          tell: (line) => err(line),
          hooks: output.hooks,
        });
        await output.finish(summary);
        process.exitCode = summary.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
