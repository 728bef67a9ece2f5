#!/usr/bin/env node
/**
 * What the ESLint plugin costs on a large real codebase: a real `eslint` run (a fresh process
 * of ESLint's own CLI, as a user or CI runs it) with no rules, with one empty rule, with
 * `configs.recommended` of eslint-plugin-shippo-keyguard, and with eslint-plugin-no-secrets,
 * printed as ratios to the run without rules, in ESLint 9 and 10. Target: recommended adds at
 * most 5%.
 *
 * Enabling any rule at all, even one that registers no listener, costs ESLint itself a large
 * share of a run, mostly in garbage collection. It goes away when `FileContext#extend`, which
 * makes each rule's context as `Object.freeze(Object.assign(Object.create(fileContext), ...))`,
 * copies the file context's properties instead of inheriting from the per-file object. So the
 * bench also runs no rules, one empty rule and recommended with `extend` replaced that way, in
 * the child process only (the fix proposed to ESLint): that shows what the plugin itself costs.
 *
 * Corpus (copied into .bench/eslint-corpus, since ESLint never lints node_modules): the
 * JavaScript of ESLint itself and of typescript-eslint's rule plugin (default parser), and
 * TypeScript's `lib.*.d.ts` files up to 300 kB (typescript-eslint's parser).
 *
 * Wall and CPU time swing between runs even on an idle machine, so every setup runs `--rounds`
 * times, interleaved, and the least CPU time (user + system, all threads, of the whole process)
 * counts; the median wall time and main-thread GC pause time are printed beside it. ESLint's own per-rule timing (`stats`),
 * taken in this process, gives the share of the plugin's rules.
 * Usage: node test/bench/eslint.bench.js [--rounds N] [--quick] [--eslint 9|10]
 *   --quick: ESLint's lib only; --eslint: one major only (default: both)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ESLint as ESLint9, Linter as Linter9 } from 'eslint';
import { ESLint as ESLint10, Linter as Linter10 } from 'eslint10';
import tseslint from 'typescript-eslint';
import keyguard from 'eslint-plugin-shippo-keyguard';

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

const MAJORS = {
  9: { ESLint: ESLint9, Linter: Linter9, dir: packageDir('eslint') },
  10: { ESLint: ESLint10, Linter: Linter10, dir: packageDir('eslint10') },
};

const url = (specifier) => pathToFileURL(require.resolve(specifier)).href;

/**
 * The flat config of each setup, as a file ESLint's CLI loads with `-c`; every setup lints the
 * same files with the same parsers.
 */
function configSources() {
  const base = `import tseslint from ${JSON.stringify(url('typescript-eslint'))};
const BASE = [
  { ignores: ['eslint.*.config.mjs'] },
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
];
`;
  return {
    'no rules': `${base}export default BASE;\n`,
    // A rule that registers no listener: what ESLint charges for having any rule on at all.
    'one empty rule': `${base}const empty = { rules: { empty: { meta: { type: 'problem', schema: [] }, create: () => ({}) } } };
export default [...BASE, { plugins: { empty }, rules: { 'empty/empty': 'error' } }];\n`,
    'shippo-keyguard recommended': `${base}import keyguard from ${JSON.stringify(url('eslint-plugin-shippo-keyguard'))};
export default [...BASE, keyguard.configs.recommended];\n`,
    'eslint-plugin-no-secrets': `${base}import noSecrets from ${JSON.stringify(url('eslint-plugin-no-secrets'))};
export default [...BASE, { plugins: { 'no-secrets': noSecrets }, rules: { 'no-secrets/no-secrets': 'error' } }];\n`,
  };
}

/** The setups also run with the proposed `extend` (no-secrets is only the outside reference). */
const FIXED_SETUPS = ['no rules', 'one empty rule', 'shippo-keyguard recommended'];

/**
 * Preloaded into each ESLint process (`node -r`): writes its CPU time at exit and, when asked,
 * swaps ESLint's `FileContext#extend` for the proposed one. `FileContext` is not exported, so a
 * probe rule finds its prototype: a rule's context is `Object.create(fileContext)` plus its own
 * properties, and `fileContext` is a `FileContext`.
 */
const MEASURE_CJS = `'use strict';
const { writeFileSync } = require('node:fs');
if (process.env.BENCH_FIX_EXTEND === '1') {
  const { Linter } = require(process.env.BENCH_ESLINT_DIR);
  let fileContext;
  const probe = { create: (context) => ((fileContext = Object.getPrototypeOf(context)), {}) };
  new Linter().verify('x', [{ plugins: { probe: { rules: { probe } } }, rules: { 'probe/probe': 'error' } }]);
  const proto = fileContext && Object.getPrototypeOf(fileContext);
  if (!Object.hasOwn(fileContext || {}, 'sourceCode') || typeof (proto && proto.extend) !== 'function') {
    process.stderr.write("ESLint's rule context is no longer made by FileContext#extend; update the bench\\n");
    process.exit(3);
  }
  // The same frozen object with the same properties, but its prototype is FileContext.prototype,
  // not the file's context, so no V8 map is left holding the file.
  proto.extend = function extend(extension) {
    return Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(this)), this, extension));
  };
}
// Main-thread garbage collection pauses, summed.
const { PerformanceObserver } = require('node:perf_hooks');
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });
process.on('exit', () => {
  for (const entry of gc.takeRecords()) gcMs += entry.duration;
  const cpu = process.cpuUsage();
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now(), gcMs }));
});
`;

/** One real `eslint` run in a fresh process; its CPU and wall time. */
function eslintRun(major, corpus, tools, setup, fixed) {
  const out = join(tools, 'measure.json');
  rmSync(out, { force: true });
  const child = spawnSync(
    process.execPath,
    ['-r', join(tools, 'measure.cjs'), join(MAJORS[major].dir, 'bin', 'eslint.js'), '-c', configFile(setup), '.'],
    {
      cwd: corpus,
      env: { ...process.env, BENCH_OUT: out, BENCH_FIX_EXTEND: fixed ? '1' : '0', BENCH_ESLINT_DIR: MAJORS[major].dir },
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 1 << 24,
    },
  );
  // ESLint exits 1 when it reports problems (the corpus's disable comments name rules not loaded).
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`eslint ${major} (${setup}${fixed ? ', fixed extend' : ''}) exited ${child.status}: ${child.stderr.toString().trim().split('\n')[0]}`);
  }
  return JSON.parse(readFileSync(out, 'utf8'));
}

const configFile = (setup) => `eslint.${setup.replace(/[^a-z0-9]+/g, '-')}.config.mjs`;

/** ESLint's stats for one in-process run: the plugin's rules' share of lint time, and what they found. */
async function statsRun(ESLint, corpus) {
  const eslint = new ESLint({ cwd: corpus, overrideConfigFile: configFile('shippo-keyguard recommended'), cache: false, stats: true });
  const results = await eslint.lintFiles(['.']);
  let ruleMs = 0;
  let totalMs = 0;
  for (const r of results) {
    for (const pass of r.stats?.times.passes ?? []) {
      totalMs += pass.total;
      for (const [id, t] of Object.entries(pass.rules ?? {})) if (id.startsWith('shippo-keyguard/')) ruleMs += t.total;
    }
  }
  return {
    files: results.length,
    fatal: results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0),
    ours: results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith('shippo-keyguard/')).length, 0),
    sharePercent: totalMs > 0 ? (ruleMs / totalMs) * 100 : NaN,
  };
}

/** Every file of the corpus, read once: path and text. */
function corpusFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(c|m)?(j|t)s$/.test(entry.name) && !entry.name.startsWith('eslint.')) out.push({ path: full, text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/**
 * The plugin's own cost, measured so that drift cancels: in one process, each file is linted
 * with one empty rule and with recommended back to back (the order alternating), and the time
 * of each `verify` call is summed per setup. Both setups pay ESLint's price for "any rule", so
 * what is left is what the plugin's rules add. Returns recommended / one empty rule.
 */
function perFileAB(major, corpus, files, rounds) {
  const { Linter } = MAJORS[major];
  const base = [
    { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
  ];
  const empty = { rules: { empty: { meta: { type: 'problem', schema: [] }, create: () => ({}) } } };
  const setups = [
    [...base, { plugins: { empty }, rules: { 'empty/empty': 'error' } }],
    [...base, keyguard.configs.recommended],
  ];
  const linter = new Linter({ cwd: corpus });
  const totals = [0, 0];
  for (let round = -1; round < rounds; round++) {
    files.forEach(({ path, text }, i) => {
      for (const which of (i + round) % 2 === 0 ? [0, 1] : [1, 0]) {
        const started = performance.now();
        linter.verify(text, setups[which], { filename: path });
        // Round -1 warms the JIT and is not counted.
        if (round >= 0) totals[which] += performance.now() - started;
      }
    });
  }
  return totals[1] / totals[0];
}

const min = (list) => Math.min(...list);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const sign = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}%`;

/** Every setup of one ESLint major, as released and with the proposed `extend`, interleaved. */
async function benchMajor(major, corpus, tools, rounds, log, files) {
  const { ESLint } = MAJORS[major];
  const runs = [
    ...Object.keys(configSources()).map((setup) => ({ setup, fixed: false })),
    ...FIXED_SETUPS.map((setup) => ({ setup, fixed: true })),
  ];
  const key = (r) => `${r.fixed ? 'fixed' : 'stock'}:${r.setup}`;
  const samples = Object.fromEntries(runs.map((r) => [key(r), []]));
  // Warm the disk cache and compile caches once (not timed).
  eslintRun(major, corpus, tools, 'shippo-keyguard recommended', false);
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no setup always runs first (or last) in a round.
    for (let i = 0; i < runs.length; i++) {
      const r = runs[(i + round) % runs.length];
      samples[key(r)].push(eslintRun(major, corpus, tools, r.setup, r.fixed));
    }
  }
  const rows = runs.map((r) => {
    const list = samples[key(r)];
    const base = samples[key({ setup: 'no rules', fixed: r.fixed })];
    const cpu = min(list.map((s) => s.cpuMs));
    return {
      ...r,
      cpuMs: cpu,
      ratio: cpu / min(base.map((s) => s.cpuMs)),
      wallMs: median(list.map((s) => s.wallMs)),
      wallRatio: median(list.map((s) => s.wallMs)) / median(base.map((s) => s.wallMs)),
      gcMs: median(list.map((s) => s.gcMs)),
    };
  });
  const print = (r) =>
    log(`  ${r.setup.padEnd(30)} ${String(Math.round(r.cpuMs)).padStart(7)} ms CPU  ${r.ratio.toFixed(3)}x   wall ${String(Math.round(r.wallMs)).padStart(6)} ms  ${r.wallRatio.toFixed(3)}x   GC ${String(Math.round(r.gcMs)).padStart(5)} ms`);
  log(`ESLint ${ESLint.version}, as released:`);
  rows.filter((r) => !r.fixed).forEach(print);
  log(`ESLint ${ESLint.version} with FileContext#extend copying instead of inheriting (the proposed fix, patched in the child process):`);
  rows.filter((r) => r.fixed).forEach(print);

  const get = (setup, fixed) => rows.find((r) => r.setup === setup && r.fixed === fixed);
  const overhead = (get('shippo-keyguard recommended', false).ratio - 1) * 100;
  const overEmpty = (get('shippo-keyguard recommended', false).ratio / get('one empty rule', false).ratio - 1) * 100;
  const fixedOverhead = (get('shippo-keyguard recommended', true).ratio - 1) * 100;
  const stats = await statsRun(ESLint, corpus);
  const ab = perFileAB(major, corpus, files, rounds);
  log(`  any rule at all (one empty rule): ${sign((get('one empty rule', false).ratio - 1) * 100)} CPU over no rules as released, ${sign((get('one empty rule', true).ratio - 1) * 100)} with the proposed fix`);
  log(`  shippo-keyguard recommended: ${sign(overhead)} over no rules as released, ${sign(overEmpty)} over one empty rule; with the proposed fix ${sign(fixedOverhead)} over no rules (target <= +5%)`);
  log(`  its rules' own time (ESLint stats): ${stats.sharePercent.toFixed(2)}% of lint time; recommended over one empty rule, file by file in one process: ${sign((ab - 1) * 100)}`);
  log(`  eslint-plugin-no-secrets: ${sign((get('eslint-plugin-no-secrets', false).ratio - 1) * 100)} CPU over no rules`);
  // Correctness: every file linted and parsed, and the plugin reported nothing in a corpus without keys.
  const ok = stats.fatal === 0 && stats.ours === 0;
  if (!ok) log(`  FAILED: ${stats.fatal} parse errors, ${stats.ours} shippo-keyguard reports in a corpus without keys`);
  return { version: ESLint.version, rows, ok, files: stats.files, overheadPercent: overhead, overEmptyRulePercent: overEmpty, perFilePercent: (ab - 1) * 100, fixedOverheadPercent: fixedOverhead, ruleSharePercent: stats.sharePercent };
}

export const name = 'eslint';
export const description = 'a real eslint run (ESLint 9 and 10) with no rules, one empty rule, shippo-keyguard recommended and eslint-plugin-no-secrets on 5 MB of real code';

/** Options from argv: `--rounds N` (or BENCH_ROUNDS), `--quick`, `--eslint 9|10`. */
export function parseArgs(args) {
  const valueOf = (flag) => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const rounds = Number(valueOf('--rounds') ?? process.env.BENCH_ROUNDS ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  const only = valueOf('--eslint');
  if (only !== undefined && !(only in MAJORS)) throw new Error(`--eslint takes ${Object.keys(MAJORS).join(' or ')}`);
  return { rounds, quick: args.includes('--quick'), majors: only ? [only] : Object.keys(MAJORS) };
}

export async function run({ args = [], log = console.log } = {}) {
  const { rounds, quick, majors } = parseArgs(args);
  const corpus = join(repo, '.bench', 'eslint-corpus');
  const tools = join(repo, '.bench', 'eslint-tools');
  const { files, bytes } = prepareCorpus(corpus, quick);
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'measure.cjs'), MEASURE_CJS);
  for (const [setup, source] of Object.entries(configSources())) writeFileSync(join(corpus, configFile(setup)), source);
  log(`eslint bench: ${files} files, ${(bytes / 1e6).toFixed(1)} MB of real JavaScript and TypeScript (${relative(process.cwd(), corpus) || '.'}); a fresh eslint process per run, least CPU and median wall of ${rounds} interleaved rounds`);
  const results = [];
  const sources = corpusFiles(corpus);
  for (const major of majors) results.push(await benchMajor(major, corpus, tools, rounds, log, sources));
  return { ok: results.every((r) => r.ok), files, bytes, results };
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2)) && process.argv.slice(2);
  } catch (error) {
    console.error(`eslint.bench.js: ${error.message}`);
    process.exit(2);
  }
  run({ args }).then(
    (result) => process.exit(result.ok ? 0 : 1),
    (error) => {
      console.error(`eslint.bench.js: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
