import { createRequire } from 'node:module';
import type AdmZip from 'adm-zip';
import type { Gunzip } from 'minizlib';

/*
 * adm-zip and minizlib, loaded on first use: most scans (every commit hook with no archive
 * staged, every ESLint run) open no archive, and loading the two costs a commit hook several
 * milliseconds. Both ship CommonJS, so a synchronous require works where the archive reader
 * cannot await an import. The CLI bundle swaps this module for requires from a file of its own
 * (scripts/bundle.mjs), since it has no node_modules to require from.
 */
const require = createRequire(import.meta.url);

export const AdmZipClass = (): typeof AdmZip => require('adm-zip') as typeof AdmZip;
export const GunzipClass = (): typeof Gunzip => (require('minizlib') as { Gunzip: typeof Gunzip }).Gunzip;
