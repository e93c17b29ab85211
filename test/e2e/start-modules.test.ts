/**
 * What `start` loads before it is ready: the server path stays free of the libraries only other
 * commands need — TypeBox (schemas at build time), ajv (validators are precompiled), node-forge
 * (key generation, PKCS#12) and the OpenAPI document. Each costs start-up time (TypeBox alone is
 * 200 modules); a barrel import is enough to bring one back.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  await cleanup();
});

describe('start: modules loaded until ready', () => {
  it('none of TypeBox, ajv, node-forge or the OpenAPI document', async () => {
    const trace = join(dir, 'modules.txt');
    const register = pathToFileURL(join(import.meta.dirname, '..', 'support', 'module-trace', 'register.mjs')).href;
    // keys made beforehand: making them is what node-forge is for
    const first = await spawnSandbox(['--time-scale', '0'], { cwd: dir });
    await first.stop();
    const sb = await spawnSandbox(['--time-scale', '0'], { cwd: dir, env: { UCSP_MODULE_TRACE: trace, NODE_OPTIONS: `--import=${register}` } });
    const loaded = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
    await sb.stop();
    expect(loaded.some((u) => u.includes('/dist/src/sandbox/start-sandbox.js'))).toBe(true);
    const heavy = [...new Set(loaded.filter((u) => /node_modules\/(@sinclair\/typebox|ajv|ajv-formats|node-forge)\/|\/servers\/openapi\//.test(u)))];
    expect(heavy).toEqual([]);
  });
});
