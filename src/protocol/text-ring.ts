/**
 * Texts kept oldest-first and let go oldest-first (the journal's entries, the replay cache's kept
 * answers), held in few large strings rather than one small string each.
 *
 * Why: such texts live for thousands of requests, so V8 moves each into its old generation, where
 * it dies among the records that live for ever (orders, msgIDs). The old generation's pages then
 * stay partly used and are never given back: the sandbox's RSS grew to 2–3 times its live data.
 * Here texts are joined into chunks of CHUNK_CHARS or more characters — V8 keeps strings that large
 * on pages of their own — and a chunk goes as a whole, its pages back to the system, once its last
 * text is let go. Texts not yet in a chunk are the few newest ones, still young.
 */

/** At least this many characters a chunk (V8 holds strings over 128 KiB on pages of their own). */
export const CHUNK_CHARS = 256 * 1024;

interface Chunk {
  /** Id of its first text. */
  first: number;
  text: string;
  /** End offset of each text in `text` (its start is the previous end, or 0). */
  ends: number[];
}

export class TextRing {
  /** Sealed chunks, oldest first; chunks[chunkHead…] are kept. */
  private chunks: Chunk[] = [];
  private chunkHead = 0;
  /** The newest texts, not yet joined: parts[partsHead…] have ids partsFirst… */
  private parts: string[] = [];
  private partsHead = 0;
  private partsFirst = 0;
  private partsChars = 0;
  /** The id the next text gets. */
  private nextId = 0;
  /** Texts with ids below this are let go. */
  private oldest = 0;

  constructor(private readonly chunkChars = CHUNK_CHARS) {}

  /** Keeps a text; returns its id (ids increase by one from 0). */
  append(text: string): number {
    const id = this.nextId++;
    this.parts.push(text);
    this.partsChars += text.length;
    if (this.partsChars >= this.chunkChars) this.seal();
    return id;
  }

  /** The text with this id, or undefined when it was let go (or never kept). */
  get(id: number): string | undefined {
    if (!Number.isInteger(id) || id < this.oldest || id >= this.nextId) return undefined;
    if (id >= this.partsFirst) return this.parts[this.partsHead + id - this.partsFirst];
    const c = this.chunkOf(id);
    const i = id - c.first;
    return c.text.slice(i === 0 ? 0 : c.ends[i - 1], c.ends[i]);
  }

  /** Lets go of every text with an id below `id`: chunks holding only such texts are dropped. */
  dropBefore(id: number): void {
    if (id <= this.oldest) return;
    this.oldest = Math.min(id, this.nextId);
    while (this.chunkHead < this.chunks.length) {
      const c = this.chunks[this.chunkHead]!;
      if (c.first + c.ends.length > this.oldest) break;
      this.chunks[this.chunkHead++] = undefined as unknown as Chunk;
    }
    if (this.chunkHead > 64 && this.chunkHead * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.chunkHead);
      this.chunkHead = 0;
    }
    if (this.oldest > this.partsFirst) {
      // texts not yet joined are dropped one by one (their chunk would hold nothing kept)
      for (; this.partsFirst < this.oldest; this.partsFirst++, this.partsHead++) {
        this.partsChars -= this.parts[this.partsHead]!.length;
        this.parts[this.partsHead] = undefined as unknown as string;
      }
      if (this.partsHead > 64 && this.partsHead * 2 > this.parts.length) {
        this.parts = this.parts.slice(this.partsHead);
        this.partsHead = 0;
      }
    }
  }

  /** Lets go of everything (ids go on increasing). */
  clear(): void {
    this.chunks = [];
    this.chunkHead = 0;
    this.parts = [];
    this.partsHead = 0;
    this.partsChars = 0;
    this.partsFirst = this.nextId;
    this.oldest = this.nextId;
  }

  /** Ids of the texts kept: from `first` to `next` − 1. */
  get first(): number {
    return this.oldest;
  }

  get next(): number {
    return this.nextId;
  }

  /** Characters held, let-go texts still in a kept chunk included (at most one chunk's worth). */
  get heldChars(): number {
    let n = this.partsChars;
    for (let i = this.chunkHead; i < this.chunks.length; i++) n += this.chunks[i]!.text.length;
    return n;
  }

  private seal(): void {
    const ends: number[] = [];
    let end = 0;
    const parts = this.partsHead ? this.parts.slice(this.partsHead) : this.parts;
    for (const t of parts) ends.push((end += t.length));
    // join makes one flat string: no part of it refers to the texts it was made from
    this.chunks.push({ first: this.partsFirst, text: parts.join(''), ends });
    this.partsFirst = this.nextId;
    this.parts = [];
    this.partsHead = 0;
    this.partsChars = 0;
  }

  private chunkOf(id: number): Chunk {
    // binary search among the kept chunks (ids increase with the chunk index)
    let lo = this.chunkHead;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]!.first <= id) lo = mid;
      else hi = mid - 1;
    }
    return this.chunks[lo]!;
  }
}
