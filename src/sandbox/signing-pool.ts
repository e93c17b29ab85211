/**
 * `--workers N`: RSA signatures of answers made by N worker threads, so that the signing work —
 * the bulk of each request — spreads over N cores while state stays in the main thread.
 */
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import type { SignatureVariant } from '../crypto/index.js';
import type { AnswerSigner } from './answer-signer.js';

interface Pending {
  resolve: (signed: string) => void;
  reject: (e: Error) => void;
}

export class SigningPool implements AnswerSigner {
  readonly kind = 'workers';
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number, privateKey: KeyObject, variant: SignatureVariant) {
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const url = new URL('./signing-worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { workerData: { keyPem, variant } });
      const slot = { worker, busy: 0 };
      worker.on('message', (m: { id: number; signed?: string; error?: string }) => {
        slot.busy--;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!p) return;
        if (m.signed !== undefined) p.resolve(m.signed);
        else p.reject(new Error(m.error ?? 'signing failed'));
      });
      worker.on('error', (e) => {
        for (const [id, p] of this.pending) {
          p.reject(e);
          this.pending.delete(id);
        }
      });
      worker.unref();
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Signs placeholder text (PROFILE §4) and resolves to the text to send. */
  sign(placeholderText: string): Promise<string> {
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, text: placeholderText });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
