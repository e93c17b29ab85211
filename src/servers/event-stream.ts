/**
 * `GET /control/events`: the journal as a live stream (server-sent events), for the inspector,
 * `ucsp-sandbox logs --follow` and anyone with `curl -N`.
 *
 *   id: <seq>            every journal entry, as GET /control/journal shows it (masked unless
 *   event: entry         --show-pii), filtered by ?orderId, ?msgType, ?channel
 *   data: {…}
 *
 *   event: reset         the sandbox was reset (the journal is empty again)
 *   event: gap           entries asked for (since / Last-Event-ID) fell off the journal: {"from","to"}
 *   event: overflow      the reader is too slow: the stream ends; reconnect with Last-Event-ID
 *   event: end           the sandbox is closing
 *
 * A stream starts with the kept entries after `?since=SEQ` or the `Last-Event-ID` header (what an
 * EventSource sends when it reconnects), then follows. Without either it starts at the next entry.
 * A comment line every 15 s keeps proxies from closing it. Memory per reader is bounded: past
 * MAX_QUEUED events unread by the client, the stream ends with `overflow` instead of growing.
 */
import type { Request, Response } from 'express';
import { UcspError } from '../errors/index.js';
import { JOURNAL_CHANNELS, type JournalChannel, type JournalEntry, type Journal } from '../journal/journal.js';

export const HEARTBEAT_MS = 15_000;
/** Bytes handed to the socket before waiting for it to drain. */
const HIGH_WATER = 256 * 1024;
/** Events waiting for a slow reader, past which its stream is ended (the journal keeps at most 10,000 entries). */
export const MAX_QUEUED = 20_000;

export interface EventFilter {
  orderId?: string;
  msgType?: string;
  channel?: JournalChannel;
}

/**
 * The filter and starting point of a stream, from its query and (for the stream itself, not
 * `GET /control/journal`) Last-Event-ID; bad input is a usage error.
 */
export function eventRequest(req: Request, o: { lastEventId: boolean } = { lastEventId: true }): { filter: EventFilter; since?: number } {
  const q = req.query as Record<string, unknown>;
  const text = (k: string): string | undefined => {
    const v = q[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0 || v.length > 128) throw new UcspError('usage', `${k} must be a non-empty string`);
    return v;
  };
  const channel = text('channel');
  if (channel !== undefined && !(JOURNAL_CHANNELS as readonly string[]).includes(channel)) throw new UcspError('usage', `channel must be one of ${JOURNAL_CHANNELS.join(', ')}`);
  const sinceText = text('since') ?? (o.lastEventId && typeof req.headers['last-event-id'] === 'string' && req.headers['last-event-id'] !== '' ? req.headers['last-event-id'] : undefined);
  let since: number | undefined;
  if (sinceText !== undefined) {
    since = Number(sinceText);
    if (!/^\d{1,15}$/.test(sinceText) || !Number.isSafeInteger(since)) throw new UcspError('usage', 'since (or Last-Event-ID) must be a journal seq: a non-negative integer');
  }
  const orderId = text('orderId');
  const msgType = text('msgType');
  return {
    filter: { ...(orderId ? { orderId } : {}), ...(msgType ? { msgType } : {}), ...(channel ? { channel: channel as JournalChannel } : {}) },
    ...(since !== undefined ? { since } : {}),
  };
}

export function matches(e: JournalEntry, f: EventFilter): boolean {
  return (f.orderId === undefined || e.orderId === f.orderId) && (f.msgType === undefined || e.msgType === f.msgType) && (f.channel === undefined || e.channel === f.channel);
}

/** One server-sent event; data is one line of JSON (JSON.stringify never writes a newline). */
export function sseEvent(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Serves one stream until the client goes, the reader overflows or the sandbox closes. `view`
 * shapes each entry as the journal call does (masking). Entries wait in a queue of references to
 * the journal's own entries and are written while the socket takes them (backpressure): a replay
 * of the whole journal costs no copy, and a reader MAX_QUEUED entries behind is ended (`overflow`).
 */
export function serveEvents(req: Request, res: Response, journal: Journal, view: (e: JournalEntry) => unknown): void {
  const { filter, since } = eventRequest(req);
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
  // the socket must not time out while the stream waits for entries
  req.socket.setTimeout(0);
  const queue: (JournalEntry | string)[] = ['retry: 1000\n\n'];
  let open = true;
  let waitingForDrain = false;
  const pump = (): void => {
    while (open && queue.length && res.writableLength < HIGH_WATER) {
      const item = queue.shift()!;
      res.write(typeof item === 'string' ? item : sseEvent('entry', view(item), item.seq));
    }
    if (open && queue.length && !waitingForDrain) {
      waitingForDrain = true;
      res.once('drain', () => {
        waitingForDrain = false;
        pump();
      });
    }
  };
  const push = (item: JournalEntry | string): void => {
    if (!open) return;
    if (queue.length >= MAX_QUEUED) {
      return finish(sseEvent('overflow', { error: `the reader fell ${queue.length} events behind; reconnect with Last-Event-ID to go on`, lastSeq: journal.lastSeq }));
    }
    queue.push(item);
    pump();
  };
  const heartbeat = setInterval(() => push(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const unsubscribe = journal.subscribe({
    entry: (e) => {
      if (matches(e, filter)) push(e);
    },
    cleared: () => push(sseEvent('reset', { lastSeq: journal.lastSeq })),
    ended: () => finish(sseEvent('end', { reason: 'the sandbox is closing' })),
  });
  function finish(last?: string): void {
    if (!open) return;
    open = false;
    queue.length = 0;
    clearInterval(heartbeat);
    unsubscribe();
    if (last && !res.writableEnded) res.write(last);
    res.end();
  }
  res.on('close', () => finish());
  // what was asked for from the past, then live
  if (since !== undefined) {
    if (since + 1 < journal.firstSeq && since < journal.lastSeq) queue.push(sseEvent('gap', { from: since + 1, to: journal.firstSeq - 1 }));
    for (const e of journal.query({ ...filter, sinceSeq: since })) queue.push(e);
  }
  pump();
}
