#!/usr/bin/env node
// Thin shim: all behaviour lives in the pure run(argv) so tests call it without a process.
// A fresh clone (GitHub Actions, pre-commit) has no cli/dist: fall back to the committed bundle.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of the CLI on disk between runs, so each run after the
// first skips most of the compilation; older Node has no compile cache and skips this.
module.enableCompileCache?.();

const built = new URL('../dist/main.js', import.meta.url);
const { main } = await import(existsSync(built) ? built.href : new URL('../../dist/shippo-keyguard.mjs', import.meta.url).href);

process.exitCode = await main(process.argv.slice(2));
