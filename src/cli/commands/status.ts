import type { Command } from 'commander';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { c, out, printJson } from '../output.js';
import { describeClock, type ClockView } from './clock.js';

interface StatusView {
  urls: { ucsp: string; channel: string; issuer: string };
  clock: { now: number; timeScale: number; pendingTimers: number; held: boolean };
  inFlight: number;
  orders: number;
  ordersInMemory: { size: number; limit: number; dropped: number; inDataFolderOnly: number };
  contracts: number;
  notices: number;
  journal: { size: number; dropped: number; lastSeq: number };
  answerForm: string;
}

export function registerStatus(program: Command): void {
  addRemoteFlags(program.command('status').description("a running sandbox at a glance: its URLs, clock, orders, notices and journal (GET /control/status)"))
    .addHelpText(
      'after',
      `
Examples:
  $ npx ucsp-sandbox status
  $ npx ucsp-sandbox status --sandbox http://127.0.0.1:7300 --json`,
    )
    .action(async (opts: RemoteFlags) => {
      const client = await ControlClient.connect(opts);
      const s = await client.get<StatusView>('/status');
      if (opts.json) return printJson(s);
      const clock: ClockView = { now: s.clock.now, timeScale: s.clock.timeScale, nextTimerAt: null, hold: s.clock.held ? {} : null };
      out(`${c.green('running')}  UCSP ${s.urls.ucsp} · channel app ${s.urls.channel} · issuer ${s.urls.issuer}`);
      out(`clock     ${describeClock(clock)} · ${s.clock.pendingTimers} timer${s.clock.pendingTimers === 1 ? '' : 's'} pending`);
      out(`orders    ${s.orders}${s.ordersInMemory.dropped ? ` (${s.ordersInMemory.dropped} forgotten past orderLimit)` : ''} · contracts ${s.contracts} · notices ${s.notices}`);
      out(`journal   ${s.journal.size} entries, last seq ${s.journal.lastSeq}${s.journal.dropped ? `, ${s.journal.dropped} older ones dropped` : ''}`);
      out(`in flight ${s.inFlight} · answers ${s.answerForm}`);
    });
}
