/**
 * Loading certificates and private keys: PEM (node:crypto) or PKCS#12 (node-forge, which
 * node:crypto cannot read). Keys are parsed once into KeyObjects and reused for every signature.
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type forge from 'node-forge';
import { getForge } from './lazy-forge.js';
import { UcspError } from '../errors/index.js';

export interface CertInfo {
  /** Decimal serial number: the signCertID of messages signed with this certificate. */
  serial: string;
  pem: string;
  publicKey: KeyObject;
  subject: string;
  notAfter: string;
}

export interface SignerCredentials {
  privateKey: KeyObject;
  certificate: CertInfo;
}

/** Decimal form of a hex serial number. */
export function serialToDecimal(hex: string): string {
  return BigInt(`0x${hex.replace(/[^0-9a-fA-F]/g, '') || '0'}`).toString(10);
}

export function certInfoFromPem(pem: string): CertInfo {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch (e) {
    throw new UcspError('io', 'not a valid X.509 certificate', { cause: e });
  }
  return {
    serial: serialToDecimal(x.serialNumber),
    pem: x.toString(),
    publicKey: x.publicKey,
    subject: x.subject.replace(/\n/g, ', '),
    notAfter: x.validTo,
  };
}

export function isPem(buf: Buffer): boolean {
  return buf.subarray(0, 200).toString('latin1').includes('-----BEGIN');
}

function pemBlocks(text: string, label: RegExp): string[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  const out: string[] = [];
  for (const m of text.matchAll(re)) if (label.test(m[1] ?? '')) out.push(m[0]);
  return out;
}

/** Reads a PKCS#12 key store: its private key and its end-entity certificate. */
export function readPkcs12(der: Buffer, password: string): { privateKey?: KeyObject; certificates: CertInfo[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = getForge().asn1.fromDer(getForge().util.createBuffer(der.toString('binary')));
    p12 = getForge().pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const why = e instanceof Error && /mac|password|decrypt/i.test(e.message) ? 'wrong password?' : 'not a PKCS#12 file?';
    throw new UcspError('io', `cannot read PKCS#12 key store (${why})`, { cause: e });
  }
  const bags = (oid: string | undefined): forge.pkcs12.Bag[] => (oid ? (p12.getBags({ bagType: oid })[oid] ?? []) : []);
  const oids = getForge().pki.oids as Record<string, string | undefined>;
  const keyBags = [...bags(oids.pkcs8ShroudedKeyBag), ...bags(oids.keyBag)];
  const certBags = bags(oids.certBag);
  const keyBag = keyBags.find((b) => b.key);
  const privateKey = keyBag?.key ? createPrivateKey(getForge().pki.privateKeyToPem(keyBag.key)) : undefined;
  const certificates = certBags.filter((b) => b.cert).map((b) => certInfoFromPem(getForge().pki.certificateToPem(b.cert!)));
  // Put the certificate that matches the private key first.
  if (privateKey) {
    const pub = spki(createPublicKey(privateKey));
    certificates.sort((a: CertInfo, b: CertInfo) => Number(spki(b.publicKey) === pub) - Number(spki(a.publicKey) === pub));
  }
  return { privateKey, certificates };
}

function spki(k: KeyObject): string {
  return k.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** True when the private key is the one whose public half is in the certificate. */
export function keyMatchesCertificate(privateKey: KeyObject, cert: CertInfo): boolean {
  return spki(createPublicKey(privateKey)) === spki(cert.publicKey);
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UcspError('io', `cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}`, { cause: e });
  }
}

/** Loads every certificate in a PEM file, or the certificates of a PKCS#12 file. */
export async function loadCertificates(path: string, password = ''): Promise<CertInfo[]> {
  const buf = await readBytes(path);
  if (!isPem(buf)) return readPkcs12(buf, password).certificates;
  const blocks = pemBlocks(buf.toString('utf8'), /CERTIFICATE$/);
  if (blocks.length === 0) throw new UcspError('io', `${path} holds no certificate (expected "BEGIN CERTIFICATE")`);
  return blocks.map(certInfoFromPem);
}

/** Loads a private key from PEM (PKCS#1 or PKCS#8, optionally encrypted) or from PKCS#12. */
export async function loadPrivateKey(path: string, password = ''): Promise<KeyObject> {
  const buf = await readBytes(path);
  if (!isPem(buf)) {
    const { privateKey } = readPkcs12(buf, password);
    if (!privateKey) throw new UcspError('io', `${path} holds no private key`);
    return privateKey;
  }
  try {
    return createPrivateKey({ key: buf, format: 'pem', passphrase: password || undefined });
  } catch (e) {
    throw new UcspError('io', `${path} holds no readable private key (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Loads signing credentials. With a PKCS#12 `keyPath` the certificate comes from the same file;
 * otherwise `certPath` is required. Refuses a key and certificate that do not belong together.
 */
export async function loadSigner(keyPath: string, certPath: string | undefined, password = ''): Promise<SignerCredentials> {
  const keyBuf = await readBytes(keyPath);
  let privateKey: KeyObject;
  let certificate: CertInfo | undefined;
  if (!isPem(keyBuf)) {
    const p12 = readPkcs12(keyBuf, password);
    if (!p12.privateKey) throw new UcspError('io', `${keyPath} holds no private key`);
    privateKey = p12.privateKey;
    certificate = p12.certificates[0];
  } else {
    privateKey = await loadPrivateKey(keyPath, password);
  }
  if (certPath) certificate = (await loadCertificates(certPath, password))[0];
  if (!certificate) throw new UcspError('usage', `no certificate for ${keyPath}: pass --cert`);
  if (!keyMatchesCertificate(privateKey, certificate)) {
    throw new UcspError('usage', `the private key and the certificate do not match`, {
      details: [`key: ${keyPath}`, `certificate: ${certPath ?? keyPath} (serial ${certificate.serial}, ${certificate.subject})`],
    });
  }
  return { privateKey, certificate };
}
