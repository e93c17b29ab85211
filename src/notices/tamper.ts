/** Deliberately broken copies of a notice, for the control API's "tamper" fault. */
import { signMessage, type SignerCredentials, type SignatureVariant } from '../crypto/index.js';

export type Tamper = 'signature' | 'amount' | 'unknown-order' | 'currency';
export const TAMPERS: readonly Tamper[] = ['signature', 'amount', 'unknown-order', 'currency'];

/**
 * `signature`: the content unchanged, one byte of the signature altered (the partner must answer 11).
 * `amount`, `currency`, `unknown-order`: the content altered and validly re-signed (36, 36, 34).
 */
export function tamperNotice(text: string, how: Tamper, signer: SignerCredentials, variant: SignatureVariant): string {
  const msg = JSON.parse(text) as { trxInfo: Record<string, string>; certificateSignature: { signature: string } };
  if (how === 'signature') {
    const sig = msg.certificateSignature.signature;
    const i = Math.floor(sig.length / 2);
    const flipped = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
    return text.replace(`"${sig}"`, `"${flipped}"`);
  }
  const trx = { ...msg.trxInfo };
  if (how === 'amount') trx.txnAmt = String(Number(trx.txnAmt ?? '0') + 1);
  if (how === 'currency') trx.currencyCode = trx.currencyCode === '840' ? '344' : '840';
  if (how === 'unknown-order') trx.orderId = `ZZUNKNOWN${Date.now().toString(36).toUpperCase()}`.slice(0, 40);
  const { certificateSignature: _drop, ...rest } = msg as Record<string, unknown>;
  return signMessage({ ...rest, trxInfo: trx }, signer, { variant });
}
