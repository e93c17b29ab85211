/** A sandbox started in this process on loopback (port 0, manual clock) with fresh test keys. */
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type DeepPartial, type SandboxConfig } from '../../src/config/index.js';
import { loadSigner, signMessage, writeTestKeys } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.js';

export interface OwnSandbox {
  /** The keys folder (partner.key.pem, partner.cert.pem…). */
  dir: string;
  config: SandboxConfig;
  sandbox: RunningSandbox;
  logs: string[];
  /** Sends a partner request signed with the partner's test key; the answer's trxInfo and code. */
  wire(msgType: string, trxInfo: Record<string, string>): Promise<{ code: string; trxInfo: Record<string, string> }>;
  /** A new orderId. */
  orderId(prefix?: string): string;
  close(): Promise<void>;
}

export async function ownSandbox(overrides: DeepPartial<SandboxConfig> = {}): Promise<OwnSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'ucsp-own-'));
  await writeTestKeys(dir);
  const config = resolveConfig(undefined, { baseDir: dir, overrides: { keysDir: dir, port: 0, timeScale: 0, ...overrides } });
  const logs: string[] = [];
  const sandbox = await startSandbox(config, { log: (line) => logs.push(line) });
  const signer = await loadSigner(join(dir, 'partner.key.pem'), join(dir, 'partner.cert.pem'));
  let seq = 0;
  const wire: OwnSandbox['wire'] = async (msgType, trxInfo) => {
    const now = formatUcspTime(Date.now(), config.zone);
    const text = signMessage(
      { msgInfo: { versionNo: '1.0.0', msgID: `P${config.partner.insID}${now}${String(++seq).padStart(6, '0')}`, timeStamp: now, msgType, insID: config.partner.insID }, trxInfo },
      signer,
    );
    const res = await fetch(`${sandbox.localUrls.ucsp}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: text });
    const answer = (await res.json()) as { trxInfo: Record<string, string>; msgResponse: { responseCode: string } };
    return { code: answer.msgResponse.responseCode, trxInfo: answer.trxInfo };
  };
  return {
    wire,
    orderId: (prefix = 'ORD') => `${prefix}${Date.now()}${String(++seq).padStart(4, '0')}`,
    dir,
    config,
    sandbox,
    logs,
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request over node:http, so that any header can be sent as a browser or an attacker
 * would — Host included (fetch does not let a caller choose it).
 */
export function rawRequest(url: string, o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
