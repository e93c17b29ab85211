/**
 * Every message in and out, in order: raw text, signature verdict, response code, timing, order.
 * Bounded: past `limit` the oldest entries fall off and are counted in `dropped`, never silently.
 */
import { maskEncodedMobiles, maskJsonText } from '../schemas/mask.js';
import { TextRing } from '../protocol/text-ring.js';

/** Where an entry happened: the wire API, a notice, the login hand-off, the cashier, a signing, the issuer. */
export const JOURNAL_CHANNELS = ['api', 'notice', 'login', 'cashier', 'signing', 'issuer'] as const;
export type JournalChannel = (typeof JOURNAL_CHANNELS)[number];

export interface SignatureVerdict {
  valid: boolean;
  problem?: string;
  summary: string;
  details?: string[];
}

export interface JournalEntry {
  seq: number;
  /** Virtual time. */
  at: number;
  /** Wall-clock time. */
  wallAt: number;
  direction: 'in' | 'out';
  channel: JournalChannel;
  msgType?: string;
  msgID?: string;
  orderId?: string;
  /** The exact text as sent or received. */
  raw: string;
  signature?: SignatureVerdict;
  responseCode?: string;
  httpStatus?: number;
  durationMs?: number;
  /** For an answer: the seq of the message it answers. */
  replyTo?: number;
  peer?: string;
  note?: string;
  /**
   * An answer corrupted on purpose (control API answer fault): `raw` and `responseCode` are what
   * was sent; `genuineCode` is UCSP's real answer, kept for byte-for-byte repeats.
   */
  corrupted?: { fault: string; genuineCode: string; code: string };
  /** A notice attempt (on the notice and on the partner's answer): which one, and what follows it. */
  attempt?: NoticeAttemptInfo;
}

/**
 * Where a notice attempt stands in its schedule. On the attempt: `n` of `of` (scheduled), or an
 * extra copy. On the partner's answer also what follows: delivered, the next attempt (sandbox
 * clock), or given up — for a scheduled attempt only (an extra copy never moves the schedule).
 */
export interface NoticeAttemptInfo {
  noticeId: string;
  kind: 'scheduled' | 'extra';
  /** The scheduled attempt's number (1 = the first), or the number of the copy among the notice's attempts. */
  n: number;
  /** Scheduled attempts in the retry schedule. */
  of: number;
  /** On the answer to a scheduled attempt: what the notice does next. */
  then?: 'delivered' | 'retry' | 'gave-up';
  /** With `then: "retry"`: when the next attempt is due (sandbox clock, epoch ms). */
  nextAt?: number;
}

export interface JournalQuery {
  orderId?: string;
  msgType?: string;
  channel?: JournalChannel;
  sinceSeq?: number;
  limit?: number;
}

/** Someone following the journal live (an event stream, the terminal log). */
export interface JournalSubscriber {
  /** Each entry as it is added. */
  entry(e: JournalEntry): void;
  /** The journal was cleared (a reset). */
  cleared?(): void;
  /** The sandbox is closing: stop following. */
  ended?(): void;
}

export class Journal {
  /**
   * The kept entries, oldest first: each as its JSON text without `raw` in `texts`, and its raw
   * text as written in `raws` (both TextRings: bytes outside V8's heap), with what queries filter on
   * beside them (see `seqs`) — the k-th kept entry ↔ text id `texts.first + k` (the same id in both). An entry is read
   * back by parsing its text and putting its raw text back (a copy each time). Kept apart, the raw
   * text is copied as it is instead of being escaped into JSON and unescaped again.
   */
  private readonly texts = new TextRing();
  private readonly raws = new TextRing();
  /**
   * What queries filter on, per kept entry, in rings of `capacity` slots (the k-th kept entry, k
   * from 0, in slot (start + k) mod capacity), grown by doubling up to `limit` and then written in
   * place: arrays pushed to and sliced, one element a request, made V8 copy them again and again,
   * into its old generation.
   */
  private seqs: number[] = [];
  private orderIds: (string | undefined)[] = [];
  private msgTypes: (string | undefined)[] = [];
  private channels: (JournalChannel | undefined)[] = [];
  private weights: number[] = [];
  private capacity = 0;
  private start = 0;
  private count = 0;
  private chars = 0;
  private nextSeq = 1;
  dropped = 0;
  /** Told of every entry added, for durable state. */
  listener: ((e: JournalEntry) => void) | undefined;
  private waiters: (() => void)[] = [];
  private readonly subscribers = new Set<JournalSubscriber>();

  /**
   * A ring bounded twice: at most `limit` entries and `limitChars` characters of raw text (and
   * notes) in all; past either, the oldest entries fall off, counted in `dropped`.
   */
  constructor(
    private limit = 10_000,
    private readonly limitChars = 32 * 1024 * 1024,
  ) {}

  /** Adds an entry: the object given becomes the entry (it gets its `seq`), so pass a new one. */
  add(e: Omit<JournalEntry, 'seq'>): JournalEntry {
    // the object is completed in place: copying it (`{ ...e, seq }`) costs V8 a new hidden class each time
    const entry = e as JournalEntry;
    entry.seq = this.nextSeq++;
    this.listener?.(entry);
    for (const s of this.subscribers) s.entry(entry);
    if (this.waiters.length) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
    this.keep(entry);
    return entry;
  }

  private keep(entry: JournalEntry): void {
    if (this.limit <= 0) {
      this.dropped++;
      return;
    }
    // `raw` stays where it is in the entry's JSON (as ""), so that the entry reads back in its order
    const raw = entry.raw;
    entry.raw = '';
    try {
      this.texts.append(JSON.stringify(entry));
    } finally {
      entry.raw = raw;
    }
    this.raws.append(raw);
    let dropped = 0;
    if (this.count === this.capacity) {
      if (this.capacity < this.limit) this.grow();
      else {
        this.dropOldest();
        dropped++;
      }
    }
    const slot = this.slot(this.count++);
    const w = weight(entry);
    this.seqs[slot] = entry.seq;
    this.orderIds[slot] = entry.orderId;
    this.msgTypes[slot] = entry.msgType;
    this.channels[slot] = entry.channel;
    this.weights[slot] = w;
    this.chars += w;
    while (this.chars > this.limitChars && this.count > 1) {
      this.dropOldest();
      dropped++;
    }
    if (dropped) {
      this.dropped += dropped;
      this.texts.dropBefore(this.texts.first + dropped);
      this.raws.dropBefore(this.raws.first + dropped);
    }
  }

  /** The slot of the k-th kept entry (0: the oldest). */
  private slot(k: number): number {
    const s = this.start + k;
    return s >= this.capacity ? s - this.capacity : s;
  }

  /** Lets go of the oldest kept entry's filter fields (its texts: by the caller). */
  private dropOldest(): void {
    const s = this.start;
    this.chars -= this.weights[s]!;
    this.orderIds[s] = undefined;
    this.msgTypes[s] = undefined;
    this.channels[s] = undefined;
    this.start = s + 1 === this.capacity ? 0 : s + 1;
    this.count--;
  }

  /** Doubles the rings (from 1,024 slots, at most `limit`), the kept entries first in order. */
  private grow(): void {
    const capacity = Math.min(this.limit, Math.max(1024, this.capacity * 2));
    const copy = <T>(ring: T[], fill: T): T[] => {
      const out = new Array<T>(capacity).fill(fill);
      for (let k = 0; k < this.count; k++) out[k] = ring[this.slot(k)]!;
      return out;
    };
    this.seqs = copy(this.seqs, 0);
    this.weights = copy(this.weights, 0);
    this.orderIds = copy(this.orderIds, undefined);
    this.msgTypes = copy(this.msgTypes, undefined);
    this.channels = copy(this.channels, undefined);
    this.capacity = capacity;
    this.start = 0;
  }

  /** The k-th kept entry (0: the oldest), read back from its text. */
  private entryAt(k: number): JournalEntry {
    const id = this.texts.first + k;
    const e = JSON.parse(this.texts.get(id)!) as JournalEntry;
    e.raw = this.raws.get(id)!;
    return e;
  }

  /** Follows the journal live until the returned function is called. */
  subscribe(s: JournalSubscriber): () => void {
    this.subscribers.add(s);
    return () => void this.subscribers.delete(s);
  }

  /** Tells every subscriber the sandbox is closing, and forgets them. */
  endSubscriptions(): void {
    const all = [...this.subscribers];
    this.subscribers.clear();
    for (const s of all) s.ended?.();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Resolves when the next entry is added (long polls wait on it). */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Entries in order, oldest first. */
  all(): JournalEntry[] {
    return this.query();
  }

  query(q: JournalQuery = {}): JournalEntry[] {
    const hits: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      if (
        (q.orderId === undefined || this.orderIds[i] === q.orderId) &&
        (q.msgType === undefined || this.msgTypes[i] === q.msgType) &&
        (q.channel === undefined || this.channels[i] === q.channel) &&
        (q.sinceSeq === undefined || this.seqs[i]! > q.sinceSeq)
      )
        hits.push(k);
    }
    const from = q.limit !== undefined && hits.length > q.limit ? hits.length - q.limit : 0;
    const out: JournalEntry[] = [];
    for (let k = from; k < hits.length; k++) out.push(this.entryAt(hits[k]!));
    return out;
  }

  get size(): number {
    return this.count;
  }

  /** Characters of raw text and notes kept. */
  get sizeChars(): number {
    return this.chars;
  }

  /** The seq of the oldest entry kept (lastSeq + 1 when none is). */
  get firstSeq(): number {
    return this.count > 0 ? this.seqs[this.start]! : this.nextSeq;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get cap(): number {
    return this.limit;
  }

  clear(): void {
    this.texts.clear();
    this.raws.clear();
    this.seqs = [];
    this.orderIds = [];
    this.msgTypes = [];
    this.channels = [];
    this.weights = [];
    this.capacity = 0;
    this.start = 0;
    this.count = 0;
    this.chars = 0;
    this.dropped = 0;
    for (const s of this.subscribers) s.cleared?.();
  }

  /** Restores entries (durable state); keeps the order and the sequence. */
  restore(entries: JournalEntry[], dropped: number): void {
    this.clear();
    for (const e of entries) this.keep(e);
    this.dropped += dropped;
    this.nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  }
}

/** What an entry weighs in the journal's bound: its raw text and note, in characters. */
function weight(e: JournalEntry): number {
  return e.raw.length + (e.note?.length ?? 0);
}

/** How much of a body that could not be read as JSON the journal keeps (characters). */
export const UNREADABLE_KEPT_CHARS = 2048;

/**
 * The journal's copy of a body that could not be read as JSON (not UTF-8, not JSON, nested too
 * deep…): its first UNREADABLE_KEPT_CHARS characters, and a note that says so. Anyone can send such
 * bodies (the wire API takes any content type); keeping them whole would let them fill the journal.
 */
export function truncateUnreadable(raw: string, byteLength: number): { raw: string; note?: string } {
  if (raw.length <= UNREADABLE_KEPT_CHARS) return { raw };
  return { raw: raw.slice(0, UNREADABLE_KEPT_CHARS), note: `unreadable body: journalled truncated, its first ${UNREADABLE_KEPT_CHARS} characters of ${byteLength} bytes` };
}

/**
 * Masks mobiles and card-number-shaped values in raw text for views, field by field. Linear in the
 * text, whatever it holds (see maskJsonText): a view of hostile bodies costs what reading them does.
 */
export function maskRaw(raw: string): string {
  return maskEncodedMobiles(maskJsonText(raw));
}

/** Deeper than this, a parsed view is left out: it would cost recursion to write it back out. */
export const VIEW_MAX_DEPTH = 64;

/** Whether a parsed JSON value nests no deeper than `max` (an explicit stack, no recursion). */
function withinDepth(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return true;
}

/** An entry with `raw` as given and, when it is JSON nesting no deeper than VIEW_MAX_DEPTH, parsed. */
function withParsed(e: JournalEntry, raw: string): JournalEntry & { parsed?: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
    if (!withinDepth(parsed, VIEW_MAX_DEPTH)) parsed = undefined;
  } catch {
    parsed = undefined;
  }
  return { ...e, raw, ...(parsed === undefined ? {} : { parsed }) };
}

/**
 * An entry as shown to people and scripts: masked raw text and, when the text is JSON nesting no
 * deeper than VIEW_MAX_DEPTH, the parsed message. Linear in the entry and free of recursion, so a
 * hostile body never makes the journal view slow or fail.
 */
export function viewEntry(e: JournalEntry): JournalEntry & { parsed?: unknown } {
  return withParsed(e, maskRaw(e.raw));
}

/** An entry with its parsed message, unmasked (`--show-pii`); as bounded as viewEntry. */
export function plainEntry(e: JournalEntry): JournalEntry & { parsed?: unknown } {
  return withParsed(e, e.raw);
}
