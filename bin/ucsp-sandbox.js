#!/usr/bin/env node
// the bundled CLI (scripts/bundle-cli.mjs); the library API stays in dist/src
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
