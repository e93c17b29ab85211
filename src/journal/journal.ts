/**
 * Every message in and out, in order: raw text, signature verdict, response code, timing, order.
 * Bounded: past `limit` the oldest entries fall off and are counted in `dropped`, never silently.
 */
import { maskEncodedMobiles, maskJsonText } from '../schemas/mask.js';

export type JournalChannel = 'api' | 'notice' | 'login' | 'cashier' | 'signing' | 'issuer';

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
}

export interface JournalQuery {
  orderId?: string;
  msgType?: string;
  channel?: JournalChannel;
  sinceSeq?: number;
  limit?: number;
}

export class Journal {
  private entries: JournalEntry[] = [];
  private head = 0;
  private nextSeq = 1;
  dropped = 0;
  /** Told of every entry added, for durable state. */
  listener: ((e: JournalEntry) => void) | undefined;
  private waiters: (() => void)[] = [];

  constructor(private limit = 10_000) {}

  add(e: Omit<JournalEntry, 'seq'>): JournalEntry {
    const entry = { ...e, seq: this.nextSeq++ } as JournalEntry;
    this.listener?.(entry);
    if (this.waiters.length) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
    if (this.limit <= 0) {
      this.dropped++;
      return entry;
    }
    if (this.entries.length < this.limit) this.entries.push(entry);
    else {
      this.entries[this.head] = entry;
      this.head = (this.head + 1) % this.limit;
      this.dropped++;
    }
    return entry;
  }

  /** Resolves when the next entry is added (long polls wait on it). */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Entries in order, oldest first. */
  all(): JournalEntry[] {
    return this.head === 0 ? [...this.entries] : [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
  }

  query(q: JournalQuery = {}): JournalEntry[] {
    let out = this.all().filter(
      (e) =>
        (q.orderId === undefined || e.orderId === q.orderId) &&
        (q.msgType === undefined || e.msgType === q.msgType) &&
        (q.channel === undefined || e.channel === q.channel) &&
        (q.sinceSeq === undefined || e.seq > q.sinceSeq),
    );
    if (q.limit !== undefined && out.length > q.limit) out = out.slice(out.length - q.limit);
    return out;
  }

  get size(): number {
    return this.entries.length;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get cap(): number {
    return this.limit;
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.dropped = 0;
  }

  /** Restores entries (durable state); keeps the order and the sequence. */
  restore(entries: JournalEntry[], dropped: number): void {
    this.clear();
    for (const e of entries.slice(-this.limit)) this.entries.push(e);
    this.dropped = dropped + Math.max(0, entries.length - this.limit);
    this.nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  }
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

/**
 * An entry as shown to people and scripts: masked raw text and, when the text is JSON nesting no
 * deeper than VIEW_MAX_DEPTH, the parsed message. Linear in the entry and free of recursion, so a
 * hostile body never makes the journal view slow or fail.
 */
export function viewEntry(e: JournalEntry): JournalEntry & { parsed?: unknown } {
  const raw = maskRaw(e.raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
    if (!withinDepth(parsed, VIEW_MAX_DEPTH)) parsed = undefined;
  } catch {
    parsed = undefined;
  }
  return { ...e, raw, ...(parsed === undefined ? {} : { parsed }) };
}
