/**
 * msgIDs seen from the partner (PROFILE §3, §8): unique per sender per day. A byte-for-byte repeat
 * gets the first answer again; the same msgID with other content is 11. Bounded twice: digests of
 * the newest `limit` msgIDs are kept (older ones fall off, counted), and only the last
 * `answerLimit` answers remembered (fewer msgIDs when some were remembered again) — a byte-for-byte
 * repeat of an older one is processed again, which the handlers make harmless (same orderId, same
 * content: the same answer, no second effect).
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
 * An entry as one flat string `${answerId}:${at}:${digest}` (answerId −1 when its answer is not
 * kept): an object, a boxed number and a digest sliced from its hash text cost three times as much
 * memory. Copied through a Buffer so the string keeps no part of the texts it was built from.
 */
function pack(answerId: number, at: number, digest: string): string {
  return Buffer.from(`${answerId}:${at}:${digest}`, 'utf8').toString('utf8');
}

interface Unpacked {
  answerId: number;
  at: number;
  digest: string;
}

function unpack(packed: string): Unpacked {
  const a = packed.indexOf(':');
  const b = packed.indexOf(':', a + 1);
  return { answerId: Number(packed.slice(0, a)), at: Number(packed.slice(a + 1, b)), digest: packed.slice(b + 1) };
}

export class ReplayCache {
  /** Every msgID remembered, oldest first: its answer's id, time and digest, packed (see pack). */
  private readonly entries = new Map<string, string>();
  evicted = 0;
  /** Told of every entry remembered (value) or evicted (undefined), for durable state. */
  listener: ((msgID: string, entry: ReplayEntry | undefined) => void) | undefined;

  /**
   * The kept answers, in few large strings (see TextRing), let go oldest first: the newest
   * `answerLimit` answer ids are kept. Who owns each kept id is a fixed ring (`owners`, slot id mod
   * answerLimit), overwritten in place: a Map of the newest answers, one deleted and one added on
   * every request, made V8 copy its whole table every few thousand requests, into the old
   * generation — most of what the sandbox's old generation took in under load.
   */
  private readonly answerTexts = new TextRing();
  private owners: (string | undefined)[] = [];
  private keptAnswers = 0;
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
    const answer = this.answerOf(e.answerId);
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
    this.forget(msgID);
    this.entries.set(msgID, pack(this.keepAnswer(msgID, answer), now, digest));
    this.listener?.(msgID, { digest, answer, at: now });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.forget(oldest);
      this.evicted++;
      this.listener?.(oldest, undefined);
    }
  }

  /** How many answers are kept for byte-for-byte repeats. */
  get answers(): number {
    return this.keptAnswers;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    if (this.listener) for (const k of this.entries.keys()) this.listener(k, undefined);
    this.entries.clear();
    this.answerTexts.clear();
    this.owners = [];
    this.keptAnswers = 0;
    this.reserved.clear();
    this.evicted = 0;
  }

  /** Puts back entries from durable state, oldest first (durable state is not told again). */
  restore(entries: [string, ReplayEntry][], evicted: number): void {
    const listener = this.listener;
    this.listener = undefined;
    try {
      for (const [k, e] of entries) {
        this.forget(k);
        this.entries.set(k, pack(e.answer === undefined ? -1 : this.keepAnswer(k, e.answer), e.at, e.digest));
      }
    } finally {
      this.listener = listener;
    }
    this.evicted = evicted;
  }

  /** For persistence and inspection. */
  dump(): [string, ReplayEntry][] {
    return [...this.entries].map(([k, packed]) => {
      const e = unpack(packed);
      const answer = this.answerOf(e.answerId);
      return [k, answer === undefined ? { digest: e.digest, at: e.at } : { digest: e.digest, answer, at: e.at }];
    });
  }

  /** Whether an answer id is among the newest `answerLimit`. */
  private kept(answerId: number): boolean {
    return answerId >= 0 && answerId >= this.answerTexts.next - this.answerLimit;
  }

  private answerOf(answerId: number): string | undefined {
    return this.kept(answerId) ? this.answerTexts.get(answerId) : undefined;
  }

  /** Removes a msgID's entry, and the claim of its answer if kept. */
  private forget(msgID: string): void {
    const packed = this.entries.get(msgID);
    if (packed === undefined) return;
    this.entries.delete(msgID);
    const { answerId } = unpack(packed);
    if (!this.kept(answerId)) return;
    this.owners[answerId % this.answerLimit] = undefined;
    this.keptAnswers--;
  }

  /**
   * Keeps an answer as the newest and returns its id; the answer that falls out of the newest
   * `answerLimit` is let go, and durable state told that its entry has no answer any more.
   */
  private keepAnswer(msgID: string, answer: string): number {
    if (this.answerLimit <= 0) return -1;
    const slot = this.answerTexts.next % this.answerLimit;
    const out = this.owners[slot];
    if (out !== undefined) {
      this.keptAnswers--;
      // its entry keeps the id: ids out of the newest answerLimit read as not kept (kept())
      const e = this.listener && this.entries.get(out);
      if (e) {
        const u = unpack(e);
        this.listener!(out, { digest: u.digest, at: u.at });
      }
    }
    const id = this.answerTexts.append(answer);
    this.owners[slot] = msgID;
    this.keptAnswers++;
    this.answerTexts.dropBefore(id + 1 - this.answerLimit);
    return id;
  }
}
