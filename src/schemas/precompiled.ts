/**
 * Validators precompiled by scripts/build-validators.mjs (ajv standalone code) next to the built
 * module. Present in dist/, absent when running from src/ (tests): then validators compile on first use.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
let loaded: Record<string, ValidateFunction> | null | undefined;

export function precompiled(name: string): ValidateFunction | undefined {
  if (loaded === undefined) {
    try {
      loaded = require('./validators.standalone.cjs') as Record<string, ValidateFunction>;
    } catch {
      loaded = null;
    }
  }
  return loaded?.[name];
}
