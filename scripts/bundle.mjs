#!/usr/bin/env node
// Builds the CLI as a few files under dist/, committed so that GitHub Actions and pre-commit can
// run a fresh clone with no install step (see CONTRIBUTING.md):
//   shippo-keyguard.mjs         the entry: `--version`, and the import of the commands when one runs
//   shippo-keyguard-cli.mjs     the parser and every command
//   shippo-keyguard-worker.mjs  the file reader thread that scans of 2,000 files or more start
//   shippo-keyguard-undici.mjs, -glob.mjs, -config.cjs, -yargs.mjs, -archive.cjs  libraries only
//                               some runs need (HTTP for --verify, glob patterns, configuration
//                               files, the command line parser, which a commit hook skips, zip and
//                               gzip reading), loaded on first use
// Every run parses what it loads: a commit hook with no configuration file parses about a quarter
// of what one file holding everything would be.
// Input is the tsc output (cli/dist, packages/core/dist), so run `tsc -b` first; `pnpm bundle` does both.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(ROOT, 'dist', 'shippo-keyguard.mjs');
export const WORKER = join(ROOT, 'dist', 'shippo-keyguard-worker.mjs');
export const COMMANDS = join(ROOT, 'dist', 'shippo-keyguard-cli.mjs');
/** The commands themselves, CommonJS, which COMMANDS runs with V8's compiled code cached on disk. */
export const COMMANDS_CODE = join(ROOT, 'dist', 'shippo-keyguard-commands.cjs');
export const CONFIG_DEPS = join(ROOT, 'dist', 'shippo-keyguard-config.cjs');
export const ARCHIVE_LIBS = join(ROOT, 'dist', 'shippo-keyguard-archive.cjs');
/** Packages that core loads with import() on first use, each in a bundle file of its own. */
const LAZY_PACKAGES = { undici: join(ROOT, 'dist', 'shippo-keyguard-undici.mjs'), 'fast-glob': join(ROOT, 'dist', 'shippo-keyguard-glob.mjs') };
/** yargs, which the CLI loads with import() when a command line needs the parser: a commit hook's never does. */
const YARGS = join(ROOT, 'dist', 'shippo-keyguard-yargs.mjs');
/** Every file the bundle step writes, relative to the repository root. */
export const BUNDLE_FILES = [
  'dist/shippo-keyguard.mjs',
  'dist/shippo-keyguard-cli.mjs',
  'dist/shippo-keyguard-commands.cjs',
  'dist/shippo-keyguard-worker.mjs',
  'dist/shippo-keyguard-config.cjs',
  'dist/shippo-keyguard-undici.mjs',
  'dist/shippo-keyguard-glob.mjs',
  'dist/shippo-keyguard-yargs.mjs',
  'dist/shippo-keyguard-archive.cjs',
];
const besideBundle = (file) => `./${basename(file)}`;

const VERSION_READ = /JSON\.parse\(readFileSync\(new URL\('\.\.\/package\.json', import\.meta\.url\), 'utf8'\)\)/;

/** The bundle sits in /dist, not beside cli/package.json: bake the version in instead of reading it. */
const inlineVersion = {
  name: 'inline-version',
  setup(b) {
    b.onLoad({ filter: /[\\/]cli[\\/]dist[\\/]version\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!VERSION_READ.test(source)) throw new Error(`${args.path}: version read not found; update scripts/bundle.mjs`);
      const { version } = JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8'));
      return { contents: source.replace(VERSION_READ, JSON.stringify({ version })), loader: 'js' };
    });
  },
};

/**
 * core's config/deps.js loads yaml, ajv and ignore with a runtime require, on first use; the
 * bundle has no node_modules to require from, so the same three getters require them from
 * dist/shippo-keyguard-config.cjs, on first use too: a run without a configuration file never
 * parses them (a third of the CLI's code) nor initialises them (about 30 ms).
 */
const DEPS_GETTERS = ['yamlParseDocument', 'AjvClass', 'ignoreFactory'];
const staticConfigDeps = {
  name: 'static-config-deps',
  setup(b) {
    b.onLoad({ filter: /[\\/]core[\\/]dist[\\/]config[\\/]deps\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      for (const name of DEPS_GETTERS) {
        if (!source.includes(`export const ${name} =`)) throw new Error(`${args.path}: ${name} not found; update scripts/bundle.mjs`);
      }
      return {
        contents: [
          `const deps = () => require('${besideBundle(CONFIG_DEPS)}');`,
          'export const yamlParseDocument = () => deps().yaml().parseDocument;',
          'export const AjvClass = () => deps().ajv().Ajv;',
          'export const ignoreFactory = () => deps().ignore();',
        ].join('\n'),
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

/**
 * core's archive/libs.js loads adm-zip and minizlib with a runtime require, on first use; in the
 * bundle (the commands and the reader threads) the same getters require them from
 * dist/shippo-keyguard-archive.cjs, on first use too: a run that opens no archive never parses them.
 */
const ARCHIVE_GETTERS = ['AdmZipClass', 'GunzipClass'];
const staticArchiveLibs = {
  name: 'static-archive-libs',
  setup(b) {
    b.onLoad({ filter: /[\\/]core[\\/]dist[\\/]archive[\\/]libs\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      for (const name of ARCHIVE_GETTERS) {
        if (!source.includes(`export const ${name} =`)) throw new Error(`${args.path}: ${name} not found; update scripts/bundle.mjs`);
      }
      return {
        contents: [
          `const libs = () => require('${besideBundle(ARCHIVE_LIBS)}');`,
          'export const AdmZipClass = () => libs().admZip();',
          'export const GunzipClass = () => libs().minizlib().Gunzip;',
        ].join('\n'),
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

const WORKER_URL = "new URL('./worker.js', import.meta.url)";

/**
 * core's files/pool.js starts its reader threads from worker.js beside it; in the bundle that
 * file is dist/shippo-keyguard-worker.mjs, beside the bundle.
 */
const workerBesideBundle = {
  name: 'worker-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]core[\\/]dist[\\/]files[\\/]pool\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(WORKER_URL)) throw new Error(`${args.path}: worker URL not found; update scripts/bundle.mjs`);
      const contents = source.replace(WORKER_URL, `new URL('./${WORKER.slice(dirname(WORKER).length + 1)}', import.meta.url)`);
      return { contents, resolveDir: dirname(args.path), loader: 'js' };
    });
  },
};

/**
 * string-width (through yargs and its help layout, cliui) builds an Intl.Segmenter and several
 * Unicode property regular expressions when it loads, about 40 ms per copy, although only help
 * output measures text. Defer that work to the first call; the function is the same.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const head = 'export default function stringWidth(';
      if (source.split(head).length !== 2 || /^export (?!default function stringWidth\()/m.test(source)) {
        throw new Error(`${args.path}: not the expected single default export; update scripts/bundle.mjs`);
      }
      const lines = source.split('\n');
      const imports = lines.filter((line) => line.startsWith('import '));
      const body = lines.filter((line) => !line.startsWith('import ')).join('\n').replace(head, 'function stringWidth(');
      const contents = [
        ...imports,
        'let loaded;',
        'export default function stringWidth(...args) {',
        '  loaded ??= (() => {',
        body,
        '  return stringWidth;',
        '  })();',
        '  return loaded(...args);',
        '}',
      ].join('\n');
      return { contents, resolveDir: dirname(args.path), loader: 'js' };
    });
  },
};

/** The entry loads the commands from the bundle beside it, when a command runs. */
const commandsBesideEntry = {
  name: 'commands-beside-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/run\.js$/ }, (args) => {
      if (!/[\\/]cli[\\/]dist[\\/]main\.js$/.test(args.importer)) return undefined;
      return { path: besideBundle(COMMANDS), external: true };
    });
  },
};

/** The bundle files of their own are loaded from beside the bundle, never bundled into it. */
const lazyFilesBeside = {
  name: 'lazy-files-beside',
  setup(b) {
    b.onResolve({ filter: /^(undici|fast-glob)$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: besideBundle(LAZY_PACKAGES[args.path]), external: true } : undefined,
    );
    b.onResolve({ filter: /^yargs$/ }, (args) => {
      // A static import would put yargs back into the commands bundle, parsed by every run.
      if (args.kind !== 'dynamic-import') throw new Error(`${args.importer}: yargs must be loaded with import(); update scripts/bundle.mjs`);
      return { path: besideBundle(YARGS), external: true };
    });
    b.onResolve({ filter: /^\.\/shippo-keyguard-(config|archive)\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};

const coreRequire = createRequire(join(ROOT, 'packages', 'core', 'package.json'));

/** An ESM entry for a CommonJS package with the same exports as Node's import() of it gives. */
function packageEntry(name) {
  const names = Object.keys(coreRequire(name)).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
  return {
    contents: [`import pkg from '${name}';`, 'export default pkg;', `export const { ${names.join(', ')} } = pkg;`].join('\n'),
    resolveDir: join(ROOT, 'packages', 'core'),
    sourcefile: `${name}-entry.js`,
    loader: 'js',
  };
}

const banner = [
  '// shippo-keyguard CLI bundle. Generated by `pnpm bundle` (scripts/bundle.mjs); do not edit.',
  "import { createRequire as __skgCreateRequire } from 'node:module';",
  'const require = __skgCreateRequire(import.meta.url);',
].join('\n');

export const options = {
  absWorkingDir: ROOT,
  entryPoints: ['cli/dist/main.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle a real one.
  banner: { js: banner },
  legalComments: 'eof',
  // Non-ASCII characters escaped (esbuild's default): Node decodes an ASCII file on its fast path
  // and V8 keeps it as a one-byte string; with raw UTF-8, decoding and parsing the commands took
  // about 15 ms longer per run.
  logLevel: 'warning',
  plugins: [inlineVersion, commandsBesideEntry],
};

/**
 * The commands as CommonJS, for cli/src/code-cache.ts to run: Node 20 can keep V8's compiled code
 * of a script between runs, not of an ES module. import.meta.url becomes the file's URL, and the
 * dynamic imports call the loader's stand-in (see code-cache.ts for why).
 */
const commandsOptions = {
  ...options,
  entryPoints: ['cli/dist/run.js'],
  format: 'cjs',
  define: { 'import.meta.url': '__skgImportMetaUrl' },
  banner: {
    js: [
      '// shippo-keyguard CLI bundle. Generated by `pnpm bundle` (scripts/bundle.mjs); do not edit.',
      "const __skgImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
    ].join('\n'),
  },
  plugins: [inlineVersion, staticConfigDeps, staticArchiveLibs, workerBesideBundle, lazyStringWidth, lazyFilesBeside],
};

/** Every dynamic import the commands make: the lazy bundle files, and Node built-ins. */
const DYNAMIC_IMPORT = /\bimport\((?="(?:\.\/shippo-keyguard-[a-z]+\.mjs|node:[a-z_/]+)"\))/g;
const importThroughLoader = (bytes) => {
  const text = bytes.toString('utf8');
  const replaced = text.replace(DYNAMIC_IMPORT, '__skgImport(');
  if (/\bimport\(/.test(replaced.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) throw new Error('the commands bundle has a dynamic import the loader does not handle; update scripts/bundle.mjs');
  return Buffer.from(replaced, 'utf8');
};

/** dist/shippo-keyguard-cli.mjs: runs the commands through the code cache, and exports what main.js uses. */
const commandsLoaderOptions = {
  ...options,
  entryPoints: undefined,
  stdin: {
    contents: [
      "import { fileURLToPath } from 'node:url';",
      "import { runWithCodeCache } from './cli/dist/code-cache.js';",
      `const file = fileURLToPath(new URL('${besideBundle(COMMANDS_CODE)}', import.meta.url));`,
      'const importModule = (specifier) => import(specifier.startsWith(\'./\') ? new URL(specifier, import.meta.url).href : specifier);',
      'export const { run } = runWithCodeCache(file, importModule).exports;',
    ].join('\n'),
    resolveDir: ROOT,
    sourcefile: 'commands-loader.js',
    loader: 'js',
  },
  plugins: [],
};

const configDepsOptions = {
  ...options,
  entryPoints: undefined,
  stdin: {
    contents: ["exports.yaml = () => require('yaml');", "exports.ajv = () => require('ajv');", "exports.ignore = () => require('ignore');"].join('\n'),
    resolveDir: join(ROOT, 'packages', 'core'),
    sourcefile: 'config-deps-entry.js',
    loader: 'js',
  },
  format: 'cjs',
  banner: { js: '// shippo-keyguard CLI bundle. Generated by `pnpm bundle` (scripts/bundle.mjs); do not edit.' },
  plugins: [],
};

/** yargs (ESM) with the help layout's string-width made lazy, as the commands had it. */
const yargsOptions = {
  ...options,
  entryPoints: undefined,
  stdin: { contents: "export { default } from 'yargs';", resolveDir: join(ROOT, 'cli'), sourcefile: 'yargs-entry.js', loader: 'js' },
  plugins: [lazyStringWidth],
};

const packageOptions = (name) => ({ ...options, entryPoints: undefined, stdin: packageEntry(name), plugins: [] });

const workerOptions = { ...options, entryPoints: ['packages/core/dist/files/worker.js'], plugins: [staticArchiveLibs, lazyFilesBeside] };

const archiveLibsOptions = {
  ...configDepsOptions,
  stdin: {
    contents: ["exports.admZip = () => require('adm-zip');", "exports.minizlib = () => require('minizlib');"].join('\n'),
    resolveDir: join(ROOT, 'packages', 'core'),
    sourcefile: 'archive-libs-entry.js',
    loader: 'js',
  },
};

/**
 * esbuild escapes every non-ASCII character of the code, but keeps the few comments it carries
 * over (and the licence texts) as written; one such character makes V8 hold the whole file as a
 * two-byte string. Outside the code, an escape reads the same, so the files are pure ASCII.
 */
const asciiOnly = (text) => text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);

async function buildOne(opts, outfile) {
  const result = await build({ ...opts, write: false, outfile });
  const out = result.outputFiles.find((f) => f.path === outfile);
  if (!out) throw new Error(`esbuild produced no ${outfile}`);
  return Buffer.from(asciiOnly(out.text), 'utf8');
}

/** Every bundle file's bytes, built in memory, by path relative to the repository root. */
export async function bundleFiles() {
  const [main, loader, commands, worker, configDeps, undici, glob, yargs, archiveLibs] = await Promise.all([
    buildOne(options, BUNDLE),
    buildOne(commandsLoaderOptions, COMMANDS),
    buildOne(commandsOptions, COMMANDS_CODE).then(importThroughLoader),
    buildOne(workerOptions, WORKER),
    buildOne(configDepsOptions, CONFIG_DEPS),
    buildOne(packageOptions('undici'), LAZY_PACKAGES.undici),
    buildOne(packageOptions('fast-glob'), LAZY_PACKAGES['fast-glob']),
    buildOne(yargsOptions, YARGS),
    buildOne(archiveLibsOptions, ARCHIVE_LIBS),
  ]);
  const loads = (bytes, file, how) => bytes.includes(`${how}("${besideBundle(file)}")`);
  if (!loader.includes(`"${besideBundle(COMMANDS_CODE)}"`)) throw new Error('the commands loader does not run the commands; update scripts/bundle.mjs');
  if (!loads(main, COMMANDS, 'import')) throw new Error('the entry does not load the commands bundle; update scripts/bundle.mjs');
  for (const file of Object.values(LAZY_PACKAGES)) {
    if (!loads(commands, file, '__skgImport')) throw new Error(`the commands bundle does not load ${basename(file)}; update scripts/bundle.mjs`);
  }
  if (!loads(commands, CONFIG_DEPS, 'require')) throw new Error('the commands bundle does not load the configuration libraries; update scripts/bundle.mjs');
  if (!loads(commands, YARGS, '__skgImport')) throw new Error('the commands bundle does not load yargs; update scripts/bundle.mjs');
  for (const [bytes, name] of [[commands, 'commands'], [worker, 'worker']]) {
    if (!loads(bytes, ARCHIVE_LIBS, 'require')) throw new Error(`the ${name} bundle does not load the archive libraries; update scripts/bundle.mjs`);
  }
  const files = [main, loader, commands, worker, configDeps, undici, glob, yargs, archiveLibs];
  return Object.fromEntries(BUNDLE_FILES.map((path, i) => [path, files[i]]));
}

/**
 * `node scripts/bundle.mjs` writes the bundle into dist/; `--out-dir <dir>` writes the same files
 * into another directory instead (relative to the current one): the npm package's prepack puts
 * them in cli/bundle/, so its bin starts as fast as the hooks do.
 */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out-dir');
  if ((at !== -1 && !args[at + 1]) || args.length !== (at === -1 ? 0 : 2)) {
    console.error('usage: node scripts/bundle.mjs [--out-dir <dir>]');
    process.exit(2);
  }
  const outDir = at === -1 ? undefined : resolve(args[at + 1]);
  const files = await bundleFiles();
  for (const [path, bytes] of Object.entries(files)) {
    const target = outDir ? join(outDir, basename(path)) : join(ROOT, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    console.log(`wrote ${relative(process.cwd(), target)} (${(bytes.length / 1024).toFixed(0)} KiB)`);
  }
}
