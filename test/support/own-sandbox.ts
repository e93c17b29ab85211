/** A sandbox started in this process on loopback (port 0, manual clock) with fresh test keys. */
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type DeepPartial, type SandboxConfig } from '../../src/config/index.js';
import { writeTestKeys } from '../../src/crypto/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.js';

export interface OwnSandbox {
  config: SandboxConfig;
  sandbox: RunningSandbox;
  logs: string[];
  close(): Promise<void>;
}

export async function ownSandbox(overrides: DeepPartial<SandboxConfig> = {}): Promise<OwnSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'ucsp-own-'));
  await writeTestKeys(dir);
  const config = resolveConfig(undefined, { baseDir: dir, overrides: { keysDir: dir, port: 0, timeScale: 0, ...overrides } });
  const logs: string[] = [];
  const sandbox = await startSandbox(config, { log: (line) => logs.push(line) });
  return {
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
