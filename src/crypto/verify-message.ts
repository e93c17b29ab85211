/**
 * Verification over the raw received bytes (PROFILE §4): find the signature's string literal in
 * the text, put the placeholder back, verify those bytes. Never re-serialises parsed JSON. Every
 * failure carries a diagnosis a developer can act on.
 */
import { decodeUtf8, parseStrictJson } from '../schemas/strict-json.js';
import { isUcspError } from '../errors/index.js';
import { PLACEHOLDER } from './sign-message.js';
import { otherVariant, rsaVerify, sha256, type SignatureVariant } from './rsa.js';
import type { TrustStore } from './trust-store.js';

export type VerifyProblem =
  | 'unreadable'
  | 'no-signature'
  | 'unsigned'
  | 'not-base64'
  | 'unknown-cert'
  | 'literal-missing'
  | 'literal-repeated'
  | 'other-variant'
  | 'other-cert'
  | 'mismatch';

export interface VerifyResult {
  valid: boolean;
  /** Why it failed; absent when valid. */
  problem?: VerifyProblem;
  /** One line: the verdict. */
  summary: string;
  /** Further lines a developer can act on. */
  details: string[];
  variant: SignatureVariant;
  signCertID?: string;
  /** Hex SHA-256 of the bytes that were verified (the signed bytes). */
  digest?: string;
  /** Where the signature's literal ends in the text (its one occurrence), when it was found. */
  literalEnd?: number;
}

export interface VerifyOptions {
  variant?: SignatureVariant;
  /** Compute the SHA-256 of the signed bytes for a valid signature too (default true; failures always get it). */
  digest?: boolean;
}

function countOccurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) at.push(i);
  return at;
}

function fail(problem: VerifyProblem, summary: string, variant: SignatureVariant, extra: Partial<VerifyResult> = {}): VerifyResult {
  return { valid: false, problem, summary, details: [], variant, ...extra };
}

/** Verifies a message given as raw bytes or as the exact received text. */
export function verifyMessage(raw: Uint8Array | string, trust: TrustStore, options: VerifyOptions = {}): VerifyResult {
  const variant = options.variant ?? 'SHA256withRSA';
  let text: string;
  let parsed: unknown;
  try {
    text = typeof raw === 'string' ? raw : decodeUtf8(raw);
    parsed = parseStrictJson(text);
  } catch (e) {
    return fail('unreadable', `message is unreadable: ${isUcspError(e) ? e.message : String(e)}`, variant);
  }
  return verifyParsed(text, parsed, trust, { ...options, variant });
}

/** Verifies when the caller has already parsed the text strictly (the request path does). */
export function verifyParsed(text: string, parsed: unknown, trust: TrustStore, options: VerifyOptions = {}): VerifyResult {
  const variant = options.variant ?? 'SHA256withRSA';
  const cs = (parsed as { certificateSignature?: { signCertID?: unknown; signature?: unknown } } | null)?.certificateSignature;
  const signCertID = typeof cs?.signCertID === 'string' ? cs.signCertID : undefined;
  const v = cs?.signature;
  if (typeof v !== 'string' || !signCertID) {
    return fail('no-signature', 'message has no certificateSignature.signCertID and signature strings', variant, { signCertID });
  }
  if (v === PLACEHOLDER) {
    return fail('unsigned', 'message is unsigned: signature is still the placeholder "00000000"', variant, { signCertID });
  }
  // Standard padded base64, canonical (unused low bits of the last character zero): exactly the
  // strings that decode and encode back to themselves — Buffer skips characters outside the
  // alphabet, reads base64url's - and _, and stops at "=", and each of those changes the round trip.
  const sig = Buffer.from(v, 'base64');
  if (sig.toString('base64') !== v) {
    return fail('not-base64', 'signature is not standard padded base64', variant, {
      signCertID,
      details: ['use the standard alphabet (A–Z a–z 0–9 + /) with "=" padding; not base64url, no line breaks'],
    });
  }
  const cert = trust.get(signCertID);
  if (!cert) {
    return fail('unknown-cert', `unknown signCertID ${signCertID}`, variant, {
      signCertID,
      details: [`known signCertIDs: ${trust.ids.join(', ') || '(none)'}`, 'signCertID is the decimal serial number of the signing certificate'],
    });
  }
  // Find the literal of V, also as written with "\/" for "/".
  const plain = `"${v}"`;
  // (the escaped form can only be there when the text has a "\/" at all: most never do)
  const escaped = v.includes('/') && text.includes('\\/') ? `"${v.replaceAll('/', '\\/')}"` : undefined;
  const hits = [...countOccurrences(text, plain).map((i) => ({ i, len: plain.length }))];
  if (escaped) hits.push(...countOccurrences(text, escaped).map((i) => ({ i, len: escaped.length })));
  if (hits.length === 0) {
    return fail('literal-missing', 'the signature value does not appear literally in the body', variant, {
      signCertID,
      details: ['write it as a plain JSON string (only "\\/" may replace "/"); unicode escapes inside it cannot be verified'],
    });
  }
  if (hits.length > 1) {
    return fail('literal-repeated', `the signature value appears ${hits.length} times in the body; it must appear exactly once`, variant, {
      signCertID,
    });
  }
  const hit = hits[0]!;
  const signedText = `${text.slice(0, hit.i)}"${PLACEHOLDER}"${text.slice(hit.i + hit.len)}`;
  const signedBytes = Buffer.from(signedText, 'utf8');
  if (rsaVerify(signedBytes, sig, cert.publicKey, variant)) {
    const ok: VerifyResult = { valid: true, summary: `valid ${variant} signature by certificate ${signCertID}`, details: [], variant, signCertID, literalEnd: hit.i + hit.len };
    if (options.digest !== false) ok.digest = sha256(signedBytes).toString('hex');
    return ok;
  }
  const digest = sha256(signedBytes).toString('hex');
  const base = { signCertID, digest };
  const other = otherVariant(variant);
  if (rsaVerify(signedBytes, sig, cert.publicKey, other)) {
    return fail('other-variant', `signature is not valid as ${variant}, but this would verify under ${other}`, variant, {
      ...base,
      details: [`the signer used ${other}; set signatureVariant to "${other}" or sign with ${variant}`],
    });
  }
  for (const c of trust.all()) {
    if (c.serial === signCertID) continue;
    for (const va of [variant, other]) {
      if (rsaVerify(signedBytes, sig, c.publicKey, va)) {
        return fail('other-cert', `signature was made with the key of certificate ${c.serial}, but signCertID says ${signCertID}`, variant, {
          ...base,
          details: [`set signCertID to ${c.serial}, or sign with the key of certificate ${signCertID}`],
        });
      }
    }
  }
  const trimmed = text.trim();
  if (trimmed !== text) {
    const again = verifyParsed(trimmed, parsed, trust, { variant });
    if (again.valid) {
      return fail('mismatch', 'signature does not match the body as received, but it would without the whitespace around the JSON', variant, {
        ...base,
        details: [`SHA-256 of the verified bytes: ${digest}`, 'send (and keep) the signed text unchanged: no trailing newline, no leading blanks'],
      });
    }
  }
  const modulusBytes = ((cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) + 7) >> 3;
  const details = [
    `SHA-256 of the verified bytes: ${digest}`,
    'the body was altered after signing, or it was signed with a key that is not the one of this certificate',
    'sign the compact JSON with "signature":"00000000" in place and substitute only that literal',
  ];
  if (modulusBytes && sig.length !== modulusBytes) {
    details.unshift(`signature is ${sig.length} bytes; a signature by this ${modulusBytes * 8}-bit key is ${modulusBytes} bytes`);
  }
  return fail('mismatch', 'signature does not match the body', variant, { ...base, details });
}
