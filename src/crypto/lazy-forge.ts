/** node-forge, loaded on first use: only PKCS#12 and test-key generation need it, not start-up. */
import { createRequire } from 'node:module';
import type forgeType from 'node-forge';

const require = createRequire(import.meta.url);
let forge: typeof forgeType | undefined;

export function getForge(): typeof forgeType {
  forge ??= require('node-forge') as typeof forgeType;
  return forge;
}
