/**
 * msgIDs seen from the partner (PROFILE §3, §8): unique per sender per day. A byte-for-byte repeat
 * gets the first answer again; the same msgID with other content is 11. Bounded twice: digests of
 * the newest `limit` msgIDs are kept (older ones fall off, counted), and the answers of only the
 * newest `answerLimit` of them — a byte-for-byte repeat of an older one is processed again, which
 * the handlers make harmless (same orderId, same content: the same answer, no second effect).
 */
import { TextRing } from './text-ring.js';

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
 * An entry as one flat string `${at}:${digest}`: an object, a boxed number and a digest sliced
 * from its hash text cost three times as much memory. Copied through a Buffer so the string keeps
 * no part of the texts it was built from.
 */
function pack(digest: string, at: number): string {
  return Buffer.from(`${at}:${digest}`, 'utf8').toString('utf8');
}

function unpack(packed: string): { digest: string; at: number } {
  const colon = packed.indexOf(':');
  return { digest: packed.slice(colon + 1), at: Number(packed.slice(0, colon)) };
}

export class ReplayCache {
  /** Every msgID remembered, oldest first: its digest and time, packed (see pack). */
  private readonly entries = new Map<string, string>();
  evicted = 0;
  /** Told of every entry remembered (value) or evicted (undefined), for durable state. */
  listener: ((msgID: string, entry: ReplayEntry | undefined) => void) | undefined;

  /**
   * msgIDs whose answer is kept, oldest first, each with its answer's id in `answerTexts` (ids
   * increase along the map: an answer remembered again is deleted and set anew).
   */
  private readonly answered = new Map<string, number>();
  /** The kept answers, in few large strings (see TextRing): they are let go oldest first. */
  private readonly answerTexts = new TextRing();
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
    const e = unpack(kept);
    if (now - e.at > DAY_MS) return { kind: 'new' };
    if (e.digest !== digest) return { kind: 'conflict' };
    const answer = this.answerOf(msgID);
    return answer === undefined ? { kind: 'repeat-unkept' } : { kind: 'repeat', answer };
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
    this.entries.set(msgID, pack(digest, now));
    this.answered.set(msgID, this.answerTexts.append(answer));
    this.listener?.(msgID, { digest, answer, at: now });
    while (this.answered.size > this.answerLimit) {
      const oldest = this.answered.keys().next().value as string;
      this.answered.delete(oldest);
      const e = this.entries.get(oldest);
      if (e !== undefined) this.listener?.(oldest, unpack(e));
    }
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.answered.delete(oldest);
      this.evicted++;
      this.listener?.(oldest, undefined);
    }
    this.letGoOfUnkeptAnswers();
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
    this.answerTexts.clear();
    this.reserved.clear();
    this.evicted = 0;
  }

  /** Puts back entries from durable state, oldest first. */
  restore(entries: [string, ReplayEntry][], evicted: number): void {
    for (const [k, e] of entries) {
      this.entries.set(k, pack(e.digest, e.at));
      this.answered.delete(k);
      if (e.answer !== undefined) this.answered.set(k, this.answerTexts.append(e.answer));
    }
    this.letGoOfUnkeptAnswers();
    this.evicted = evicted;
  }

  /** For persistence and inspection. */
  dump(): [string, ReplayEntry][] {
    return [...this.entries].map(([k, packed]) => {
      const e = unpack(packed);
      const answer = this.answerOf(k);
      return [k, answer === undefined ? e : { digest: e.digest, answer, at: e.at }];
    });
  }

  private answerOf(msgID: string): string | undefined {
    const id = this.answered.get(msgID);
    return id === undefined ? undefined : this.answerTexts.get(id);
  }

  /** The answer texts older than the oldest still kept go (whole chunks of them). */
  private letGoOfUnkeptAnswers(): void {
    const first = this.answered.values().next();
    this.answerTexts.dropBefore(first.done ? this.answerTexts.next : first.value);
  }
}
