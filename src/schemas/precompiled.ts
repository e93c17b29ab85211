/**
 * Validators precompiled by scripts/build-validators.mjs (ajv standalone code), in validators/ next
 * to the built module: one file per message type, the envelope's and the configuration's, each
 * loaded on first use (`start` loads only the configuration's before it is ready). Present in
 * dist/, absent when running from src/ (tests): then validators compile on first use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

/**
 * Set by scripts/bundle-cli.mjs for the bundled CLI (dist/cli), which finds the files of the
 * per-file build (dist/src/schemas/validators/) from there; everywhere else, the folder beside this module.
 */
declare const UCSP_PRECOMPILED_DIR: string | undefined;
const folder = new URL(typeof UCSP_PRECOMPILED_DIR === 'string' ? UCSP_PRECOMPILED_DIR : './validators/', import.meta.url);

/** Whether the build's validators are there (one stat; nothing is loaded). */
export const precompiledAvailable: boolean = existsSync(new URL('envelope.cjs', folder));

const require = createRequire(folder);
const files = new Map<string, Record<string, ValidateFunction>>();

/**
 * The validator `envelope`, `config`, or `<MSG_TYPE>__request` / `__response`; undefined where the
 * build's validators are absent or the build has no such validator.
 */
export function precompiled(name: string): ValidateFunction | undefined {
  if (!precompiledAvailable) return undefined;
  const file = name.split('__')[0]!;
  // names come from this package (message types already checked), never from a message; still, only a bare file name
  if (!/^[A-Za-z_]+$/.test(file)) return undefined;
  let exports = files.get(file);
  if (!exports) {
    exports = require(`./${file}.cjs`) as Record<string, ValidateFunction>;
    files.set(file, exports);
  }
  return exports[name];
}
