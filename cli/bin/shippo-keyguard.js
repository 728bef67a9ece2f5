#!/usr/bin/env node
// Thin shim: all behaviour lives in the pure run(argv) so tests call it without a process.
// CommonJS (./package.json says so): Node starts a CommonJS main file several milliseconds sooner
// than an ES module one, which a commit hook feels. Which build runs, the first that exists:
//   ../bundle/    the npm package: the same split bundle as the repository's dist/, put there when
//                 the package is packed, so `npx shippo-keyguard` starts as fast as a commit hook
//   ../dist/      a development checkout after `tsc -b`: the code being worked on
//   ../../dist/   a fresh clone (GitHub Actions, pre-commit): the committed bundle
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

/** `--version` alone, answered from this package's own package.json when it sits one directory up. */
function ownVersion() {
  if (process.argv.length !== 3 || process.argv[2] !== '--version') return undefined;
  try {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined; // not there (the repository installed as a package): the entry answers
  }
}

const version = ownVersion();
if (version !== undefined) {
  // The check CI logs and hook managers run most then costs Node's start-up and one small read,
  // without loading the CLI's entry (every build carries the same version).
  process.stdout.once('error', () => {}); // a reader that went away (`| head -c0`) ends it quietly
  process.stdout.write(`${version}\n`);
} else {
  // Node 22.1+ keeps V8's compiled code of the CLI on disk between runs, so each run after the
  // first skips most of the compilation; older Node has no compile cache and skips this.
  require('node:module').enableCompileCache?.();

  const packaged = join(__dirname, '..', 'bundle', 'shippo-keyguard.mjs');
  const built = join(__dirname, '..', 'dist', 'main.js');
  const entry = existsSync(packaged) ? packaged : existsSync(built) ? built : join(__dirname, '..', '..', 'dist', 'shippo-keyguard.mjs');
  import(pathToFileURL(entry).href)
    .then(({ main }) => main(process.argv.slice(2)))
    .then((code) => {
      process.exitCode = code;
    });
}
