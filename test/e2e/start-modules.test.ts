/**
 * What `start` loads before it is ready: the server path stays free of the libraries only other
 * commands need — TypeBox (schemas at build time), ajv (validators are precompiled), node-forge
 * (key generation, PKCS#12) and the OpenAPI document. Each costs start-up time (TypeBox alone is
 * 200 modules); a barrel import is enough to bring one back.
 *
 * The CLI is bundled (scripts/bundle-cli.mjs): our modules and most packages live inside the chunks
 * of dist/cli, so the files a process loads say little by themselves. The build's metafile
 * (dist/cli/meta.json) says which inputs each chunk holds; the inputs of every chunk `start` loaded
 * are what it loaded.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HEAVY = /node_modules\/(@sinclair\/typebox|ajv|ajv-formats|node-forge)\/|\/servers\/openapi\//;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** The loaded files, each with what it holds: a chunk of the bundle its inputs, any other file itself. */
async function contents(loaded: string[]): Promise<Map<string, string[]>> {
  const meta = JSON.parse(await readFile(join(root, 'dist', 'cli', 'meta.json'), 'utf8')) as Metafile;
  const out = new Map<string, string[]>();
  for (const url of loaded) {
    if (!url.startsWith('file:')) continue; // node: builtins
    const path = fileURLToPath(url);
    const rel = path.startsWith(root) ? path.slice(root.length) : path;
    const chunk = meta.outputs[rel];
    out.set(rel, chunk ? Object.keys(chunk.inputs) : [rel]);
  }
  return out;
}

let dir: string;
let cleanup: () => Promise<void>;
let loaded: Map<string, string[]>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const trace = join(dir, 'modules.txt');
  const register = pathToFileURL(join(import.meta.dirname, '..', 'support', 'module-trace', 'register.mjs')).href;
  // keys made beforehand: making them is what node-forge is for
  const first = await spawnSandbox(['--time-scale', '0'], { cwd: dir });
  await first.stop();
  const sb = await spawnSandbox(['--time-scale', '0'], { cwd: dir, env: { UCSP_MODULE_TRACE: trace, NODE_OPTIONS: `--import=${register}` } });
  const urls = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
  await sb.stop();
  loaded = await contents([...new Set(urls)]);
});
afterAll(async () => {
  await cleanup();
});

describe('start: modules loaded until ready', () => {
  it("come from the bundle: our code only from chunks of dist/cli, validators only the configuration's", () => {
    const files = [...loaded.keys()];
    expect(files).toContain('dist/cli/main.js');
    // the trace sees what start loads, through the metafile
    expect([...loaded.values()].flat()).toContain('dist/src/sandbox/start-sandbox.js');
    // message validators load on first use, not before ready
    expect(files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/cli/')).sort()).toEqual(['dist/src/schemas/validators/config.cjs', 'dist/src/schemas/validators/formats.cjs']);
  });

  it('none of TypeBox, ajv, node-forge or the OpenAPI document, bundled or not', () => {
    const heavy = [...loaded].flatMap(([file, inputs]) => inputs.filter((i) => HEAVY.test(i)).map((i) => `${file}: ${i}`));
    expect(heavy).toEqual([]);
  });
});
