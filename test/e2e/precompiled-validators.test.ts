/** The validators precompiled into dist (ajv standalone) judge every fixture exactly as the compiled ones. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MSG_TYPES, inferRole, isMsgType, validateMessage } from '../../src/schemas/index.js';

const require = createRequire(import.meta.url);
const folder = new URL('../../dist/src/schemas/validators/', import.meta.url);
/** every file of the build's validators: file name → its exports */
const files = new Map(
  readdirSync(folder)
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => [f.slice(0, -'.cjs'.length), require(fileURLToPath(new URL(f, folder))) as Record<string, (v: unknown) => boolean>]),
);
const precompiled: Record<string, (v: unknown) => boolean> = Object.assign({}, ...files.values());

async function fixtures(kind: 'valid' | 'invalid'): Promise<{ file: string; msg: unknown }[]> {
  const dir = new URL(`../../fixtures/messages/${kind}/`, import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'expected.json');
  return Promise.all(files.map(async (file) => ({ file, msg: JSON.parse(await readFile(new URL(file, dir), 'utf8')) as unknown })));
}

describe('precompiled validators (dist)', () => {
  it('exist for the envelope, every message and role, and the configuration', () => {
    expect(Object.keys(precompiled)).toEqual(expect.arrayContaining(['envelope', 'config', 'SUBMIT_PAYMENT_ORDER__request', 'PAYMENT_RESULT_NOTICE__response']));
    for (const t of MSG_TYPES) expect(Object.keys(precompiled), t).toContain(`${t}__request`);
  });

  it('one file per message type, and the envelope and the configuration each alone (each loads on first use)', () => {
    for (const [file, exports] of files) {
      if (file === 'formats') continue;
      const names = Object.keys(exports);
      expect(names.length, file).toBeGreaterThan(0);
      for (const n of names) expect(n.split('__')[0], `${file}.cjs exports ${n}`).toBe(file);
    }
    expect(Object.keys(files.get('config') ?? {})).toEqual(['config']);
    expect(Object.keys(files.get('SUBMIT_PAYMENT_ORDER') ?? {}).sort()).toEqual(['SUBMIT_PAYMENT_ORDER__request', 'SUBMIT_PAYMENT_ORDER__response']);
  });

  it('need no package when loaded: the bits of ajv they use are bundled in', () => {
    // every require() made while loading them all, in a fresh process
    const script = `const M = require('node:module'); const { readdirSync } = require('node:fs'); const { join } = require('node:path');
      const seen = new Set(); const load = M._load;
      M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
      for (const f of readdirSync(process.argv[1])) if (f.endsWith('.cjs')) require(join(process.argv[1], f));
      process.stdout.write(JSON.stringify([...seen]));`;
    const requested = JSON.parse(execFileSync(process.execPath, ['-e', script, fileURLToPath(folder)], { encoding: 'utf8' })) as string[];
    expect(requested.filter((r) => !r.startsWith('/'))).toEqual(['./formats.cjs']);
  });

  it('agree with the compiled validators on every valid and invalid fixture', async () => {
    let compared = 0;
    for (const kind of ['valid', 'invalid'] as const) {
      for (const { file, msg } of await fixtures(kind)) {
        const t = (msg as { msgInfo?: { msgType?: unknown } }).msgInfo?.msgType;
        if (!isMsgType(t)) continue;
        const role = inferRole(msg);
        const pre = precompiled[`${t}__${role}`];
        if (!pre) continue;
        expect(pre(msg), `${kind}/${file}`).toBe(validateMessage(msg, { role }).valid);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(60);
  });
});
