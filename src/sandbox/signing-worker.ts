/**
 * A signing worker (see signing-pool.ts): the UCSP key parsed once, then for each placeholder text
 * received, its base64 signature sent back — in the order received.
 */
import { createPrivateKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { placeholderSignature } from '../crypto/sign-message.js';

const { keyPem, variant } = workerData as { keyPem: string; variant: 'SHA256withRSA' | 'sha256-raw' };
const privateKey = createPrivateKey(keyPem);

parentPort!.on('message', (text: string) => {
  try {
    parentPort!.postMessage(placeholderSignature(text, privateKey, variant));
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
