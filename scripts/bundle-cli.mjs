// Bundles the CLI (bin/ucsp-sandbox.js imports dist/cli/main.js) from the per-file build in
// dist/src (run after tsc and build-validators.mjs: npm run build). Start-up is mostly module
// loading: ~120 of our modules and ~140 CommonJS modules of Express and commander, each resolved,
// read and compiled. Bundled they are a few dozen files; code splitting keeps each command's
// dynamic imports in their own chunks, so `start` loads only what it needs.
//
// What must still be found from dist/cli:
// - the signing worker (`new URL('./signing-worker.js', import.meta.url)` in signing-pool.ts): an
//   entry point of its own, so it lands beside the chunks as dist/cli/signing-worker.js;
// - the precompiled validators: not bundled (each loads on first use), read from dist/src (see
//   UCSP_PRECOMPILED_DIR in src/schemas/precompiled.ts);
// - packages required through createRequire (ajv, node-forge, better-sqlite3: esbuild leaves such
//   calls alone) and the externals below: from node_modules as usual, loaded only when used;
// - iconv-lite's encodings, bundled on their own (below) as dist/cli/iconv-lite-encodings.cjs;
// - the package root (package.json, scenarios/, inspector/…): found by walking up from dist/cli.
//
// dist/cli/meta.json is esbuild's metafile: which inputs went into which chunk
// (test/e2e/start-modules.test.ts reads it to know what `start` loaded).
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * JSON files (mime-db's 230 KiB of types, iconv-lite's 420 KiB of encoding tables) as
 * `JSON.parse('…')` instead of esbuild's object literals: every start parses the chunks that hold
 * them, and V8 skims a string far faster than it parses the same data as code.
 */
const jsonAsString = {
  name: 'json-as-string',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async (a) => {
      const text = JSON.stringify(JSON.parse(await readFile(a.path, 'utf8')));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/**
 * iconv-lite's encodings (~570 KiB with their tables), which iconv-lite itself requires only when a
 * body is first decoded (a form posted to the channel app): a file of their own beside the chunks,
 * required from there on first use, not part of the chunk every start parses.
 */
const encodingsDirs = new Map(); // iconv-lite's encodings folder → the file it is bundled into
const lazyIconvEncodings = {
  name: 'lazy-iconv-encodings',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/encodings$/ }, (a) => {
      if (!/[\\/]iconv-lite[\\/]lib[\\/]index\.js$/.test(a.importer)) return undefined;
      const dir = join(dirname(a.importer), '..', 'encodings');
      if (!encodingsDirs.has(dir)) encodingsDirs.set(dir, `iconv-lite-encodings${encodingsDirs.size || ''}`);
      return { path: `./${encodingsDirs.get(dir)}.cjs`, external: true };
    });
  },
};

const outdir = 'dist/cli';
const common = { absWorkingDir: root, outdir, bundle: true, platform: 'node', target: 'node20', sourcemap: false, metafile: true, logLevel: 'warning' };

rmSync(new URL(`../${outdir}`, import.meta.url), { recursive: true, force: true });
const result = await build({
  ...common,
  entryPoints: { main: 'dist/src/cli/main.js', 'signing-worker': 'dist/src/sandbox/signing-worker.js' },
  splitting: true,
  format: 'esm',
  // every file flat in dist/cli: relative URLs between chunks and entries stay './name.js'
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  define: { UCSP_PRECOMPILED_DIR: JSON.stringify('../src/schemas/validators/') },
  external: [
    // native, optional or only for some commands: loaded from node_modules when used
    'better-sqlite3',
    'pg',
    'playwright-core',
    'node-forge',
  ],
  // Packages reached only through another package (iconv-lite, mime-db) stay bundled: from
  // node_modules they might not be found (pnpm) or be another version than the one asked for.
  plugins: [jsonAsString, lazyIconvEncodings],
  // CommonJS code in the bundle (Express…) requiring an external package needs a require()
  banner: { js: "import { createRequire as __ucspCreateRequire } from 'node:module';\nconst require = __ucspCreateRequire(import.meta.url);" },
});
if (encodingsDirs.size === 0) throw new Error('bundle-cli: iconv-lite no longer requires ../encodings; see lazyIconvEncodings');
const encodings = await build({
  ...common,
  entryPoints: Object.fromEntries([...encodingsDirs].map(([dir, name]) => [name, dir])),
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  plugins: [jsonAsString],
});
const metafile = { inputs: { ...result.metafile.inputs, ...encodings.metafile.inputs }, outputs: { ...result.metafile.outputs, ...encodings.metafile.outputs } };
writeFileSync(new URL(`../${outdir}/meta.json`, import.meta.url), JSON.stringify(metafile));
const outputs = Object.entries(metafile.outputs);
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.error(`bundled the CLI: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${outdir}`);
