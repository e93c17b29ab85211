/**
 * The executable runs the bundled CLI (dist/cli, scripts/bundle-cli.mjs), and what the bundle finds
 * by relative path still works from there: the signing worker (--workers), the precompiled
 * validators (each message type's on first use), the package root. The library (dist/src) finds
 * its own.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustStore, certInfoFromPem, loadSigner, signMessage, verifyMessage, type SignerCredentials } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { runCli } from '../support/cli.js';
import { spawnSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let cleanup: () => Promise<void>;
let partner: SignerCredentials;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  expect((await runCli(['keys', 'init', '--out', join(dir, '.ucsp-sandbox', 'keys')], { cwd: dir })).code).toBe(0);
  const keys = join(dir, '.ucsp-sandbox', 'keys');
  partner = await loadSigner(join(keys, 'partner.key.pem'), join(keys, 'partner.cert.pem'));
});
afterAll(async () => {
  await cleanup();
});

let seq = 0;
function order(trxInfo: Record<string, string> = {}): string {
  const ts = formatUcspTime(Date.now());
  const n = String(++seq).padStart(6, '0');
  return signMessage(
    {
      msgInfo: { versionNo: '1.0.0', msgID: `P12345678${ts}${n}`, timeStamp: ts, msgType: 'SUBMIT_PAYMENT_ORDER', insID: '12345678' },
      trxInfo: { orderId: `ORDBUNDLE${n}`, merId: '123456789012345', acqIIN: '00010344', txnAmt: '1234', currencyCode: '344', txnTime: ts, userId: 'user-001', backUrl: 'http://127.0.0.1:9/n', ...trxInfo },
    },
    partner,
  );
}

const codeOf = (text: string) => (JSON.parse(text) as { msgResponse: { responseCode: string } }).msgResponse.responseCode;

describe('the executable', () => {
  it('--version: the package version, from the bundle', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(await readFile(join(root, 'bin', 'ucsp-sandbox.js'), 'utf8')).toContain("from '../dist/cli/main.js'");
  });

  it('start --workers 1: signed answers by the bundled worker, message validators loaded on first use', async () => {
    const trace = join(dir, 'modules.txt');
    const register = pathToFileURL(join(import.meta.dirname, '..', 'support', 'module-trace', 'register.mjs')).href;
    const sb = await spawnSandbox(['--workers', '1', '--time-scale', '0'], { cwd: dir, env: { UCSP_MODULE_TRACE: trace, NODE_OPTIONS: `--import=${register}` } });
    try {
      const ucspTrust = new TrustStore([certInfoFromPem(await readFile(sb.ready.ucspCertificate, 'utf8'))]);
      const post = (body: string) => fetch(sb.ready.api, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body }).then((r) => r.text());
      const ok = await post(order());
      expect(verifyMessage(ok, ucspTrust).valid).toBe(true);
      expect(codeOf(ok)).toBe('00');
      // the schema is checked: a bad amount is a format error (10), signed too
      const bad = await post(order({ txnAmt: '12.34' }));
      expect(verifyMessage(bad, ucspTrust).valid).toBe(true);
      expect(codeOf(bad)).toBe('10');
    } finally {
      await sb.stop();
    }
    const files = [...new Set((await readFile(trace, 'utf8')).split('\n').filter((u) => u.startsWith('file:')))].map((u) => fileURLToPath(u).replace(root, ''));
    expect(files).toContain('dist/cli/signing-worker.js');
    expect(files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/cli/')).sort()).toEqual(
      ['config', 'envelope', 'formats', 'SUBMIT_PAYMENT_ORDER'].map((f) => `dist/src/schemas/validators/${f}.cjs`).sort(),
    );
  });
});

describe('the library (dist/src)', () => {
  it('startSandbox with workers finds its own signing worker and validators', async () => {
    const api = await import('../../dist/src/index.js');
    const config = api.resolveConfig(undefined, { baseDir: dir, overrides: { keysDir: join(dir, '.ucsp-sandbox', 'keys'), port: 0, timeScale: 0 } });
    const sandbox = await api.startSandbox(config, { workers: 1 });
    try {
      const ucspTrust = new TrustStore([certInfoFromPem(await readFile(sandbox.files.ucspCertificate, 'utf8'))]);
      const post = (body: string) => fetch(`${sandbox.localUrls.ucsp}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body }).then((r) => r.text());
      const ok = await post(order());
      expect(verifyMessage(ok, ucspTrust).valid).toBe(true);
      expect(codeOf(ok)).toBe('00');
      expect(codeOf(await post(order({ txnAmt: '12.34' })))).toBe('10');
      expect(sandbox.runtime.answerSigner?.kind).toBe('workers');
    } finally {
      await sandbox.close();
    }
  });
});
