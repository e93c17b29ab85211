import { InvalidArgumentError, type Command } from 'commander';
import { addConfigFlags, overridesFrom, type ConfigFlags } from '../config-flags.js';
import { c, err, out } from '../output.js';
import { untilSignal } from '../signals.js';

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
      .option('--workers <n>', "sign answers in N worker threads, or 0: in the main thread (default: on Node's thread pool, beside the main thread)", parseWorkers),
  )
    .addHelpText(
      'after',
      `
Ports: UCSP on --port, the channel app on --port+1, the issuer on --port+2 (default 7300–7302).

Examples:
  $ npx ucsp-sandbox start
  $ npx ucsp-sandbox start --port 0 --json
  $ npx ucsp-sandbox start --host 0.0.0.0 --public-url http://192.168.1.20   # reached from other machines (prints a control token)
  $ npx ucsp-sandbox start --config ./ucsp-sandbox.config.json --time-scale 0
  $ npx ucsp-sandbox start --store postgres://sandbox:secret@db.example:5432/ucsp   # state shared by every instance on that database`,
    )
    .action(async (opts: ConfigFlags & { json: boolean; workers?: number }) => {
      // loaded here, not at start-up of the CLI: every other command starts faster
      const [{ loadConfig }, { startSandbox }, { isWildcard }] = await Promise.all([import('../../config/load-config.js'), import('../../sandbox/start-sandbox.js'), import('../../config/public-urls.js')]);
      const loaded = await loadConfig({ cwd: process.cwd(), ...(opts.config ? { configPath: opts.config } : {}), overrides: overridesFrom(opts) });
      const sandbox = await startSandbox(loaded.config, opts.workers === undefined ? {} : { workers: opts.workers });
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
        err(`  login hand-off:      ${urls.ucsp}/ucsp/authorize?industryCode=${loaded.config.partner.industryCode}&channelCode=${loaded.config.channels[0]?.channelCode}`);
        err(`  control API:         ${urls.ucsp}/control/status`);
        if (sandbox.generatedToken) err(`  control API token:   ${sandbox.generatedToken}  (reached beyond loopback: the control API and the issuer's transactions need Authorization: Bearer <token>; set controlToken to choose one)`);
        const shared = sandbox.runtime.shared;
        err(`  state:               ${shared ? `shared in PostgreSQL ${shared.where} (instance ${shared.instance})` : loaded.config.dataDir ? `durable in ${loaded.config.dataDir}` : 'in memory (--data DIR to keep it across restarts)'}`);
        err(`  health:              ${urls.ucsp}/healthz · ${urls.ucsp}/readyz`);
        if (loaded.usedDefaults || sandbox.generatedKeys) {
          err('  register with your Industry Service:');
          err(`    UCSP certificate (verify UCSP's messages): ${files.ucspCertificate} (signCertID ${sandbox.runtime.ucspCertificate.serial})`);
          err(`    your certificate (UCSP verifies yours):    ${files.partnerCertificate}`);
          err(`    your INDUSTRY_INDEX_URL:                   ${loaded.config.partner.indexUrl}`);
        }
        err('  Ctrl-C to stop');
      }
      const code = await stopped;
      await sandbox.close();
      if (!opts.json) err('stopped');
      process.exitCode = code;
    });
}
