/**
 * The command line. The only place that reads argv and turns errors into exit codes:
 * 0 success, 1 a finding (invalid signature, failed check), 2 usage or unreadable input, 130 interrupted.
 */
import { Command, CommanderError } from 'commander';
import { isUcspError, packageVersion } from '../errors/index.js';
import { registerDemo } from './commands/demo.js';
import { registerKeys } from './commands/keys.js';
import { registerLint } from './commands/lint.js';
import { registerStart } from './commands/start.js';
import { registerRun } from './commands/run.js';
import { registerStep } from './commands/step.js';
import { registerInit } from './commands/init.js';
import { registerSign } from './commands/sign.js';
import { registerVerify } from './commands/verify.js';
import { registerClock } from './commands/clock.js';
import { registerLogs } from './commands/logs.js';
import { registerNotices } from './commands/notices.js';
import { registerOrders } from './commands/orders.js';
import { registerReset } from './commands/reset.js';
import { registerStatus } from './commands/status.js';
import { registerTrigger } from './commands/trigger.js';
import { configureColour, err } from './output.js';


/** Every command, by name, in the order `--help` lists them. */
const COMMANDS: readonly (readonly [string, (program: Command) => void])[] = [
  ['keys', registerKeys],
  ['sign', registerSign],
  ['verify', registerVerify],
  ['lint', registerLint],
  ['demo', registerDemo],
  ['start', registerStart],
  ['run', registerRun],
  ['step', registerStep],
  ['init', registerInit],
  // a running sandbox, through its control API
  ['status', registerStatus],
  ['logs', registerLogs],
  ['trigger', registerTrigger],
  ['notices', registerNotices],
  ['orders', registerOrders],
  ['clock', registerClock],
  ['reset', registerReset],
];

/**
 * The program with every command, or with only `only` when the command line names one: its options,
 * help and errors are the same either way, and the others are not built (all of them cost `start`
 * ~20 ms of its way to ready).
 */
export function buildProgram(only?: string): Command {
  const program = new Command('ucsp-sandbox')
    .description('Local sandbox and conformance tester for UnionPay UCSP Industry Services')
    .version(packageVersion())
    .option('--no-color', 'disable colour (also NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText(
      'after',
      `
Exit codes: 0 success · 1 invalid / failed · 2 usage or unreadable input · 130 interrupted

Examples:
  $ ucsp-sandbox keys init --out ./keys
  $ ucsp-sandbox sign order.json --key keys/partner.key.pem --cert keys/partner.cert.pem > signed.json
  $ ucsp-sandbox verify signed.json --cert keys/partner.cert.pem
  $ ucsp-sandbox lint signed.json
  $ ucsp-sandbox start                        # then, in another terminal:
  $ ucsp-sandbox logs --follow
  $ ucsp-sandbox trigger payment.approved`,
    );
  program.hook('preAction', (_this, action) => {
    const opts = action.optsWithGlobals() as { json?: boolean; color?: boolean };
    configureColour({ json: opts.json, color: opts.color });
  });
  for (const [name, register] of COMMANDS) if (only === undefined || name === only) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the exit code; never throws. */
/**
 * `ucsp-sandbox … | head`: once stdout's reader is gone there is nothing left to say; stop quietly
 * (as tail and git do) instead of dying on an unhandled EPIPE.
 */
function quitWhenStdoutCloses(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

export async function main(argv: string[]): Promise<number> {
  quitWhenStdoutCloses();
  const named = argv[2];
  const program = buildProgram(COMMANDS.some(([name]) => name === named) ? named : undefined);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; anything else commander rejects is a usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      return 2;
    }
    if ((e as Error)?.name === 'ExitPromptError') return 130;
    if (isUcspError(e)) {
      err(`ucsp-sandbox: ${e.message}`);
      for (const d of e.details) err(`  ${d}`);
      return e.exitCode;
    }
    err(`ucsp-sandbox: internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.DEBUG) err(e instanceof Error ? (e.stack ?? '') : '');
    return 1;
  }
}
