/**
 * Test keys: a root CA, the UCSP signing certificate and a partner key with certificate, as PEM
 * and as PKCS#12 (the form UPI hands key stores out in). RSA keys come from node:crypto (fast);
 * certificates and the key store from node-forge.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type forge from 'node-forge';
import { getForge } from './lazy-forge.js';
import { UcspError, pathExists } from '../errors/index.js';
import { serialToDecimal } from './credentials.js';

export const KEY_FILES = {
  caCert: 'ca.cert.pem',
  ucspKey: 'ucsp.key.pem',
  ucspCert: 'ucsp.cert.pem',
  partnerKey: 'partner.key.pem',
  partnerCert: 'partner.cert.pem',
  partnerP12: 'partner.p12',
} as const;

export const DEFAULT_P12_PASSWORD = 'ucsp-sandbox';

interface Issued {
  keyPem: string;
  certPem: string;
  serial: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function newKey(): { keyPem: string; key: forge.pki.rsa.PrivateKey; pub: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = getForge().pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const pub = getForge().pki.setRsaPublicKey(key.n, key.e);
  return { keyPem, key, pub };
}

function newSerialHex(): string {
  // Positive, 9 bytes (first bit clear): decimal signCertIDs of about 21 digits.
  const b = randomBytes(9);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

function issue(commonName: string, issuer: Issued | undefined, isCa: boolean, years: number): Issued {
  const { keyPem, key, pub } = newKey();
  const cert = getForge().pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = newSerialHex();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'ucsp-sandbox test keys (not for production)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  cert.setExtensions(
    isCa
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ],
  );
  cert.sign(issuer ? issuer.key : key, getForge().md.sha256.create());
  return { keyPem, key, cert, certPem: getForge().pki.certificateToPem(cert), serial: serialToDecimal(cert.serialNumber) };
}

export interface TestKeySet {
  caCertPem: string;
  ucsp: { keyPem: string; certPem: string; serial: string };
  partner: { keyPem: string; certPem: string; serial: string; p12: Buffer };
}

export function generateTestKeys(p12Password: string = DEFAULT_P12_PASSWORD): TestKeySet {
  const ca = issue('ucsp-sandbox Test Root CA', undefined, true, 10);
  const ucsp = issue('UCSP sandbox signing', ca, false, 5);
  const partner = issue('Industry Service (partner) test', ca, false, 5);
  const asn1 = getForge().pkcs12.toPkcs12Asn1(partner.key, [partner.cert, ca.cert], p12Password, {
    algorithm: '3des',
    friendlyName: 'partner',
    generateLocalKeyId: true,
  });
  const p12 = Buffer.from(getForge().asn1.toDer(asn1).getBytes(), 'binary');
  return {
    caCertPem: ca.certPem,
    ucsp: { keyPem: ucsp.keyPem, certPem: ucsp.certPem, serial: ucsp.serial },
    partner: { keyPem: partner.keyPem, certPem: partner.certPem, serial: partner.serial, p12 },
  };
}

/** Writes a test key set to `dir`. Refuses to overwrite existing files unless `force`. */
export async function writeTestKeys(dir: string, options: { password?: string; force?: boolean } = {}): Promise<TestKeySet & { files: Record<keyof typeof KEY_FILES, string> }> {
  const files = Object.fromEntries(Object.entries(KEY_FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof KEY_FILES, string>;
  if (!options.force) {
    const present: string[] = [];
    for (const f of Object.values(files)) if (await pathExists(f)) present.push(f);
    if (present.length) {
      throw new UcspError('usage', `refusing to overwrite existing keys in ${dir} (use --force)`, { details: present });
    }
  }
  const keys = generateTestKeys(options.password ?? DEFAULT_P12_PASSWORD);
  try {
    await mkdir(dir, { recursive: true });
    const put = async (path: string, data: string | Buffer, mode: number) => {
      await writeFile(path, data, { mode });
      await chmod(path, mode); // writeFile's mode does not apply to an existing file
    };
    await put(files.caCert, keys.caCertPem, 0o644);
    await put(files.ucspKey, keys.ucsp.keyPem, 0o600);
    await put(files.ucspCert, keys.ucsp.certPem, 0o644);
    await put(files.partnerKey, keys.partner.keyPem, 0o600);
    await put(files.partnerCert, keys.partner.certPem, 0o644);
    await put(files.partnerP12, keys.partner.p12, 0o600);
  } catch (e) {
    throw new UcspError('io', `cannot write keys to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return { ...keys, files };
}
