/**
 * `--workers N`: RSA signatures of answers made by N worker threads, so that the signing work —
 * the bulk of each request — spreads over N cores while state stays in the main thread.
 *
 * The hand-off is kept small, as it happens on every request: the placeholder text goes to a
 * worker as a bare string, and only the signature (344 characters for a 2048-bit key) comes back,
 * put in place here; a worker answers its messages in the order it got them, so each keeps a
 * plain queue of who waits, no ids. A worker needs little memory (one message at a time), and is
 * given little (RESOURCE_LIMITS): a thread left with V8's defaults grows heaps as large as the
 * main thread's. A worker that ends (crash, out of memory) loses nothing — what it held is signed
 * in the main thread — and is replaced; when replacements keep failing, answers are signed in the
 * main thread from then on. The threads start once the sandbox is up, not on the way to its ready
 * line (or at the first signature, if that comes first).
 */
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { placeholderSignature, withSignature, type SignatureVariant } from '../crypto/index.js';
import type { AnswerSigner } from './answer-signer.js';

interface Waiter {
  text: string;
  resolve: (signed: string) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Texts sent to this worker and not yet answered, oldest first (its answers come in this order). */
  queue: Waiter[];
  /** Whether it has answered anything (a worker that dies before that counts against RESPAWNS). */
  answered: boolean;
}

/** What a signing worker may use (MB): it holds one message at a time and the key. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 } as const;
/** Workers that may die in a row before having signed anything, before signing moves to the main thread. */
const RESPAWNS = 3;

export class SigningPool implements AnswerSigner {
  readonly kind = 'workers';
  private readonly slots: Slot[] = [];
  private readonly keyPem: string;
  private failedInARow = 0;
  private closed = false;
  /** Threads asked for, and whether they were started. */
  private readonly requested: number;
  private started = false;
  /** Set when workers could not be kept alive: why answers are now signed in the main thread. */
  fallbackReason: string | undefined;

  constructor(
    size: number,
    private readonly privateKey: KeyObject,
    private readonly variant: SignatureVariant,
    private readonly onFallback?: (reason: string) => void,
    /** The worker's module (tests give one that fails). */
    private readonly url = new URL('./signing-worker.js', import.meta.url),
  ) {
    this.keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // the threads start once the sandbox is up (booting one is ~40 ms of CPU), or at the first signature
    this.requested = size;
    setImmediate(() => this.start());
  }

  get size(): number {
    return this.started ? this.slots.length : this.requested;
  }

  /** Signs placeholder text (PROFILE §4) and resolves to the text to send. */
  sign(placeholderText: string): Promise<string> {
    if (!this.started) this.start();
    if (this.fallbackReason !== undefined || this.slots.length === 0) return this.signHere(placeholderText);
    let slot = this.slots[0]!;
    for (let i = 1; i < this.slots.length; i++) if (this.slots[i]!.queue.length < slot.queue.length) slot = this.slots[i]!;
    return new Promise((resolve, reject) => {
      slot.queue.push({ text: placeholderText, resolve, reject });
      slot.worker.postMessage(placeholderText);
    });
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let i = 0; i < this.requested; i++) this.slots.push(this.spawn());
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private signHere(text: string): Promise<string> {
    try {
      return Promise.resolve(withSignature(text, placeholderSignature(text, this.privateKey, this.variant)));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.url, { workerData: { keyPem: this.keyPem, variant: this.variant }, resourceLimits: RESOURCE_LIMITS });
    const slot: Slot = { worker, queue: [], answered: false };
    worker.on('message', (m: string | { error: string }) => {
      const w = slot.queue.shift();
      if (!w) return;
      slot.answered = true;
      this.failedInARow = 0;
      if (typeof m === 'string') w.resolve(withSignature(w.text, m));
      else w.reject(new Error(m.error));
    });
    // 'error' (an uncaught exception, out of memory) is followed by 'exit'
    let failure: Error | undefined;
    worker.on('error', (e) => {
      failure = e;
    });
    worker.on('exit', (code) => this.ended(slot, failure ?? new Error(`the signing worker stopped (exit code ${code})`)));
    worker.unref();
    return slot;
  }

  /** A worker ended: what it held is signed here instead, and it is replaced (or signing moves here, see RESPAWNS). */
  private ended(slot: Slot, e: Error): void {
    for (const w of slot.queue.splice(0)) this.signHere(w.text).then(w.resolve, w.reject);
    const at = this.slots.indexOf(slot);
    if (this.closed || at === -1) return;
    if (!slot.answered) this.failedInARow++;
    if (this.failedInARow >= RESPAWNS) {
      this.slots.splice(at, 1);
      if (this.fallbackReason === undefined) {
        this.fallbackReason = `${this.failedInARow} signing workers in a row ended before signing anything (last: ${e.message}); signing in the main thread`;
        this.onFallback?.(this.fallbackReason);
      }
      return;
    }
    this.slots[at] = this.spawn();
  }
}
