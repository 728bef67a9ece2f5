#!/usr/bin/env node
/**
 * What the ESLint plugin costs on a large real codebase: ESLint with no rules, with
 * `configs.recommended` of eslint-plugin-shippo-keyguard, and with eslint-plugin-no-secrets,
 * printed as ratios to the run without rules. Target: recommended adds at most 5%.
 *
 * Corpus (copied into .bench/eslint-corpus, since ESLint never lints node_modules): the
 * JavaScript of ESLint itself and of typescript-eslint's rule plugin (default parser), and
 * TypeScript's `lib.*.d.ts` files up to 300 kB (typescript-eslint's parser).
 *
 * The machine is shared, so wall time is noisy: each setup runs `--rounds` times, interleaved,
 * and the least CPU time (user + system of this process; ESLint lints on one thread) counts.
 * ESLint's own per-rule timing (`stats: true`) gives the share of the plugin's rules, too.
 * Usage: node test/bench/eslint.bench.js [--rounds N] [--quick]   (--quick: ESLint's lib only)
 */
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import keyguard from 'eslint-plugin-shippo-keyguard';
import noSecrets from 'eslint-plugin-no-secrets';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);

/** Package folder of a dependency of test/ (or of the repo root). */
function packageDir(name, from = here) {
  return dirname(realpathSync(createRequire(join(from, 'x.js')).resolve(`${name}/package.json`)));
}

const SOURCES = (quick) => [
  ['eslint', join(packageDir('eslint'), 'lib')],
  ...(quick
    ? []
    : [
        ['typescript-eslint-plugin', join(dirname(realpathSync(require.resolve('typescript-eslint'))), '..', '..', '@typescript-eslint', 'eslint-plugin', 'dist')],
        ['typescript-lib', join(packageDir('typescript', repo), 'lib')],
      ]),
];

const MAX_DTS = 300_000;

/** JavaScript from the JS sources; from TypeScript's lib, only its `lib.*.d.ts` declarations. */
function wanted(source, path) {
  if (source === 'typescript-lib') return /\/lib\.[\w.]+\.d\.ts$/.test(path) && statSync(path).size <= MAX_DTS;
  return /\.(c|m)?js$/.test(path);
}

/** Copy the JavaScript files of each source into the corpus; returns file count and bytes. */
function prepareCorpus(dir, quick) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  for (const [name, source] of SOURCES(quick)) {
    if (!existsSync(source)) throw new Error(`bench corpus source missing: ${source} (run pnpm install)`);
    cpSync(source, join(dir, name), { recursive: true, filter: (src) => statSync(src).isDirectory() || wanted(name, src) });
  }
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files++;
        bytes += statSync(full).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

const BASE = [
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
];

/** The configurations compared; every one lints the same files with the same parser. */
/** A rule that registers no listener: what ESLint charges for having any rule on at all. */
const emptyRule = { meta: { name: 'empty' }, rules: { empty: { meta: { type: 'problem', schema: [] }, create: () => ({}) } } };

const SETUPS = {
  'no rules': [...BASE],
  'one empty rule': [...BASE, { plugins: { empty: emptyRule }, rules: { 'empty/empty': 'error' } }],
  'shippo-keyguard recommended': [...BASE, keyguard.configs.recommended],
  'eslint-plugin-no-secrets': [...BASE, { plugins: { 'no-secrets': noSecrets }, rules: { 'no-secrets/no-secrets': 'error' } }],
};

async function lintOnce(cwd, config, stats = false) {
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, cache: false, stats });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const results = await eslint.lintFiles(['.']);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - started;
  const ms = (cpu.user + cpu.system) / 1000;
  const problems = results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId !== null && !m.fatal).length, 0);
  const fatal = results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0);
  // With stats: time spent in this plugin's rules (listeners and create) and in the whole lint.
  let ruleMs = 0;
  let totalMs = 0;
  for (const r of results) {
    for (const pass of r.stats?.times.passes ?? []) {
      totalMs += pass.total;
      for (const [id, t] of Object.entries(pass.rules ?? {})) if (id.startsWith('shippo-keyguard/')) ruleMs += t.total;
    }
  }
  return { ms, wallMs, files: results.length, problems, fatal, ruleMs, totalMs };
}

const min = (list) => Math.min(...list);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

export async function run({ rounds = 3, quick = false, log = console.log } = {}) {
  const corpus = join(repo, '.bench', 'eslint-corpus');
  const { files, bytes } = prepareCorpus(corpus, quick);
  log(`eslint bench: ${files} files, ${(bytes / 1e6).toFixed(1)} MB of real JavaScript and TypeScript (${relative(process.cwd(), corpus) || '.'}), ESLint ${ESLint.version}, ${rounds} rounds`);

  const names = Object.keys(SETUPS);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  const last = {};
  // Warm-up: load parsers and plugins, fill the JIT, once per setup (not timed).
  for (const name of names) await lintOnce(corpus, SETUPS[name]);
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no setup always runs first (or last) in a round.
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      const result = await lintOnce(corpus, SETUPS[name]);
      times[name].push(result.ms);
      wall[name].push(result.wallMs);
      last[name] = result;
    }
  }

  const base = min(times['no rules']);
  const wallBase = median(wall['no rules']);
  const rows = names.map((name) => ({
    setup: name,
    cpuMs: Math.round(min(times[name])),
    ratio: min(times[name]) / base,
    wallRatio: median(wall[name]) / wallBase,
    files: last[name].files,
    problems: last[name].problems,
    fatal: last[name].fatal,
  }));
  for (const row of rows) {
    log(
      `  ${row.setup.padEnd(30)} ${String(row.cpuMs).padStart(7)} ms CPU  ${row.ratio.toFixed(3)}x  (wall ${row.wallRatio.toFixed(3)}x; ${row.files} files, ${row.problems} problems${row.fatal ? `, ${row.fatal} parse errors` : ''})`,
    );
  }
  const byName = Object.fromEntries(rows.map((r) => [r.setup, r]));
  const overhead = (byName['shippo-keyguard recommended'].ratio - 1) * 100;
  const overEmpty = (byName['shippo-keyguard recommended'].ratio / byName['one empty rule'].ratio - 1) * 100;
  const withStats = await lintOnce(corpus, SETUPS['shippo-keyguard recommended'], true);
  const share = (withStats.ruleMs / withStats.totalMs) * 100;
  const sign = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}%`;
  log(`  shippo-keyguard recommended: ${sign(overhead)} CPU over no rules (target <= +5%); its rules' own time (ESLint stats): ${share.toFixed(2)}% of lint time`);
  log(`  shippo-keyguard recommended over one empty rule (ESLint's fixed cost of any rule removed): ${sign(overEmpty)}`);
  log(`  eslint-plugin-no-secrets: ${sign((byName['eslint-plugin-no-secrets'].ratio - 1) * 100)} CPU over no rules`);
  return { files, bytes, rows, overheadPercent: overhead, overEmptyRulePercent: overEmpty, ruleSharePercent: share };
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt === -1 ? Number(process.env.BENCH_ROUNDS ?? 3) : Number(args[roundsAt + 1]);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error('eslint.bench.js: --rounds takes a positive integer');
    process.exit(2);
  }
  run({ rounds, quick: args.includes('--quick') }).catch((error) => {
    console.error(`eslint.bench.js: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
}
