/**
 * The signing pool of `--workers N` (src/sandbox/signing-pool.ts), as built (a worker thread runs
 * the compiled dist/src/sandbox/signing-worker.js): every answer signed there is the one the main
 * thread makes (RSA PKCS#1 v1.5 is deterministic), whatever the interleaving; a worker that ends
 * loses no answer it held; workers that cannot start leave signing to the main thread, said once.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { signPlaceholderText, type SignerCredentials } from '../../src/crypto/index.js';
import type { SigningPool as Pool } from '../../src/sandbox/signing-pool.js';

const { SigningPool } = (await import(new URL('../../dist/src/sandbox/signing-pool.js', import.meta.url).href)) as { SigningPool: typeof Pool };
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const here = { privateKey } as SignerCredentials;

function text(i: number): string {
  return JSON.stringify({ msgID: `M${i}`, note: 'x'.repeat(i % 300), certificateSignature: { signCertID: '1', signature: '00000000' } });
}

let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

describe('SigningPool', () => {
  it('signs 300 texts at once on two workers, each exactly as the main thread does, in both variants', async () => {
    for (const variant of ['SHA256withRSA', 'sha256-raw'] as const) {
      const pool = new SigningPool(2, privateKey, variant);
      pools.push(pool);
      const texts = Array.from({ length: 300 }, (_, i) => text(i));
      const signed = await Promise.all(texts.map((t) => pool.sign(t)));
      signed.forEach((s, i) => expect(s).toBe(signPlaceholderText(texts[i]!, here, { variant })));
      expect(pool.fallbackReason).toBeUndefined();
    }
  });

  it('loses nothing when a worker ends with signatures pending, and replaces it', async () => {
    const pool = new SigningPool(1, privateKey, 'SHA256withRSA');
    pools.push(pool);
    expect(await pool.sign(text(0))).toBe(signPlaceholderText(text(0), here));
    const texts = Array.from({ length: 50 }, (_, i) => text(i + 1));
    const pending = texts.map((t) => pool.sign(t));
    const slot = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]!;
    const first = slot.worker;
    await first.terminate();
    const signed = await Promise.all(pending);
    signed.forEach((s, i) => expect(s).toBe(signPlaceholderText(texts[i]!, here)));
    const replaced = (pool as unknown as { slots: { worker: unknown }[] }).slots[0]!.worker;
    expect(replaced).not.toBe(first);
    expect(await pool.sign(text(99))).toBe(signPlaceholderText(text(99), here));
    expect(pool.fallbackReason).toBeUndefined();
    expect(pool.size).toBe(1);
  });

  it('signs in the main thread, and says so once, when workers keep ending before signing anything', async () => {
    const said: string[] = [];
    let fellBack!: () => void;
    const fallback = new Promise<void>((r) => (fellBack = r));
    const broken = new URL('data:text/javascript,throw new Error("no key here")');
    const pool = new SigningPool(2, privateKey, 'SHA256withRSA', (reason) => {
      said.push(reason);
      fellBack();
    }, broken);
    pools.push(pool);
    const early = pool.sign(text(1));
    await fallback;
    expect(await early).toBe(signPlaceholderText(text(1), here));
    expect(await pool.sign(text(2))).toBe(signPlaceholderText(text(2), here));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/3 signing workers in a row ended before signing anything \(last: .*no key here.*\); signing in the main thread/);
  });
});
