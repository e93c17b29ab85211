import type { Command } from 'commander';
import { describeDuration } from '../../journal/log-line.js';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { c, out, printJson } from '../output.js';
import { parseDuration } from '../remote-args.js';

export interface ClockView {
  now: number;
  timeScale: number;
  nextTimerAt: number | null;
  hold: object | null;
}

/** `2026-11-25T04:00:01.000Z (manual: moves only when advanced)`, and the next timer. */
export function describeClock(k: ClockView): string {
  const scale = k.timeScale === 0 ? 'manual: moves only when advanced' : k.timeScale === 1 ? 'real time' : `${k.timeScale}× real time`;
  const next = k.nextTimerAt === null ? '' : ` · next timer in ${describeDuration(Math.max(0, k.nextTimerAt - k.now))}`;
  return `${new Date(k.now).toISOString()} (${scale}${k.hold ? ', held by a conformance run' : ''})${next}`;
}

export function registerClock(program: Command): void {
  const clock = addRemoteFlags(program.command('clock').description("the sandbox's virtual clock: show it (GET /control/clock), or advance it"))
    .addHelpText(
      'after',
      `
Every sandbox timer — notice retries, issuer inquiries, order expiry — runs on this clock.

Examples:
  $ npx ucsp-sandbox clock
  $ npx ucsp-sandbox clock advance 15m      # fires every timer that falls due, in order
  $ npx ucsp-sandbox clock advance 1h30m --json`,
    )
    .action(async (opts: RemoteFlags) => {
      const client = await ControlClient.connect(opts);
      const k = await client.get<ClockView>('/clock');
      if (opts.json) return printJson(k);
      out(`sandbox time ${describeClock(k)}`);
    });
  addRemoteFlags(
    clock
      .command('advance')
      .description('move the clock forward, firing every timer that falls due, in order (POST /control/clock/advance)')
      .argument('<duration>', 'how far: 90s, 15m, 7h, 1d, 1h30m (up to 366 days)', parseDuration),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ npx ucsp-sandbox clock advance 15s      # the first notice retry
  $ npx ucsp-sandbox clock advance 7h       # past the whole notice retry schedule`,
    )
    .action(async (ms: number, _local: RemoteFlags, cmd: Command) => {
      // `clock advance 15m --json`: clock's own flags take what follows too (commander), so both count
      const opts = cmd.optsWithGlobals() as RemoteFlags;
      const client = await ControlClient.connect(opts);
      const before = await client.get<ClockView>('/clock');
      // an advance waits for what it fires (notice answers): as long as the partner takes, bounded
      const after = await client.post<{ now: number; nextTimerAt: number | null }>('/clock/advance', { ms }, { timeoutMs: 10 * 60_000 });
      if (opts.json) return printJson({ advancedMs: ms, from: before.now, ...after });
      out(`${c.green('advanced')} ${describeDuration(ms)}: sandbox time ${describeClock({ ...before, ...after })}`);
    });
}
