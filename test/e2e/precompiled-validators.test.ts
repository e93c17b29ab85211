/** The validators precompiled into dist (ajv standalone) judge every fixture exactly as the compiled ones. */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { inferRole, isMsgType, validateMessage } from '../../src/schemas/index.js';

const require = createRequire(import.meta.url);
const precompiled = require('../../dist/src/schemas/validators.standalone.cjs') as Record<string, (v: unknown) => boolean>;

async function fixtures(kind: 'valid' | 'invalid'): Promise<{ file: string; msg: unknown }[]> {
  const dir = new URL(`../../fixtures/messages/${kind}/`, import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'expected.json');
  return Promise.all(files.map(async (file) => ({ file, msg: JSON.parse(await readFile(new URL(file, dir), 'utf8')) as unknown })));
}

describe('precompiled validators (dist)', () => {
  it('exist for the envelope, every message and role, and the configuration', () => {
    expect(Object.keys(precompiled)).toEqual(expect.arrayContaining(['envelope', 'config', 'SUBMIT_PAYMENT_ORDER__request', 'PAYMENT_RESULT_NOTICE__response']));
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
