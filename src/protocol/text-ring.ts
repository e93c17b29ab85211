/**
 * Texts kept oldest-first and let go oldest-first (the journal's entries, the replay cache's kept
 * answers), held as bytes in a few large buffers that are used again and again.
 *
 * Why: such texts live for thousands of requests. As strings, V8 moves each into its old
 * generation, where it dies among the records that live for ever (orders, msgIDs): the old
 * generation's pages stay partly used and are never given back, and the sheer amount allocated
 * there makes V8 let its heap grow to 2–4 times the live data between full collections — the
 * sandbox's RSS grew so. Here a text is written into the open chunk (CHUNK_BYTES, outside V8's
 * heap) and read back as a new string when asked for; a chunk whose texts have all been let go is
 * written again from its start. Nothing per text stays on V8's heap; the chunks kept are what the
 * texts weigh (plus at most one spare chunk).
 */

/** Bytes of one chunk; a text larger than that gets a buffer of its own. */
export const CHUNK_BYTES = 256 * 1024;

interface Chunk {
  /** Id of its first text. */
  first: number;
  buf: Buffer;
  /** End offset of each text in `buf` (its start is the previous end, or 0). */
  ends: number[];
  /** Indexes (id − first) of the texts written as UTF-16 (not well-formed: UTF-8 would change them). */
  wide?: Set<number>;
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

export class TextRing {
  /** Chunks holding kept texts, oldest first: chunks[head…]; the last one is written to. */
  private chunks: Chunk[] = [];
  private head = 0;
  /** Chunks whose texts were all let go, to write again. */
  private spare: Buffer[] = [];
  /** The id the next text gets. */
  private nextId = 0;
  /** Texts with ids below this are let go. */
  private oldest = 0;

  constructor(private readonly chunkBytes = CHUNK_BYTES) {}

  /** Keeps a text; returns its id (ids increase by one from 0). */
  append(text: string): number {
    const id = this.nextId++;
    const wide = !isWellFormed(text);
    const enc = wide ? 'utf16le' : 'utf8';
    const bytes = Buffer.byteLength(text, enc);
    let c = this.head < this.chunks.length ? this.chunks[this.chunks.length - 1]! : undefined;
    const used = c ? (c.ends.at(-1) ?? 0) : 0;
    if (!c || used + bytes > c.buf.length) {
      c = { first: id, buf: this.buffer(bytes), ends: [] };
      this.chunks.push(c);
    }
    const start = c.ends.at(-1) ?? 0;
    c.buf.write(text, start, bytes, enc);
    c.ends.push(start + bytes);
    if (wide) (c.wide ??= new Set()).add(id - c.first);
    return id;
  }

  /** The text with this id (a new string), or undefined when it was let go (or never kept). */
  get(id: number): string | undefined {
    if (!Number.isInteger(id) || id < this.oldest || id >= this.nextId) return undefined;
    const c = this.chunkOf(id);
    const i = id - c.first;
    return c.buf.toString(c.wide?.has(i) ? 'utf16le' : 'utf8', i === 0 ? 0 : c.ends[i - 1], c.ends[i]);
  }

  /** Lets go of every text with an id below `id`: chunks holding only such texts are written again. */
  dropBefore(id: number): void {
    if (id <= this.oldest) return;
    this.oldest = Math.min(id, this.nextId);
    while (this.head < this.chunks.length) {
      const c = this.chunks[this.head]!;
      if (c.first + c.ends.length > this.oldest) break;
      this.release(c.buf);
      this.chunks[this.head++] = undefined as unknown as Chunk;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Lets go of everything (ids go on increasing). */
  clear(): void {
    for (let i = this.head; i < this.chunks.length; i++) this.release(this.chunks[i]!.buf);
    this.chunks = [];
    this.head = 0;
    this.oldest = this.nextId;
  }

  /** Ids of the texts kept: from `first` to `next` − 1. */
  get first(): number {
    return this.oldest;
  }

  get next(): number {
    return this.nextId;
  }

  /** Bytes of the chunks that hold kept texts (let-go texts in them included), and of the spare ones. */
  get heldBytes(): number {
    let n = 0;
    for (let i = this.head; i < this.chunks.length; i++) n += this.chunks[i]!.buf.length;
    for (const b of this.spare) n += b.length;
    return n;
  }

  private buffer(bytes: number): Buffer {
    if (bytes > this.chunkBytes) return Buffer.allocUnsafeSlow(bytes);
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  /** A chunk-sized buffer is kept to be written again (one at most: more would be memory held for nothing). */
  private release(buf: Buffer): void {
    if (buf.length === this.chunkBytes && this.spare.length === 0) this.spare.push(buf);
  }

  private chunkOf(id: number): Chunk {
    // binary search among the kept chunks (ids increase with the chunk index)
    let lo = this.head;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]!.first <= id) lo = mid;
      else hi = mid - 1;
    }
    return this.chunks[lo]!;
  }
}
