#!/usr/bin/env node
// Benchmark runner: `pnpm bench [name...]` runs every test/bench/*.bench.js (or the named ones).
// A bench module exports `name`, `description` and `run({ repo, args })`, which prints its
// results and returns { ok } (false when a correctness check, such as recall, failed).
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .sort();

let failed = 0;
let ran = 0;
for (const file of files) {
  const bench = await import(pathToFileURL(join(here, file)).href);
  const name = bench.name ?? file.replace(/\.bench\.js$/, '');
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  ran++;
  console.log(`\n== ${name}: ${bench.description ?? ''}`);
  try {
    const result = await bench.run({ repo, args: process.argv.slice(2) });
    if (!result?.ok) failed++;
  } catch (error) {
    failed++;
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (ran === 0) {
  console.error(`no benchmark matched ${wanted.join(', ')}; available: ${files.join(', ')}`);
  process.exit(2);
}
process.exit(failed > 0 ? 1 : 0);
