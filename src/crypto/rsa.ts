/** The two signature variants of PROFILE §4 over the signed bytes, with node:crypto. */
import { createHash, constants, privateEncrypt, publicDecrypt, sign, verify, type KeyObject } from 'node:crypto';

export type SignatureVariant = 'SHA256withRSA' | 'sha256-raw';
export const SIGNATURE_VARIANTS: readonly SignatureVariant[] = ['SHA256withRSA', 'sha256-raw'];

export function otherVariant(v: SignatureVariant): SignatureVariant {
  return v === 'SHA256withRSA' ? 'sha256-raw' : 'SHA256withRSA';
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** RSASSA-PKCS1-v1_5: SHA256withRSA with DigestInfo, or type-1 padding over the bare digest. */
export function rsaSign(bytes: Uint8Array, key: KeyObject, variant: SignatureVariant): Buffer {
  if (variant === 'SHA256withRSA') return sign('sha256', bytes, key);
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sha256(bytes));
}

export function rsaVerify(bytes: Uint8Array, signature: Buffer, key: KeyObject, variant: SignatureVariant): boolean {
  try {
    if (variant === 'SHA256withRSA') return verify('sha256', bytes, key, signature);
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return recovered.equals(sha256(bytes));
  } catch {
    return false;
  }
}
