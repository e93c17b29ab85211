/**
 * The live log: the journal followed as it grows, one line (pretty) or one JSON object (json) per
 * exchange, written to a stream (stderr, a file). Off the request path: the journal's subscriber
 * only joins entries into exchanges and queues them; they are formatted and written once per turn
 * of the event loop, in one write, after the answers of that turn have gone. Never blocking and
 * never growing without bound: while the stream holds more than `maxBacklogChars` unwritten (a
 * terminal or a pipe nobody reads), or MAX_QUEUED exchanges wait, exchanges are counted instead
 * of queued, and one line says how many were left out once the stream takes text again.
 */
import type { Writable } from 'node:stream';
import type { Journal } from './journal.js';
import { ExchangeJoiner, describeExchange, formatRecord, type Exchange, type LineOptions } from './log-line.js';

export type LogFormat = 'pretty' | 'json';
/** Exchanges waiting for the next write, past which more are counted instead. */
export const MAX_QUEUED = 10_000;
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

export interface LogSinkOptions extends LineOptions {
  format: LogFormat;
  /** Unwritten characters past which exchanges are left out (default 1 MiB). */
  maxBacklogChars?: number;
  /** The stream failed (a file on a full disk…): told once, and the sink writes nothing more. */
  onError?(e: Error): void;
}

export class LogSink {
  /** Exchanges (and lines about the log itself) waiting for the next write. */
  private queue: (Exchange | string)[] = [];
  private scheduled = false;
  private left = 0;
  private waitingForDrain = false;
  private broken = false;
  private readonly max: number;

  constructor(
    private readonly out: Writable,
    private readonly o: LogSinkOptions,
  ) {
    this.max = o.maxBacklogChars ?? 1024 * 1024;
    out.on('error', (e: Error) => {
      if (this.broken) return;
      this.broken = true;
      this.queue = [];
      o.onError?.(e);
    });
  }

  /** Exchanges left out so far because the stream fell behind (and not yet said). */
  get leftOut(): number {
    return this.left;
  }

  exchange(x: Exchange): void {
    if (this.broken) return;
    if (this.out.writableLength > this.max || this.queue.length >= MAX_QUEUED) {
      this.left++;
      if (!this.waitingForDrain) {
        this.waitingForDrain = true;
        this.out.once('drain', () => {
          this.waitingForDrain = false;
          this.schedule();
        });
      }
      return;
    }
    this.queue.push(x);
    this.schedule();
  }

  /** A line about the log itself: the sandbox was reset, or is closing. */
  event(event: 'reset' | 'end', words: string): void {
    if (this.broken) return;
    this.queue.push(this.o.format === 'json' ? JSON.stringify({ event, note: words }) : `── ${words} ──`);
    this.schedule();
  }

  private line(x: Exchange): string {
    const r = describeExchange(x);
    return this.o.format === 'json' ? JSON.stringify(r) : formatRecord(r, this.o);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes what is queued now, in one write. */
  flush(): void {
    this.scheduled = false;
    if (this.broken || (!this.queue.length && !this.left)) return;
    let text = '';
    if (this.left && !this.waitingForDrain) {
      text += `${this.o.format === 'json' ? JSON.stringify({ event: 'left-out', count: this.left }) : `── ${this.left} exchange${this.left === 1 ? '' : 's'} left out: the log's reader fell behind ──`}\n`;
      this.left = 0;
    }
    if (this.queue.length) text += `${this.queue.map((item) => (typeof item === 'string' ? item : this.line(item))).join('\n')}\n`;
    this.queue = [];
    if (text) this.out.write(text);
  }
}

/**
 * Follows a journal into sinks until the returned function is called: exchanges joined as they
 * complete (ExchangeJoiner); a reset and the sandbox's end are said in one line each.
 */
export function followJournal(journal: Journal, sinks: LogSink[], partner?: string): () => void {
  const each = (f: (s: LogSink) => void) => {
    for (const s of sinks) f(s);
  };
  // the partner's insID on each line, when several partners share the sandbox
  const joiner = new ExchangeJoiner((x) => each((s) => s.exchange(partner === undefined ? x : { ...x, partner })));
  const unsubscribe = journal.subscribe({
    entry: (e) => joiner.push(e),
    cleared: () => {
      joiner.flush();
      each((s) => s.event('reset', partner === undefined ? 'the sandbox was reset' : `partner ${partner} was reset`));
    },
    ended: () => {
      joiner.flush();
      each((s) => s.flush());
    },
  });
  return () => {
    unsubscribe();
    joiner.flush();
    each((s) => s.flush());
  };
}
