import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { placeholderText, rsaVerify, signPlaceholderText, type SignatureVariant } from '../crypto/index.js';
import { ThreadpoolSigner } from './answer-signer.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const text = placeholderText({ msgInfo: { msgID: 'U1', msgType: 'SUBMIT_PAYMENT_ORDER' }, trxInfo: { orderId: 'ORD1' }, msgResponse: { responseCode: '00' } }, '0123');

describe('ThreadpoolSigner', () => {
  it.each<SignatureVariant>(['SHA256withRSA', 'sha256-raw'])('signs %s exactly as the synchronous path does (PKCS#1 v1.5 is deterministic)', async (variant) => {
    const signer = new ThreadpoolSigner(privateKey, variant);
    const signed = await signer.sign(text);
    expect(signed).toBe(signPlaceholderText(text, { privateKey } as Parameters<typeof signPlaceholderText>[1], { variant }));
    const signature = (JSON.parse(signed) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    expect(rsaVerify(Buffer.from(text, 'utf8'), Buffer.from(signature, 'base64'), publicKey, variant)).toBe(true);
  });
});

describe('ThreadpoolSigner: at most `size` signatures on the pool at once', () => {
  it('signs 20 answers queued behind one slot, each correct', async () => {
    const signer = new ThreadpoolSigner(privateKey, 'SHA256withRSA', 1);
    expect(signer.size).toBe(1);
    const texts = Array.from({ length: 20 }, (_, i) => placeholderText({ msgInfo: { msgID: `U${i}` }, trxInfo: {}, msgResponse: { responseCode: '00' } }, '0123'));
    const signed = await Promise.all(texts.map((t) => signer.sign(t)));
    signed.forEach((s, i) => expect(s).toBe(signPlaceholderText(texts[i]!, { privateKey } as Parameters<typeof signPlaceholderText>[1])));
  });
});
