import { createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { certInfoFromPem, readPkcs12, type SignerCredentials } from './credentials.js';
import { generateTestKeys, type TestKeySet } from './keygen.js';
import { rsaSign } from './rsa.js';
import { PLACEHOLDER, placeholderText, signMessage } from './sign-message.js';
import { TrustStore } from './trust-store.js';
import { verifyMessage } from './verify-message.js';

const message = {
  msgInfo: { versionNo: '1.0.0', msgID: 'P1234567820261125173000000001', timeStamp: '20261125173000', msgType: 'PAYMENT_RESULT_INQUIRY', insID: '12345678' },
  trxInfo: { orderId: 'ORD2026112500001', merId: '123456789012345', orderDesc: '停车 parking/ 50%' },
};

let keys: TestKeySet;
let partner: SignerCredentials;
let ucsp: SignerCredentials;
let trust: TrustStore;

beforeAll(() => {
  keys = generateTestKeys('pw');
  partner = { privateKey: createPrivateKey(keys.partner.keyPem), certificate: certInfoFromPem(keys.partner.certPem) };
  ucsp = { privateKey: createPrivateKey(keys.ucsp.keyPem), certificate: certInfoFromPem(keys.ucsp.certPem) };
  trust = new TrustStore([partner.certificate, ucsp.certificate]);
});

describe('signMessage', () => {
  it('puts certificateSignature last with signCertID from the certificate and signature last', () => {
    const text = signMessage({ certificateSignature: { signature: 'x', signCertID: '1' }, ...message }, partner);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['msgInfo', 'trxInfo', 'certificateSignature']);
    expect(Object.keys(parsed.certificateSignature as object)).toEqual(['signCertID', 'signature']);
    expect((parsed.certificateSignature as { signCertID: string }).signCertID).toBe(keys.partner.serial);
    expect(text.endsWith('"}}')).toBe(true);
  });

  it('signs exactly the placeholder text (substitution, not re-serialisation)', () => {
    const text = signMessage(message, partner);
    const sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    expect(text.replace(`"${sig}"`, `"${PLACEHOLDER}"`)).toBe(placeholderText(message, keys.partner.serial));
  });
});

describe('sign → verify round trip', () => {
  for (const variant of ['SHA256withRSA', 'sha256-raw'] as const) {
    it(`verifies under ${variant}`, () => {
      const text = signMessage(message, partner, { variant });
      const r = verifyMessage(Buffer.from(text, 'utf8'), trust, { variant });
      expect(r).toMatchObject({ valid: true, variant, signCertID: keys.partner.serial });
      expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
    });

    it(`catches a one-byte change anywhere under ${variant}`, () => {
      const text = signMessage(message, partner, { variant });
      const bytes = Buffer.from(text, 'utf8');
      const sigStart = text.indexOf('"signature":"');
      // flip one byte inside the body before the signature (orderId digit)
      const at = text.indexOf('ORD2026112500001') + 15;
      const changed = Buffer.from(bytes);
      changed[at] = changed[at]! ^ 0x01;
      expect(at).toBeLessThan(sigStart);
      const r = verifyMessage(changed, trust, { variant });
      expect(r.valid).toBe(false);
      expect(r.problem).toBe('mismatch');
      expect(r.details.join('\n')).toContain(r.digest!);
    });
  }

  it('accepts the signature literal written with \\/ for /', () => {
    let text = '';
    let sig = '';
    // find a signature containing "/" (most do; vary msgID until one does)
    for (let i = 0; i < 50 && !sig.includes('/'); i++) {
      text = signMessage({ ...message, msgInfo: { ...message.msgInfo, msgID: `P${i}` } }, partner);
      sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    }
    expect(sig).toContain('/');
    const escaped = text.replace(`"${sig}"`, `"${sig.replaceAll('/', '\\/')}"`);
    expect(escaped).not.toBe(text);
    expect(verifyMessage(escaped, trust).valid).toBe(true);
  });

  it('verifies over raw bytes: reordered keys with the same content fail', () => {
    const text = signMessage(message, partner);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const reordered = JSON.stringify({ trxInfo: parsed.trxInfo, msgInfo: parsed.msgInfo, certificateSignature: parsed.certificateSignature });
    expect(verifyMessage(reordered, trust).valid).toBe(false);
  });
});

describe('diagnoses', () => {
  const sign = (v: 'SHA256withRSA' | 'sha256-raw' = 'SHA256withRSA') => signMessage(message, partner, { variant: v });
  const setSig = (text: string, f: (cs: { signCertID: string; signature: string }) => void) => {
    const m = JSON.parse(text) as { certificateSignature: { signCertID: string; signature: string } };
    f(m.certificateSignature);
    return JSON.stringify(m);
  };

  it('names the unknown signCertID and the known ones', () => {
    const r = verifyMessage(setSig(sign(), (cs) => (cs.signCertID = '999')), trust);
    expect(r.problem).toBe('unknown-cert');
    expect(r.summary).toContain('999');
    expect(r.details[0]).toContain(keys.partner.serial);
    expect(r.details[0]).toContain(keys.ucsp.serial);
  });

  it('says when the signature would verify under the other variant', () => {
    const r = verifyMessage(sign('sha256-raw'), trust, { variant: 'SHA256withRSA' });
    expect(r.problem).toBe('other-variant');
    expect(r.summary).toContain('sha256-raw');
    const r2 = verifyMessage(sign('SHA256withRSA'), trust, { variant: 'sha256-raw' });
    expect(r2.problem).toBe('other-variant');
    expect(r2.summary).toContain('SHA256withRSA');
  });

  it('says when the key of another known certificate made the signature', () => {
    const text = setSig(sign(), (cs) => (cs.signCertID = keys.ucsp.serial));
    // the signature literal changed position? no: same value, but signCertID differs -> re-sign placeholder text
    const r = verifyMessage(text, trust);
    expect(r.valid).toBe(false);
    expect(['other-cert', 'mismatch']).toContain(r.problem);
    const ph = placeholderText(message, keys.ucsp.serial);
    const sig = rsaSign(Buffer.from(ph), partner.privateKey, 'SHA256withRSA').toString('base64');
    const r2 = verifyMessage(ph.replace(`"${PLACEHOLDER}"`, `"${sig}"`), trust);
    expect(r2.problem).toBe('other-cert');
    expect(r2.summary).toContain(keys.partner.serial);
  });

  it('rejects a signature that is not base64', () => {
    const r = verifyMessage(setSig(sign(), (cs) => (cs.signature = 'abc-_def')), trust);
    expect(r.problem).toBe('not-base64');
  });

  it('rejects an unsigned message (placeholder still in place)', () => {
    expect(verifyMessage(placeholderText(message, keys.partner.serial), trust).problem).toBe('unsigned');
  });

  it('rejects a signature literal found twice or not at all', () => {
    const text = sign();
    const sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    const twice = text.replace('"trxInfo":{', `"trxInfo":{"echo":"${sig}",`);
    expect(verifyMessage(twice, trust).problem).toBe('literal-repeated');
    const uEscaped = text.replace(`"${sig}"`, `"\\u00${sig.charCodeAt(0).toString(16)}${sig.slice(1)}"`);
    expect(verifyMessage(uEscaped, trust).problem).toBe('literal-missing');
  });

  it('reports missing signature fields and unreadable bodies', () => {
    expect(verifyMessage(JSON.stringify(message), trust).problem).toBe('no-signature');
    expect(verifyMessage(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), trust).problem).toBe('unreadable');
    expect(verifyMessage('{"a":1,"a":2}', trust).problem).toBe('unreadable');
  });

  it('explains a trailing newline added after signing', () => {
    const r = verifyMessage(`${sign()}\n`, trust);
    expect(r.valid).toBe(false);
    expect(r.summary).toContain('whitespace');
  });
});

describe('PKCS#12', () => {
  it('loads back the key store written by keygen and signs with it', () => {
    const p12 = readPkcs12(keys.partner.p12, 'pw');
    expect(p12.privateKey).toBeDefined();
    expect(p12.certificates[0]!.serial).toBe(keys.partner.serial);
    const signer = { privateKey: p12.privateKey!, certificate: p12.certificates[0]! };
    expect(verifyMessage(signMessage(message, signer), trust).valid).toBe(true);
  });

  it('refuses a wrong password with a clear error', () => {
    expect(() => readPkcs12(keys.partner.p12, 'wrong')).toThrow(/PKCS#12/);
  });
});

describe('canonical base64 only', () => {
  it('refuses a signature whose unused low bits are set (Buffer would ignore them)', () => {
    const text = signMessage(message, partner);
    const sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    expect(sig.endsWith('==')).toBe(true); // 256 bytes → 2 padding chars, 4 unused bits
    const last = sig[sig.length - 3]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const changed = text.replace(`"${sig}"`, `"${sig.slice(0, -3)}${twin}=="`);
    expect(Buffer.from(`${sig.slice(0, -3)}${twin}==`, 'base64').equals(Buffer.from(sig, 'base64'))).toBe(true);
    expect(verifyMessage(changed, trust).problem).toBe('not-base64');
  });
});

describe('standard padded base64: the round trip alone decides', () => {
  // the grammar of standard padded base64, as a reference for what the round trip accepts
  const GRAMMAR = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const odd = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ .!é\t';

  it('5,000 seeded changes of a real signature: not-base64 exactly when the grammar or the round trip refuses', () => {
    const text = signMessage(message, partner);
    const sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    for (let i = 0; i < 5_000; i++) {
      const at = rnd(sig.length + 1);
      const changed = `${sig.slice(0, at)}${odd[rnd(odd.length)]}${sig.slice(at + rnd(3))}`;
      const canonical = GRAMMAR.test(changed) && Buffer.from(changed, 'base64').toString('base64') === changed;
      const r = verifyMessage(text.replace(`"${sig}"`, JSON.stringify(changed)), trust);
      expect(r.problem === 'not-base64', changed).toBe(!canonical);
    }
  });
});
