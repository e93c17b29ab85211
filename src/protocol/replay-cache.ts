/**
 * msgIDs seen from the partner (PROFILE §3, §8): unique per sender per day. A byte-for-byte repeat
 * gets the first answer again; the same msgID with other content is 11. Bounded twice: digests of
 * the newest `limit` msgIDs are kept (older ones fall off, counted), and the answers of only the
 * newest `answerLimit` of them — a byte-for-byte repeat of an older one is processed again, which
 * the handlers make harmless (same orderId, same content: the same answer, no second effect).
 */
export interface ReplayEntry {
  digest: string;
  /** The signed answer, while among the newest `answerLimit`. */
  answer?: string;
  at: number;
}

export type ReplayVerdict =
  | { kind: 'new' }
  | { kind: 'repeat'; answer: string }
  /** The first request with these bytes is still being answered (signed in a worker): its answer, when it comes. */
  | { kind: 'pending'; answer: Promise<string> }
  | { kind: 'repeat-unkept' }
  | { kind: 'conflict' };

export const DAY_MS = 24 * 3600 * 1000;

/**
 * An entry whose answer is no longer kept, held as one flat string `${at}:${digest}`: most entries
 * are such (all but the newest answerLimit), and an object, a boxed number and a digest sliced
 * from its hash text cost three times as much memory. Copied through a Buffer so the string keeps
 * no part of the texts it was built from.
 */
function pack(digest: string, at: number): string {
  return Buffer.from(`${at}:${digest}`, 'utf8').toString('utf8');
}

function unpack(packed: string): ReplayEntry {
  const colon = packed.indexOf(':');
  return { digest: packed.slice(colon + 1), at: Number(packed.slice(0, colon)) };
}

function entryOf(kept: ReplayEntry | string): ReplayEntry {
  return typeof kept === 'string' ? unpack(kept) : kept;
}

export class ReplayCache {
  /** Entries with their answer as objects; the rest packed (see pack). */
  private readonly entries = new Map<string, ReplayEntry | string>();
  evicted = 0;
  /** Told of every entry remembered (value) or evicted (undefined), for durable state. */
  listener: ((msgID: string, entry: ReplayEntry | undefined) => void) | undefined;

  /** msgIDs whose answer is kept, oldest first. */
  private readonly answered = new Set<string>();
  /**
   * msgIDs taken by a request whose answer is still being made (--workers: signed in a worker
   * thread). Reserved synchronously with the processing, so a second request with the msgID
   * sent meanwhile is judged against it: the same bytes wait for the same answer, other bytes are 11.
   */
  private readonly reserved = new Map<string, { digest: string; answer: Promise<string> }>();

  constructor(
    private readonly limit = 200_000,
    private readonly answerLimit = 10_000,
  ) {}

  check(msgID: string, digest: string, now: number): ReplayVerdict {
    const r = this.reserved.get(msgID);
    if (r) return r.digest === digest ? { kind: 'pending', answer: r.answer } : { kind: 'conflict' };
    const kept = this.entries.get(msgID);
    if (kept === undefined) return { kind: 'new' };
    const e = entryOf(kept);
    if (now - e.at > DAY_MS) return { kind: 'new' };
    if (e.digest !== digest) return { kind: 'conflict' };
    return e.answer === undefined ? { kind: 'repeat-unkept' } : { kind: 'repeat', answer: e.answer };
  }

  /**
   * Takes a msgID before its answer exists; remember() (or forget on failure: the reservation ends
   * when `answer` rejects) completes it.
   */
  reserve(msgID: string, digest: string, answer: Promise<string>): void {
    const r = { digest, answer };
    this.reserved.set(msgID, r);
    answer.catch(() => {
      if (this.reserved.get(msgID) === r) this.reserved.delete(msgID);
    });
  }

  remember(msgID: string, digest: string, answer: string, now: number): void {
    this.reserved.delete(msgID);
    this.entries.delete(msgID);
    this.answered.delete(msgID);
    const entry: ReplayEntry = { digest, answer, at: now };
    this.entries.set(msgID, entry);
    this.answered.add(msgID);
    this.listener?.(msgID, entry);
    while (this.answered.size > this.answerLimit) {
      const oldest = this.answered.values().next().value as string;
      this.answered.delete(oldest);
      const e = this.entries.get(oldest);
      if (e !== undefined && typeof e !== 'string') {
        this.entries.set(oldest, pack(e.digest, e.at));
        this.listener?.(oldest, { digest: e.digest, at: e.at });
      }
    }
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.answered.delete(oldest);
      this.evicted++;
      this.listener?.(oldest, undefined);
    }
  }

  /** How many answers are kept for byte-for-byte repeats. */
  get answers(): number {
    return this.answered.size;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    if (this.listener) for (const k of this.entries.keys()) this.listener(k, undefined);
    this.entries.clear();
    this.answered.clear();
    this.reserved.clear();
    this.evicted = 0;
  }

  /** Puts back entries from durable state, oldest first. */
  restore(entries: [string, ReplayEntry][], evicted: number): void {
    for (const [k, e] of entries) {
      if (e.answer !== undefined) {
        this.entries.set(k, e);
        this.answered.add(k);
      } else this.entries.set(k, pack(e.digest, e.at));
    }
    this.evicted = evicted;
  }

  /** For persistence and inspection. */
  dump(): [string, ReplayEntry][] {
    return [...this.entries].map(([k, e]) => [k, entryOf(e)]);
  }
}
