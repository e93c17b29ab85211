/**
 * msgIDs seen from the partner (PROFILE §3, §8): unique per sender per day. A byte-for-byte repeat
 * gets the first answer again; the same msgID with other content is 11. Bounded: the oldest
 * entries fall off past `limit` (counted), and entries expire after a day.
 */
export interface ReplayEntry {
  digest: string;
  answer: string;
  at: number;
}

export type ReplayVerdict = { kind: 'new' } | { kind: 'repeat'; answer: string } | { kind: 'conflict' };

export const DAY_MS = 24 * 3600 * 1000;

export class ReplayCache {
  private readonly entries = new Map<string, ReplayEntry>();
  evicted = 0;
  /** Told of every entry remembered (value) or evicted (undefined), for durable state. */
  listener: ((msgID: string, entry: ReplayEntry | undefined) => void) | undefined;

  constructor(private readonly limit = 100_000) {}

  check(msgID: string, digest: string, now: number): ReplayVerdict {
    const e = this.entries.get(msgID);
    if (!e || now - e.at > DAY_MS) return { kind: 'new' };
    return e.digest === digest ? { kind: 'repeat', answer: e.answer } : { kind: 'conflict' };
  }

  remember(msgID: string, digest: string, answer: string, now: number): void {
    this.entries.delete(msgID);
    const entry = { digest, answer, at: now };
    this.entries.set(msgID, entry);
    this.listener?.(msgID, entry);
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evicted++;
      this.listener?.(oldest, undefined);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    if (this.listener) for (const k of this.entries.keys()) this.listener(k, undefined);
    this.entries.clear();
    this.evicted = 0;
  }

  /** Puts back entries from durable state, oldest first. */
  restore(entries: [string, ReplayEntry][], evicted: number): void {
    for (const [k, e] of entries) this.entries.set(k, e);
    this.evicted = evicted;
  }

  /** For persistence and inspection. */
  dump(): [string, ReplayEntry][] {
    return [...this.entries];
  }
}
