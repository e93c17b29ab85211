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

  constructor(private readonly limit = 100_000) {}

  check(msgID: string, digest: string, now: number): ReplayVerdict {
    const e = this.entries.get(msgID);
    if (!e || now - e.at > DAY_MS) return { kind: 'new' };
    return e.digest === digest ? { kind: 'repeat', answer: e.answer } : { kind: 'conflict' };
  }

  remember(msgID: string, digest: string, answer: string, now: number): void {
    this.entries.delete(msgID);
    this.entries.set(msgID, { digest, answer, at: now });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evicted++;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.evicted = 0;
  }

  /** For persistence and inspection. */
  dump(): [string, ReplayEntry][] {
    return [...this.entries];
  }
}
