import type { Command } from 'commander';
import { UcspError } from '../../errors/index.js';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { c, out, printJson } from '../output.js';

export function registerReset(program: Command): void {
  addRemoteFlags(
    program
      .command('reset')
      .description('forget all state of a running sandbox: orders, refunds, contracts, notices, msgIDs, faults, outcomes, journal (POST /control/reset)')
      .option('-y, --yes', 'do not ask (needed when not on a terminal)', false),
  )
    .addHelpText(
      'after',
      `
On a terminal it asks first (no: nothing changes, exit 130); in scripts give --yes (without it,
it refuses: exit 2).

Examples:
  $ npx ucsp-sandbox reset
  $ npx ucsp-sandbox reset --yes --sandbox http://127.0.0.1:7300`,
    )
    .action(async (opts: RemoteFlags & { yes: boolean }) => {
      const client = await ControlClient.connect(opts);
      if (!opts.yes) {
        if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UcspError('usage', 'reset forgets every order, notice and journal entry of the sandbox: give --yes to do it without a question');
        const { confirm } = await import('@inquirer/prompts');
        const go = await confirm({ message: `Forget every order, contract, notice and journal entry of the sandbox at ${client.base}?`, default: false });
        if (!go) {
          // as step does when the answer is no: stopped, nothing done
          out('nothing changed');
          process.exitCode = 130;
          return;
        }
      }
      await client.post('/reset');
      if (opts.json) return printJson({ reset: true, sandbox: client.base });
      out(`${c.green('reset')} the sandbox at ${client.base} holds nothing now`);
    });
}
