/** A signing thread: signs batches of distinct requests and hands them back as one transferred buffer. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPartnerSigner, signedSubmit } from './messages.js';

export interface SignTask {
  id: number;
  tag: string;
  start: number;
  count: number;
}

export interface SignBatch {
  id: number;
  /** The signed texts, UTF-8, back to back. */
  bytes: ArrayBuffer;
  /** count + 1 offsets into `bytes`. */
  offsets: Uint32Array;
}

const signer = await loadPartnerSigner((workerData as { keysDir: string }).keysDir);
parentPort!.on('message', (task: SignTask) => {
  const parts: Buffer[] = [];
  const offsets = new Uint32Array(task.count + 1);
  let at = 0;
  for (let i = 0; i < task.count; i++) {
    const b = Buffer.from(signedSubmit(signer, task.tag, task.start + i), 'utf8');
    parts.push(b);
    at += b.length;
    offsets[i + 1] = at;
  }
  const all = Buffer.concat(parts, at);
  const bytes = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const batch: SignBatch = { id: task.id, bytes, offsets };
  parentPort!.postMessage(batch, [bytes, offsets.buffer]);
});
parentPort!.postMessage({ ready: true });
