import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import type Ignore from 'ignore';
import type { parseDocument } from 'yaml';

/*
 * yaml, ajv and ignore, loaded on first use. Most processes that import the configuration
 * module find no configuration file and never need them (every ESLint run with the plugin
 * imports it), and loading the three costs about 150 ms of CPU. All three ship CommonJS, so a
 * synchronous require works where a rule cannot await an import. The CLI bundle swaps this
 * module for static imports (scripts/bundle.mjs), since it has no node_modules to require from.
 */
const require = createRequire(import.meta.url);

export const yamlParseDocument = (): typeof parseDocument => (require('yaml') as { parseDocument: typeof parseDocument }).parseDocument;
export const AjvClass = (): typeof Ajv => (require('ajv') as { Ajv: typeof Ajv }).Ajv;
export const ignoreFactory = (): typeof Ignore => require('ignore') as typeof Ignore;
