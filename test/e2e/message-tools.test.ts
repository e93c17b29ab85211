/** The real CLI: keys init, sign, verify, lint — and OpenSSL interoperating in both directions. */
import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const message = {
  msgInfo: { versionNo: '1.0.0', msgID: 'P1234567820261125173000000001', timeStamp: '20261125173000', msgType: 'PAYMENT_RESULT_INQUIRY', insID: '12345678' },
  trxInfo: { orderId: 'ORD2026112500001', merId: '123456789012345' },
};

let dir: string;
let cleanup: () => Promise<void>;
let keys: string;
let initOut: { ucspSignCertID: string; partnerSignCertID: string };
const p = (f: string) => join(dir, f);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  keys = join(dir, 'keys');
  const r = await runCli(['keys', 'init', '--out', keys, '--password', 'secret', '--json']);
  expect(r.code).toBe(0);
  initOut = JSON.parse(r.stdout) as typeof initOut;
  await writeFile(p('msg.json'), JSON.stringify(message, null, 2));
});
afterAll(() => cleanup());

describe('keys init', () => {
  it('writes PEM and PKCS#12 files, private keys 0600, and prints signCertIDs', async () => {
    for (const f of ['ca.cert.pem', 'ucsp.cert.pem', 'partner.cert.pem']) expect((await stat(join(keys, f))).mode & 0o777).toBe(0o644);
    for (const f of ['ucsp.key.pem', 'partner.key.pem', 'partner.p12']) expect((await stat(join(keys, f))).mode & 0o777).toBe(0o600);
    expect(initOut.ucspSignCertID).toMatch(/^[0-9]+$/);
    expect(initOut.partnerSignCertID).toMatch(/^[0-9]+$/);
    const human = await runCli(['keys', 'init', '--out', join(dir, 'k2')]);
    expect(human.stdout).toContain('signCertID');
    expect(human.stdout).toContain('ucsp-sandbox (the default');
  });

  it('refuses to overwrite without --force (exit 2), overwrites with it', async () => {
    const r = await runCli(['keys', 'init', '--out', keys]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--force');
    expect(r.stderr).not.toContain('    at ');
    const k3 = join(dir, 'k3');
    expect((await runCli(['keys', 'init', '--out', k3])).code).toBe(0);
    expect((await runCli(['keys', 'init', '--out', k3, '--force'])).code).toBe(0);
  });

  it('certificates chain to the test root CA (openssl verify)', () => {
    const out = execFileSync('openssl', ['verify', '-CAfile', join(keys, 'ca.cert.pem'), join(keys, 'ucsp.cert.pem'), join(keys, 'partner.cert.pem')], { encoding: 'utf8' });
    expect(out).toMatch(/ucsp\.cert\.pem: OK/);
    expect(out).toMatch(/partner\.cert\.pem: OK/);
  });
});

describe('sign, verify, lint', () => {
  it('signs with PEM, verifies valid (exit 0), a one-byte change is invalid (exit 1)', async () => {
    const s = await runCli(['sign', p('msg.json'), '--key', join(keys, 'partner.key.pem'), '--cert', join(keys, 'partner.cert.pem')]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).certificateSignature.signCertID).toBe(initOut.partnerSignCertID);
    await writeFile(p('signed.json'), s.stdout);
    const v = await runCli(['verify', p('signed.json'), '--cert', join(keys, 'partner.cert.pem')]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('VALID');
    await writeFile(p('altered.json'), s.stdout.replace('ORD2026112500001', 'ORD2026112500002'));
    const bad = await runCli(['verify', p('altered.json'), '--cert', join(keys, 'partner.cert.pem'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, problem: 'mismatch' });
  });

  it('signs from stdin with the PKCS#12 made by keys init, and with sha256-raw', async () => {
    const s = await runCli(['sign', '-', '--key', join(keys, 'partner.p12'), '--password', 'secret', '--variant', 'sha256-raw'], {
      input: JSON.stringify(message),
    });
    expect(s.code).toBe(0);
    await writeFile(p('raw.json'), s.stdout);
    expect((await runCli(['verify', p('raw.json'), '--cert', join(keys, 'partner.p12'), '--password', 'secret', '--variant', 'sha256-raw'])).code).toBe(0);
    const wrong = await runCli(['verify', p('raw.json'), '--cert', join(keys, 'partner.cert.pem')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('would verify under sha256-raw');
  });

  it('lint: exit 0 for a valid message, 1 with every error listed', async () => {
    expect((await runCli(['lint', p('signed.json')])).code).toBe(0);
    await writeFile(p('bad.json'), JSON.stringify({ ...message, trxInfo: { orderId: '1', merId: 12 } }));
    const r = await runCli(['lint', p('bad.json'), '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { errors: { path: string }[] };
    expect(out.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['trxInfo.orderId', 'trxInfo.merId', 'certificateSignature']));
    // for people: each field in plain words, then the value, then the regex (precompiled validators, built CLI)
    const human = await runCli(['lint', p('bad.json')]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('trxInfo.orderId: the order number, 8–40 letters and digits, new for every payment, cancellation and refund — got "1" (must match ^[0-9A-Za-z]{8,40}$ [pattern])');
    expect(human.stdout).toContain('trxInfo.merId: the merchant ID, 15 letters and digits — got 12 (must be a string [type])');
    await writeFile(p('notjson.json'), '{"msgInfo":');
    const nj = await runCli(['lint', p('notjson.json')]);
    expect(nj.code).toBe(1);
    expect(nj.stdout).toContain('invalid JSON');
  });

  it('lint: the layout of PROFILE §3 (certificateSignature last) and no msgResponse in a request', async () => {
    const signed = JSON.parse(await readFile(p('signed.json'), 'utf8')) as Record<string, unknown>;
    const { certificateSignature, ...rest } = signed;
    await writeFile(p('first.json'), JSON.stringify({ certificateSignature, ...rest }));
    const first = await runCli(['lint', p('first.json'), '--json']);
    expect(first.code).toBe(1);
    expect((JSON.parse(first.stdout) as { errors: { path: string; rule: string }[] }).errors).toContainEqual(expect.objectContaining({ path: 'certificateSignature', rule: 'layout' }));
    await writeFile(p('with-response.json'), JSON.stringify({ ...rest, msgResponse: { responseCode: '00', responseMsg: 'Approved' }, certificateSignature }));
    const withResponse = await runCli(['lint', p('with-response.json'), '--role', 'request']);
    expect(withResponse.code).toBe(1);
    expect(withResponse.stdout).toContain('msgResponse: must be absent');
  });

  it('usage errors and unreadable files exit 2 with one clear line, no stack trace', async () => {
    const cases = [
      ['verify', p('missing.json'), '--cert', join(keys, 'ucsp.cert.pem')],
      ['sign', p('msg.json'), '--key', join(keys, 'ucsp.key.pem'), '--cert', join(keys, 'partner.cert.pem')],
      ['sign', p('notjson.json'), '--key', join(keys, 'partner.key.pem'), '--cert', join(keys, 'partner.cert.pem')],
      ['sign', p('msg.json'), '--key', join(keys, 'partner.p12'), '--password', 'nope'],
      ['verify', p('msg.json'), '--cert', p('msg.json')],
      ['sign', p('msg.json'), '--key', join(keys, 'partner.key.pem'), '--variant', 'md5'],
      ['lint'],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().length, args.join(' ')).toBeGreaterThan(0);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });
});

describe('OpenSSL interoperates', () => {
  it('a message signed by `ucsp-sandbox sign` verifies with openssl dgst over the placeholder bytes', async () => {
    const s = await runCli(['sign', p('msg.json'), '--key', join(keys, 'partner.key.pem'), '--cert', join(keys, 'partner.cert.pem')]);
    const sig = (JSON.parse(s.stdout) as { certificateSignature: { signature: string } }).certificateSignature.signature;
    await writeFile(p('placeholder.bin'), s.stdout.replace(`"${sig}"`, '"00000000"'));
    await writeFile(p('sig.bin'), Buffer.from(sig, 'base64'));
    const pub = execFileSync('openssl', ['x509', '-in', join(keys, 'partner.cert.pem'), '-pubkey', '-noout']);
    await writeFile(p('pub.pem'), pub);
    const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', p('pub.pem'), '-signature', p('sig.bin'), p('placeholder.bin')], { encoding: 'utf8' });
    expect(out.trim()).toBe('Verified OK');
  });

  it('a message signed with openssl dgst -sign verifies with `ucsp-sandbox verify`', async () => {
    const withPlaceholder = `${JSON.stringify(message).slice(0, -1)},"certificateSignature":{"signCertID":"${initOut.ucspSignCertID}","signature":"00000000"}}`;
    await writeFile(p('to-sign.bin'), withPlaceholder);
    execFileSync('openssl', ['dgst', '-sha256', '-sign', join(keys, 'ucsp.key.pem'), '-out', p('ossl.sig'), p('to-sign.bin')]);
    const sig = (await readFile(p('ossl.sig'))).toString('base64');
    await writeFile(p('ossl-signed.json'), withPlaceholder.replace('"00000000"', `"${sig}"`));
    const v = await runCli(['verify', p('ossl-signed.json'), '--cert', join(keys, 'ucsp.cert.pem')]);
    expect(v.stdout).toContain('VALID');
    expect(v.code).toBe(0);
  });
});
