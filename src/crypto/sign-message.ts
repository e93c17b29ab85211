/**
 * Signing by placeholder and text substitution (PROFILE §4): serialise the whole message with
 * `signature` = "00000000", sign those bytes, put the base64 signature in place of the placeholder.
 */
import type { KeyObject } from 'node:crypto';
import type { SignerCredentials } from './credentials.js';
import { rsaSign, type SignatureVariant } from './rsa.js';

export const PLACEHOLDER = '00000000';
const PLACEHOLDER_LITERAL = `"${PLACEHOLDER}"`;

export interface SignOptions {
  variant?: SignatureVariant;
}

/**
 * Puts certificateSignature last (signature its last member) with the signer's signCertID and the
 * placeholder, and returns the compact JSON text with which the signature is computed.
 */
export function placeholderText(message: object, signCertID: string): string {
  // copied key by key: a rest pattern or a literal that begins with a spread costs V8 a new hidden
  // class per message, and this runs for every message signed
  const m = message as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m)) if (k !== 'certificateSignature') out[k] = m[k];
  out.certificateSignature = { signCertID, signature: PLACEHOLDER };
  return JSON.stringify(out);
}

/**
 * Signs placeholder text as produced by `placeholderText` and returns the text to send: the
 * placeholder replaced by the signature. certificateSignature is the last member and signature its
 * last, so the placeholder is the last literal.
 */
export function signPlaceholderText(text: string, signer: SignerCredentials, options: SignOptions = {}): string {
  return withSignature(text, placeholderSignature(text, signer.privateKey, options.variant ?? 'SHA256withRSA'));
}

/** The base64 signature of placeholder text (signPlaceholderText without putting it in place). */
export function placeholderSignature(text: string, privateKey: KeyObject, variant: SignatureVariant): string {
  return rsaSign(Buffer.from(text, 'utf8'), privateKey, variant).toString('base64');
}

/** Placeholder text with its last placeholder replaced by the base64 signature: the text to send. */
export function withSignature(text: string, signature: string): string {
  const at = text.lastIndexOf(PLACEHOLDER_LITERAL);
  return `${text.slice(0, at)}"${signature}"${text.slice(at + PLACEHOLDER_LITERAL.length)}`;
}

/** Signs a message object and returns the exact text to send. */
export function signMessage(message: object, signer: SignerCredentials, options: SignOptions = {}): string {
  return signPlaceholderText(placeholderText(message, signer.certificate.serial), signer, options);
}

/**
 * Whether the message text keeps PROFILE §3's layout: `certificateSignature` the last member of the
 * message and `signature` the last member of `certificateSignature`, i.e. the signature's literal
 * (`signature`, as written, also with "\/" for "/") is followed only by the two closing braces.
 * Undefined when the literal is not found exactly once (the signature check says why).
 */
export function signatureIsLast(text: string, signature: string): boolean | undefined {
  const literals = [`"${signature}"`, ...(signature.includes('/') ? [`"${signature.replaceAll('/', '\\/')}"`] : [])];
  const hits = literals.flatMap((l) => {
    const at: number[] = [];
    for (let i = text.indexOf(l); i !== -1; i = text.indexOf(l, i + 1)) at.push(i + l.length);
    return at;
  });
  if (hits.length !== 1) return undefined;
  return onlyClosingBracesAfter(text, hits[0]!);
}

/** Whether the text from `end` on is only the two closing braces (and whitespace) of PROFILE §3's layout. */
export function onlyClosingBracesAfter(text: string, end: number): boolean {
  return /^\s*\}\s*\}\s*$/.test(text.slice(end));
}

export const LAYOUT_RULE = 'certificateSignature must be the last member of the message, and signature the last member of certificateSignature (PROFILE §3)';
