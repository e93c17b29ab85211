/** A signing worker (see signing-pool.ts): the UCSP key parsed once, then one signature per message. */
import { createPrivateKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { SignerCredentials } from '../crypto/credentials.js';
import { signPlaceholderText } from '../crypto/sign-message.js';

const { keyPem, variant } = workerData as { keyPem: string; variant: 'SHA256withRSA' | 'sha256-raw' };
// only the private key is used by signPlaceholderText
const signer = { privateKey: createPrivateKey(keyPem) } as SignerCredentials;

parentPort!.on('message', (m: { id: number; text: string }) => {
  try {
    parentPort!.postMessage({ id: m.id, signed: signPlaceholderText(m.text, signer, { variant }) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
