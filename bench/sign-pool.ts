/**
 * Pre-signing on every core with worker_threads, so that the load clients do no RSA work while
 * measuring. `sign(n)` returns n distinct signed requests; tags keep IDs unique across calls.
 */
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import type { SignBatch, SignTask } from './sign-worker.js';

const BATCH = 250;

/** Workers do not inherit tsx's loader: register it in the thread, then load the TypeScript worker. */
const TS_WORKER = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./sign-worker.ts', import.meta.url).href)}); });`;

export class SignPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly pending = new Map<number, (b: SignBatch) => void>();
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private failure: Error | undefined;
  /** Unique per pool: 4 random base-36 chars; with a per-call letter, IDs never repeat. */
  private readonly runTag = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0').slice(-4);
  private calls = 0;

  private constructor(readonly threads: number) {}

  static async create(keysDir: string, threads: number): Promise<SignPool> {
    const pool = new SignPool(threads);
    await Promise.all(
      Array.from({ length: threads }, () => {
        const w = new Worker(TS_WORKER, { eval: true, workerData: { keysDir } });
        pool.workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.on('message', (m: SignBatch | { ready: true }) => {
            if ('ready' in m) {
              w.off('error', reject);
              w.on('error', (e) => (pool.failure = e));
              pool.release(w);
              resolve();
              return;
            }
            const done = pool.pending.get(m.id);
            pool.pending.delete(m.id);
            pool.release(w);
            done?.(m);
          });
        });
      }),
    );
    return pool;
  }

  private release(w: Worker): void {
    this.idle.push(w);
    this.waiting.shift()?.();
  }

  private async take(): Promise<Worker> {
    while (this.idle.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    return this.idle.pop()!;
  }

  private async batch(tag: string, start: number, count: number): Promise<Buffer[]> {
    if (this.failure) throw this.failure;
    const w = await this.take();
    const id = this.nextId++;
    const got = new Promise<SignBatch>((resolve) => this.pending.set(id, resolve));
    const task: SignTask = { id, tag, start, count };
    w.postMessage(task);
    const b = await got;
    const all = Buffer.from(b.bytes);
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) out.push(all.subarray(b.offsets[i]!, b.offsets[i + 1]!));
    return out;
  }

  /** n distinct signed requests, signed now, in batches over all threads. */
  async sign(n: number, onBatch?: (msgs: Buffer[]) => void): Promise<Buffer[]> {
    const tag = `${this.runTag}${(this.calls++).toString(36)}`;
    const jobs: Promise<Buffer[]>[] = [];
    for (let start = 0; start < n; start += BATCH) {
      const job = this.batch(tag, start, Math.min(BATCH, n - start));
      if (onBatch) void job.then(onBatch, () => undefined);
      jobs.push(job);
    }
    return (await Promise.all(jobs)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
