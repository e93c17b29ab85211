/**
 * Who makes the RSA signature of UCSP's answers on the HTTP path — the bulk of each request's work:
 * the main thread, synchronously (the library's default, `--workers 0`), or `--workers N` worker
 * threads (signing-pool.ts), each with its own copy of the key — `start`'s default is one worker on
 * a machine of two cores or more (cli/commands/start.ts, defaultWorkers). Either way the msgID is reserved before a worker's signature
 * is awaited (runtime.handleApiAsync), so answers are the same.
 *
 * An interface, so that the runtime names the pool by its type only: the worker-thread module is
 * loaded when `--workers` asks for it, never on the default start path.
 *
 * Measured and not kept (2026-11-30, README "Performance"): signing on libuv's thread pool
 * (node:crypto's asynchronous sign) cost ~30 % more CPU per request on this 2-core VM, for no
 * throughput gain. Worker threads, once the request path's own JavaScript was halved, cost about
 * the same CPU per answer as the main thread and gave ~1.65× the answers a second.
 */
export interface AnswerSigner {
  readonly kind: 'workers';
  /** Threads it signs on. */
  readonly size: number;
  /** Signs placeholder text (PROFILE §4) and resolves to the text to send. */
  sign(placeholderText: string): Promise<string>;
  close(): Promise<void>;
}
