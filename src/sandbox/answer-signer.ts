/**
 * Who makes the RSA signature of UCSP's answers on the HTTP path — the bulk of each request's work:
 *
 * - `threadpool` (the default): node:crypto's asynchronous sign, on libuv's thread pool. The main
 *   thread goes on with the next request meanwhile, so the RSA work and the rest of the request
 *   path run on different cores; no extra V8 isolate, no copy of the key in another thread.
 * - `workers` (`--workers N`): N worker threads (signing-pool.ts), each with its own copy of the key.
 * - none (`--workers 0`): in the main thread, synchronously, one request after another.
 *
 * Whichever signs, the msgID is reserved before the signature is awaited (runtime.handleApiAsync),
 * so answers are the same as with synchronous signing.
 */
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { signPlaceholderTextAsync, type SignatureVariant } from '../crypto/index.js';

export interface AnswerSigner {
  readonly kind: 'threadpool' | 'workers';
  /** Threads it signs on (the thread pool's size for `threadpool`). */
  readonly size: number;
  /** Signs placeholder text (PROFILE §4) and resolves to the text to send. */
  sign(placeholderText: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * At most `size` signatures on the thread pool at once (one core fewer than the machine has, at
 * least one): the main thread keeps a core, V8's garbage collector threads are not crowded out, and
 * the pool stays free for file and DNS work. The others wait their turn, in order.
 */
export class ThreadpoolSigner implements AnswerSigner {
  readonly kind = 'threadpool';
  readonly size: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly privateKey: KeyObject,
    private readonly variant: SignatureVariant,
    size = Math.max(1, availableParallelism() - 1),
  ) {
    this.size = Math.min(size, Number(process.env.UV_THREADPOOL_SIZE) || 4);
  }

  async sign(placeholderText: string): Promise<string> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await signPlaceholderTextAsync(placeholderText, { privateKey: this.privateKey }, { variant: this.variant });
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    // nothing to release: a signature still on the pool completes and is dropped
  }
}
