/** Who signs UCSP's answers: the main thread by default (and with workers 0), worker threads with N. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { writeTestKeys } from '../../src/crypto/index.js';
import { startSandbox, type StartOptions } from '../../src/sandbox/start-sandbox.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ucsp-signer-'));
  await writeTestKeys(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startSandbox: the answer signer', () => {
  it.each<[string, StartOptions, string | undefined]>([
    ['default', {}, undefined],
    ['workers 0', { workers: 0 }, undefined],
    ['workers 1', { workers: 1 }, 'workers'],
  ])('%s → %s', async (_name, options, kind) => {
    const config = resolveConfig(undefined, { baseDir: dir, overrides: { keysDir: dir, port: 0, timeScale: 0 } });
    const sb = await startSandbox(config, { ...options, log: () => {} });
    try {
      expect(sb.runtime.answerSigner?.kind).toBe(kind);
    } finally {
      await sb.close();
    }
  });
});
