import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { createWriteStream, openSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UcspError } from '../../errors/index.js';
import { LOG_FORMATS, LogSink, followJournal, type LogFormat } from '../../journal/live-log.js';
import { addConfigFlags, overridesFrom, type ConfigFlags } from '../config-flags.js';
import { c, err, out, paintFor, stderrColour } from '../output.js';
import { untilSignal } from '../signals.js';

interface LogFlags {
  log?: LogFormat;
  logFile?: string;
  quiet?: boolean;
}

/**
 * Where the live log goes: stderr (unless --quiet; with --json only when --log is given) and the
 * --log-file (appended, no colour). The file is opened now, before anything starts: a path that
 * cannot be written is a usage error, not a sandbox half-way up.
 */
function openLogs(flags: LogFlags & { json: boolean; color?: boolean }): { sinks: LogSink[]; onStderr: boolean; close(): Promise<void> } {
  const format = flags.log ?? 'pretty';
  const sinks: LogSink[] = [];
  let file: import('node:fs').WriteStream | undefined;
  if (flags.logFile !== undefined) {
    let fd: number;
    try {
      fd = openSync(flags.logFile, 'a', 0o600);
    } catch (e) {
      throw new UcspError('io', `cannot open the log file ${flags.logFile}: ${(e as Error).message}`);
    }
    file = createWriteStream('', { fd });
    const path = flags.logFile;
    sinks.push(new LogSink(file, { format, onError: (e) => err(`ucsp-sandbox: the log file ${path} cannot be written (${e.message}); the live log goes on without it`) }));
  }
  const onStderr = !flags.quiet && (!flags.json || flags.log !== undefined);
  if (onStderr) {
    sinks.push(new LogSink(process.stderr, { format, paint: paintFor(format === 'pretty' && stderrColour(flags.color)) }));
  }
  return {
    sinks,
    onStderr,
    close: () => (file ? new Promise<void>((resolve) => file.end(resolve)) : Promise.resolve()),
  };
}

/**
 * One signing thread when the machine has a second core: the RSA signature of each answer (the
 * bulk of a request's work) then runs beside the next request's JavaScript. Measured on 2 cores
 * (README "Performance"): ~1.4–1.65× the answers a second, p99 under half, 0–10 % more CPU per
 * answer; a second worker added nothing there. One core: signing in the main thread.
 */
export function defaultWorkers(): number {
  return availableParallelism() >= 2 ? 1 : 0;
}

/**
 * How far V8 lets the heap grow past the data still alive at its last full collection, in percent.
 * Left to itself, V8 picks 10–300 % from how fast the collector keeps up, and under a sustained
 * load on a busy 2-core machine it picked 300 %: a sandbox holding ~45 MB of orders, msgIDs and
 * journal reached 120–135 MB of heap, then stayed there (measured 2026-11-30, README
 * "Performance"). 30 % keeps a long-running sandbox's memory near what it holds, at the cost of a
 * few more full collections (mostly done concurrently, off the request path). `start` only: the
 * library leaves its host process's collector alone. The flag is read at every collection, so
 * setting it after V8 started takes effect; a Node whose V8 ignored it would only use more memory.
 */
export const HEAP_GROWING_PERCENT = 30;

function parseWorkers(v: string): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n > 64) throw new InvalidArgumentError('must be a whole number from 0 to 64');
  return n;
}

export function registerStart(program: Command): void {
  addConfigFlags(
    program
      .command('start')
      .description('run the mock UCSP, channel app and issuer locally until Ctrl-C')
      .option('--json', 'print one JSON object with the URLs when ready (nothing else on stdout)', false)
      .option('--workers <n>', `sign answers in N worker threads (spreads the RSA work over N cores; 0 = in the main thread; default ${defaultWorkers()}: 1 on a machine of 2 cores or more)`, parseWorkers, defaultWorkers())
      .addOption(new Option('--log <format>', 'the live log on stderr: pretty (one line per exchange) or json (one JSON object per line); with --json only when given').choices(LOG_FORMATS))
      .option('--log-file <path>', 'also append the live log to this file (no colour)')
      .option('--quiet', 'no live log on stderr'),
  )
    .addHelpText(
      'after',
      `
Ports: UCSP on --port, the channel app on --port+1, the issuer on --port+2 (default 7300–7302).

The live log: one line per exchange on stderr as it happens — who spoke to whom, the message type,
the order, the code, the signature verdict, the time taken, and for every refusal or failed notice
attempt the reason (notice attempts show their number and when the next one is due). stdout keeps
only the ready line (or, with --json, the one JSON object); with --json the live log is off unless
--log is given.

Examples:
  $ npx ucsp-sandbox start
  $ npx ucsp-sandbox start --port 0 --json
  $ npx ucsp-sandbox start --host 0.0.0.0 --public-url http://192.168.1.20   # reached from other machines (prints a control token)
  $ npx ucsp-sandbox start --config ./ucsp-sandbox.config.json --time-scale 0
  $ npx ucsp-sandbox start --store postgres://sandbox:secret@db.example:5432/ucsp   # state shared by every instance on that database
  $ npx ucsp-sandbox start --log json --log-file sandbox.ndjson   # NDJSON on stderr and in a file
  $ npx ucsp-sandbox start --quiet                               # no live log`,
    )
    .action(async (opts: ConfigFlags & LogFlags & { json: boolean; workers: number }, cmd: Command) => {
      const logs = openLogs({ ...opts, color: (cmd.optsWithGlobals() as { color?: boolean }).color });
      setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
      // loaded here, not at start-up of the CLI: every other command starts faster
      const [{ loadConfig }, { startSandbox }, { isWildcard }] = await Promise.all([import('../../config/load-config.js'), import('../../sandbox/start-sandbox.js'), import('../../config/public-urls.js')]);
      const loaded = await loadConfig({ cwd: process.cwd(), ...(opts.config ? { configPath: opts.config } : {}), overrides: overridesFrom(opts) });
      const sandbox = await startSandbox(loaded.config, { workers: opts.workers });
      // listen for Ctrl-C before saying ready: a script may stop us the moment it reads the line
      const stopped = untilSignal();
      const { urls, files } = sandbox;
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({
            ucsp: urls.ucsp,
            channel: urls.channel,
            issuer: urls.issuer,
            api: `${urls.ucsp}/ucsp/api`,
            control: `${urls.ucsp}/control`,
            ...(urls.ucsp !== sandbox.localUrls.ucsp ? { bound: sandbox.localUrls } : {}),
            ucspCertificate: files.ucspCertificate,
            ucspSignCertID: sandbox.runtime.ucspCertificate.serial,
            partnerCertificate: files.partnerCertificate,
            config: loaded.file ?? null,
            generatedKeys: sandbox.generatedKeys,
            ...(sandbox.generatedToken ? { controlToken: sandbox.generatedToken } : {}),
            ...(sandbox.runtimes.length > 1 ? { partners: sandbox.runtimes.map((r) => r.partnerSummary().insID) } : {}),
            dataDir: loaded.config.dataDir ?? null,
            ...(sandbox.runtime.shared ? { store: sandbox.runtime.shared.where, instance: sandbox.runtime.shared.instance } : {}),
          })}\n`,
        );
      } else {
        out(`${c.green('ready')} UCSP ${urls.ucsp} · channel app ${urls.channel} · issuer ${urls.issuer}`);
        if (urls.ucsp !== sandbox.localUrls.ucsp) err(`  bound at:            ${sandbox.localUrls.ucsp} · ${sandbox.localUrls.channel} · ${sandbox.localUrls.issuer} (links use the public URL)`);
        else if (isWildcard(loaded.config.host)) err(`  note:                bound to every interface, but links use 127.0.0.1: set --public-url (or publicUrl) to the address other machines reach`);
        err(`  config:              ${loaded.file ?? 'none (PROFILE §10 defaults)'}`);
        err(`  partner → UCSP API:  POST ${urls.ucsp}/ucsp/api`);
        const several = sandbox.runtimes.length > 1;
        if (several) {
          err(`  partners:            ${sandbox.runtimes.length}, routed by msgInfo.insID; each has its own orders, journal and clock, and its token (partners[].token)`);
          for (const r of sandbox.runtimes) {
            const p = r.config.partner;
            err(`    ${p.insID}  merId ${p.merId}  login ${urls.ucsp}/ucsp/authorize?industryCode=${p.industryCode}&channelCode=${loaded.config.channels[0]?.channelCode}`);
          }
        } else err(`  login hand-off:      ${urls.ucsp}/ucsp/authorize?industryCode=${loaded.config.partner.industryCode}&channelCode=${loaded.config.channels[0]?.channelCode}`);
        err(`  control API:         ${urls.ucsp}/control/status`);
        if (sandbox.generatedToken && several) err(`  admin token:         ${sandbox.generatedToken}  (every partner: name one with X-UCSP-Partner: <insID>, or --partner in the CLI; set controlToken to choose it)`);
        else if (sandbox.generatedToken) err(`  control API token:   ${sandbox.generatedToken}  (reached beyond loopback: the control API and the issuer's transactions need Authorization: Bearer <token>; set controlToken to choose one)`);
        const shared = sandbox.runtime.shared;
        err(`  state:               ${shared ? `shared in PostgreSQL ${shared.where} (instance ${shared.instance})` : loaded.config.dataDir ? `durable in ${loaded.config.dataDir}${several ? ' (a folder per partner, named by its insID)' : ''}` : 'in memory (--data DIR to keep it across restarts)'}`);
        err(`  health:              ${urls.ucsp}/healthz · ${urls.ucsp}/readyz`);
        if (loaded.usedDefaults || sandbox.generatedKeys) {
          err('  register with your Industry Service:');
          err(`    UCSP certificate (verify UCSP's messages): ${files.ucspCertificate} (signCertID ${sandbox.runtime.ucspCertificate.serial})`);
          err(`    your certificate (UCSP verifies yours):    ${files.partnerCertificate}`);
          err(`    your INDUSTRY_INDEX_URL:                   ${loaded.config.partner.indexUrl}`);
        }
        if (logs.onStderr) err(`  live log:            one line per exchange below${opts.logFile ? `, and in ${opts.logFile}` : ''} (--quiet for none, --log json for NDJSON)`);
        else if (opts.logFile) err(`  live log:            in ${opts.logFile}`);
        err('  Ctrl-C to stop');
      }
      // the journal followed from here on, formatted off the request path (live-log.ts)
      const follows = logs.sinks.length ? sandbox.runtimes.map((r) => followJournal(r.journal, logs.sinks, sandbox.runtimes.length > 1 ? r.config.partner.insID : undefined)) : [];
      const unfollow = () => follows.forEach((f) => f());
      const code = await stopped;
      await sandbox.close();
      unfollow();
      await logs.close();
      if (!opts.json) err('stopped');
      process.exitCode = code;
    });
}
