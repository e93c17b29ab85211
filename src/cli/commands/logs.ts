import type { Command } from 'commander';
import { UcspError } from '../../errors/index.js';
import type { JournalEntry } from '../../journal/journal.js';
import { ExchangeJoiner, describeExchange, formatRecord, type Exchange, type Paint } from '../../journal/log-line.js';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { c, err } from '../output.js';
import { parseFilter, parseLimit, parseSeq, type FilterKey } from '../remote-args.js';
import { untilSignal } from '../signals.js';

type LogsFlags = RemoteFlags & { follow?: boolean; filter: Partial<Record<FilterKey, string>>; since?: number; limit?: number };

/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads server-sent events out of text as it comes: feed() what arrived, get the events it
 * completes (a blank line ends one). Comments (`: keep-alive`) and `retry:` are skipped.
 */
export class SseReader {
  private buffer = '';
  feed(text: string): SseEvent[] {
    this.buffer += text.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length) events.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    }
    return events;
  }
}

/** Lines to stdout, waiting when it is full (a pager, a slow pipe): the sandbox's stream waits too. */
async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await new Promise((r) => process.stdout.once('drain', r));
}

function stdoutPaint(): Paint {
  return { dim: c.dim, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan, bold: c.bold };
}

export function registerLogs(program: Command): void {
  addRemoteFlags(
    program
      .command('logs')
      .description("a running sandbox's journal, one line per exchange as start's live log prints it (GET /control/journal; --follow: /control/events)")
      .option('-f, --follow', 'then keep printing exchanges as they happen, until Ctrl-C (or the sandbox stops)', false)
      .option('--filter <k=v,…>', 'only these: msgType=…, orderId=…, channel=api|notice|login|cashier|signing|issuer (comma-separated, repeatable)', parseFilter, {})
      .option('--since <seq>', 'only entries after this journal seq (with --follow: replayed first, then live)', parseSeq)
      .option('--limit <n>', 'only the last N matching entries (without --follow)', parseLimit),
  )
    .addHelpText(
      'after',
      `
Without --follow it prints the journal the sandbox keeps and exits; --follow without --since prints
what happens from now on. --json prints one JSON object per exchange (NDJSON), as start --log json.

Examples:
  $ npx ucsp-sandbox logs
  $ npx ucsp-sandbox logs --follow
  $ npx ucsp-sandbox logs --filter orderId=ORD2026112500001
  $ npx ucsp-sandbox logs -f --filter msgType=PAYMENT_RESULT_NOTICE,channel=notice --json
  $ npx ucsp-sandbox logs --follow --since 0          # everything kept, then live`,
    )
    .action(async (opts: LogsFlags) => {
      if (opts.follow && opts.limit !== undefined) throw new UcspError('usage', '--limit applies to the listing, not to --follow (use --since SEQ to replay from a point)');
      const client = await ControlClient.connect(opts);
      const paint = stdoutPaint();
      const lines: string[] = [];
      const joiner = new ExchangeJoiner((x: Exchange) => {
        const r = describeExchange(x);
        lines.push(opts.json ? JSON.stringify(r) : formatRecord(r, { paint }));
      });
      const say = async (event: string, words: string) => {
        if (opts.json) lines.push(JSON.stringify({ event, note: words }));
        else lines.push(c.dim(`── ${words} ──`));
      };
      const drain = async () => {
        const now = lines.splice(0);
        for (const l of now) await writeLine(l);
      };
      const q = new URLSearchParams(Object.entries(opts.filter) as [string, string][]);

      if (!opts.follow) {
        if (opts.since !== undefined) q.set('since', String(opts.since));
        if (opts.limit !== undefined) q.set('limit', String(opts.limit));
        const j = await client.get<{ entries: JournalEntry[]; dropped: number; lastSeq: number }>(`/journal?${q}`);
        for (const e of j.entries) {
          joiner.push(e);
          if (lines.length >= 256) await drain();
        }
        joiner.flush();
        await drain();
        if (!j.entries.length) err(c.dim('no exchanges in the journal (yet)'));
        if (j.dropped) err(c.dim(`${j.dropped} older entries fell off the journal (journalLimit)`));
        return;
      }

      // follow: server-sent events, until Ctrl-C, the sandbox's end, or a lost connection
      const stopped = untilSignal();
      const ac = new AbortController();
      let since = opts.since;
      const follow = async (): Promise<number> => {
        for (;;) {
          const res = await client.stream(`/events?${q}${since !== undefined ? `&since=${since}` : ''}`, ac.signal);
          const reader = new SseReader();
          const decoder = new TextDecoder();
          let reconnect = false;
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            for (const ev of reader.feed(decoder.decode(chunk, { stream: true }))) {
              if (ev.event === 'entry') {
                joiner.push(JSON.parse(ev.data) as JournalEntry);
                if (ev.id !== undefined) since = Number(ev.id);
              } else if (ev.event === 'reset') {
                joiner.flush();
                await say('reset', 'the sandbox was reset');
              } else if (ev.event === 'gap') {
                const g = JSON.parse(ev.data) as { from: number; to: number };
                await say('gap', `entries ${g.from}–${g.to} fell off the journal before they could be shown`);
              } else if (ev.event === 'overflow') {
                reconnect = true; // too slow for a moment: go on from the last entry seen
              } else if (ev.event === 'end') {
                joiner.flush();
                await say('end', 'the sandbox stopped');
                await drain();
                return 0;
              }
            }
            await drain();
            if (reconnect) break;
          }
          if (!reconnect) throw new UcspError('common', `the connection to the sandbox at ${client.base} was lost`);
        }
      };
      const following = follow();
      // after Ctrl-C the aborted stream rejects, and nobody waits for it any more
      following.catch(() => undefined);
      const code = await Promise.race([following, stopped]);
      ac.abort();
      joiner.flush();
      await drain();
      process.exitCode = code;
    });
}
