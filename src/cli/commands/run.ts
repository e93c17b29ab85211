import { Option, type Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CAPABILITIES } from '../../config/defaults.js';
import type { CapabilityName } from '../../scenarios/scenario-schema.js';
import { addConfigFlags, overridesFrom, type ConfigFlags } from '../config-flags.js';
import { collect } from '../options.js';
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
  expectedFailures?: string;
  scenarios: string[];
  verbose: boolean;
  waitTimeout?: number;
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
      .option('--expected-failures <file>', 'checks known to fail (YAML/JSON list of {check, reason}); one that no longer fails fails the run')
      .option('--scenarios <dir>', 'scenario folder instead of the built-in suite (repeatable)', collect, [])
      .option('--wait-timeout <ms>', 'how long to wait for the partner in interactive and passive modes', parseMs)
      .option('--verbose', 'print every step and the coverage matrix', false),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 all passed (warnings allowed) · 1 a failure or a stale expected failure · 2 usage or configuration error · 130 interrupted (reports still written)

Examples:
  $ npx ucsp-sandbox run --driver-url http://127.0.0.1:7400/driver --index-url http://127.0.0.1:7400/ucsp/login
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
      const output = await makeOutput(opts.reporter, opts.outputFile, opts.verbose);
      const loaded = await loadConfig({ cwd: process.cwd(), ...(opts.config ? { configPath: opts.config } : {}), overrides: overridesFrom(opts) });
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
          ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
          ...(opts.waitTimeout ? { waitTimeoutMs: opts.waitTimeout } : {}),
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
