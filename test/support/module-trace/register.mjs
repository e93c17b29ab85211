// `--import` this file (with UCSP_MODULE_TRACE set) to record which modules a process loads: every
// URL the ES module loader resolves (hooks.mjs), and every CommonJS file read by require() — which
// Node 20's module hooks do not see (packages loaded through createRequire: ajv, node-forge…).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(new URL('./hooks.mjs', import.meta.url));

const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  appendFileSync(process.env.UCSP_MODULE_TRACE, `${pathToFileURL(filename).href}\n`);
  return load.call(this, filename);
};
