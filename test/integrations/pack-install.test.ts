import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL } from '../../cli/dist/version.js';
import { fakeKey } from '../support/fake-keys.js';
import { ROOT } from './support/checkout.js';
// @ts-expect-error plain ESM script without types
import { BUNDLE_FILES } from '../../scripts/bundle.mjs';
import { removeDir, sh, tempDir, writeFile, type Ran } from './support/git.js';

/**
 * What a user gets from the registry: `pnpm -r pack` (what `pnpm publish` uploads, with
 * `workspace:*` rewritten), each tarball's file list and package.json, then the tarballs installed
 * into fresh projects with npm and with pnpm. Our four packages come from the local tarballs only
 * (overrides point every @shippo-keyguard/* at its file); third-party dependencies come from the
 * registry as they would for a user.
 */
const KEY = fakeKey('live', 'pack-install');
const ENV_KEY = fakeKey('test', 'pack-install-env');
const DOCKER_KEY = fakeKey('live', 'pack-install-docker');
const PACKAGES = {
  '@shippo-keyguard/rules': 'rules',
  '@shippo-keyguard/core': 'packages/core',
  'eslint-plugin-shippo-keyguard': 'packages/eslint-plugin',
  'shippo-keyguard': 'cli',
} as const;
type PackageName = keyof typeof PACKAGES;
const NAMES = Object.keys(PACKAGES) as PackageName[];
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')) as { version: string }).version;
const QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let temp: string;
/** `pnpm -r pack` packs the root too: what pre-commit's `language: node` hooks install (never published). */
let rootFiles: string[] = [];
let rootManifest: Record<string, unknown> = {};
const tarballs = {} as Record<PackageName, string>;
const contents = {} as Record<PackageName, string[]>;
const manifests = {} as Record<PackageName, Record<string, unknown>>;

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Ran {
  return sh(cmd, args, { cwd, timeout: 240_000, env: { ...process.env, NO_COLOR: '1', ...env } });
}

function ok(r: Ran, what: string): Ran {
  expect(r.status, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

const pnpm = (args: readonly string[], cwd: string): Ran => run('npx', ['-y', 'pnpm@10', ...args], cwd);

beforeAll(() => {
  temp = tempDir('pack-install');
  const packed = join(temp, 'packed');
  ok(pnpm(['-r', 'pack', '--pack-destination', packed], ROOT), 'pnpm -r pack');
  for (const file of readdirSync(packed)) {
    if (file === 'shippo-keyguard-monorepo-0.0.0.tgz') {
      rootFiles = ok(run('tar', ['-tzf', join(packed, file)], packed), 'tar -t').stdout.split('\n').filter(Boolean).sort();
      rootManifest = JSON.parse(ok(run('tar', ['-xzOf', join(packed, file), 'package/package.json'], packed), 'tar -x').stdout) as Record<string, unknown>;
      continue;
    }
    const name = NAMES.find((n) => file === `${n.replace('@', '').replace('/', '-')}-${VERSION}.tgz`);
    if (!name) throw new Error(`unexpected tarball ${file}`);
    tarballs[name] = join(packed, file);
    contents[name] = ok(run('tar', ['-tzf', tarballs[name]], packed), 'tar -t')
      .stdout.split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^package\//, ''));
    manifests[name] = JSON.parse(ok(run('tar', ['-xzOf', tarballs[name], 'package/package.json'], packed), 'tar -x').stdout) as Record<string, unknown>;
  }
}, 120_000);

afterAll(() => removeDir(temp));

describe('the packed tarballs', () => {
  it('are exactly the four published packages, at the version the Action and pre-commit pin', () => {
    expect(Object.keys(tarballs).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) expect(manifests[name].version, name).toBe(VERSION);
  });

  it('the root package (for pre-commit\'s node hooks) holds the bin and the bundle only, and is private', () => {
    expect(rootFiles).toEqual(
      ['LICENSE', 'README.md', 'cli/bin/package.json', 'cli/bin/shippo-keyguard.js', ...(BUNDLE_FILES as string[]), 'package.json'].map((f) => `package/${f}`).sort(),
    );
    expect(rootManifest.private).toBe(true);
    expect(rootManifest.dependencies).toBeUndefined();
  });

  it('each hold a README, the LICENSE, package.json, built JS and its types', () => {
    for (const name of NAMES) {
      const files = contents[name];
      expect(files, name).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
      expect(readFileSync(join(ROOT, PACKAGES[name], 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
      // Every entry point in `exports` (and `bin`) is in the tarball, with a .d.ts beside each JS one.
      const exported = Object.values((manifests[name].exports ?? {}) as Record<string, string | { types: string; default: string }>);
      expect(exported.length, name).toBeGreaterThan(0);
      for (const target of exported) {
        if (typeof target === 'string') expect(files, name).toContain(posix.normalize(target));
        else expect(files, name).toEqual(expect.arrayContaining([posix.normalize(target.types), posix.normalize(target.default)]));
      }
    }
    expect(contents['shippo-keyguard']).toContain('bin/shippo-keyguard.js');
    // The bin runs the same split bundle as the repository's dist/, put into bundle/ when packed.
    const bundled = contents['shippo-keyguard'].filter((p) => p.startsWith('bundle/')).sort();
    expect(bundled).toEqual((BUNDLE_FILES as string[]).map((f) => `bundle/${posix.basename(f)}`).sort());
    expect(contents['@shippo-keyguard/core']).toContain('schema.json');
    expect(contents['eslint-plugin-shippo-keyguard']).toEqual(expect.arrayContaining(['docs/rules/no-hardcoded-key.md', 'docs/rules/no-key-in-url.md', 'docs/rules/no-public-env-key.md']));
  });

  it('hold no tests, fixtures, test helpers or build caches', () => {
    for (const name of NAMES) {
      const bad = contents[name].filter((p) => /\.test\.|(^|\/)(fixtures?|__fixtures__|testing|test)\/|tsbuildinfo/.test(p));
      expect(bad, name).toEqual([]);
    }
  });

  it('hold no source map that points at a file left out', () => {
    let maps = 0;
    for (const name of NAMES) {
      const files = new Set(contents[name]);
      const unpacked = join(temp, 'unpacked', name);
      ok(run('mkdir', ['-p', unpacked], temp), 'mkdir');
      ok(run('tar', ['-xzf', tarballs[name], '-C', unpacked], temp), 'tar -x');
      for (const path of files) {
        if (/\.[cm]?js$/.test(path) || path.endsWith('.d.ts')) {
          const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(unpacked, 'package', path), 'utf8'))?.[1];
          if (ref) expect(files, `${name}: ${path} -> ${ref}`).toContain(posix.join(posix.dirname(path), ref));
        }
        if (!path.endsWith('.map')) continue;
        maps++;
        const map = JSON.parse(readFileSync(join(unpacked, 'package', path), 'utf8')) as { sources: string[] };
        for (const source of map.sources) expect(files, `${name}: ${path} -> ${source}`).toContain(posix.join(posix.dirname(path), source));
      }
    }
    expect(maps).toBeGreaterThan(0);
  });

  it('have real versions where the workspace had workspace:*', () => {
    for (const name of NAMES) {
      const text = JSON.stringify(manifests[name]);
      expect(text, name).not.toContain('workspace:');
      const deps = (manifests[name].dependencies ?? {}) as Record<string, string>;
      for (const [dep, range] of Object.entries(deps)) if (dep in PACKAGES) expect(range, `${name} -> ${dep}`).toBe(VERSION);
    }
    expect(manifests['shippo-keyguard'].dependencies).toMatchObject({ '@shippo-keyguard/core': VERSION, '@shippo-keyguard/rules': VERSION });
    expect(manifests['eslint-plugin-shippo-keyguard'].dependencies).toMatchObject({ '@shippo-keyguard/core': VERSION });
  });

  it('carry the metadata npm shows, pointing at the one project URL', () => {
    const home = TOOL.informationUri;
    for (const name of NAMES) {
      const m = manifests[name] as Record<string, unknown>;
      expect(m.description, name).toMatch(/Shippo/);
      expect(m.keywords, name).toEqual(expect.arrayContaining(['shippo', 'api-key', 'secrets']));
      expect(m.license, name).toBe('MIT');
      expect(m.author, name).toBe('shippo-keyguard contributors');
      expect(m.repository, name).toEqual({ type: 'git', url: `git+${home}.git`, directory: PACKAGES[name] });
      expect(m.homepage, name).toBe(`${home}/tree/main/${PACKAGES[name]}#readme`);
      expect(m.bugs, name).toEqual({ url: `${home}/issues` });
      expect(m.engines, name).toEqual({ node: '>=20.19' });
      expect(m.publishConfig, name).toEqual({ access: 'public', provenance: true });
      expect(m.type, name).toBe('module');
      expect(m.private, name).toBeUndefined();
    }
    expect(manifests['eslint-plugin-shippo-keyguard'].keywords).toEqual(expect.arrayContaining(['eslint', 'eslintplugin', 'eslint-plugin']));
    expect((manifests['eslint-plugin-shippo-keyguard'].peerDependencies as Record<string, string>).eslint).toBe('^8.57.0 || ^9.0.0 || ^10.0.0');
    expect(manifests['shippo-keyguard'].bin).toEqual({ 'shippo-keyguard': './bin/shippo-keyguard.js' });
  });
});

/** A project with one planted key in a JS file and one in a .env file. */
function project(dir: string, manifest: Record<string, unknown>): void {
  writeFile(dir, 'package.json', `${JSON.stringify(manifest, null, 2)}\n`);
  writeFile(dir, 'src/app.js', `export const client = { apiKey: '${KEY}' };\n`);
  writeFile(dir, 'src/clean.js', 'export const nothing = 1;\n');
  writeFile(dir, 'config/app.env', `SHIPPO_API_KEY=${ENV_KEY}\n`);
  writeFile(dir, 'deploy/Dockerfile', `FROM node:20\nENV SHIPPO_API_KEY=${DOCKER_KEY}\n`);
}

const fileSpec = (name: PackageName): string => `file:${tarballs[name]}`;

function expectScanFinds(r: Ran): void {
  const out = r.stdout + r.stderr;
  expect(r.status, out).toBe(1);
  expect(out).toContain('src/app.js');
  expect(out).toContain('config/app.env');
  expect(out).toContain('deploy/Dockerfile');
  expect(out).not.toContain(DOCKER_KEY);
  expect(out).toMatch(/shippo_live_[0-9a-f]{4}…[0-9a-f]{4}/);
  expect(out).not.toContain(KEY);
  expect(out).not.toContain(ENV_KEY);
}

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

/** ESLint's JSON output: which files got which of our rules; the keys appear nowhere. */
function expectLintFinds(r: Ran, dir: string): void {
  expect(r.status, r.stdout + r.stderr).toBe(1);
  // The JSON formatter echoes each file's source; what our rules say must not hold the key.
  const results = JSON.parse(r.stdout) as LintResult[];
  const said = JSON.stringify(results.map((f) => f.messages)) + r.stderr;
  expect(said).not.toContain(KEY);
  expect(said).not.toContain(ENV_KEY);
  expect(said).not.toContain(DOCKER_KEY);
  const found = results
    .filter((f) => f.messages.length > 0)
    .map((f) => `${f.filePath.slice(dir.length + 1)}: ${f.messages.map((m) => m.ruleId ?? m.message).join(', ')}`)
    .sort();
  expect(found).toEqual(['config/app.env: shippo-keyguard/no-hardcoded-key', 'deploy/Dockerfile: shippo-keyguard/no-hardcoded-key', 'src/app.js: shippo-keyguard/no-hardcoded-key']);
}

/** The first ```lang block under `heading` in docs/install.md: the tests run the set-up lines users copy. */
function installSnippet(heading: string, lang: string): string {
  const text = readFileSync(join(ROOT, 'docs', 'install.md'), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at === -1) throw new Error(`docs/install.md has no heading ${heading}`);
  const block = new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``).exec(text.slice(at));
  if (!block) throw new Error(`docs/install.md: no ${lang} block under ${heading}`);
  return block[1]!;
}
const FLAT_MJS = installSnippet('### ESLint 9 and 10: `eslint.config.js` / `.mjs`', 'js');
const FLAT_CJS = installSnippet('### ESLint 9 and 10: `eslint.config.cjs`', 'js');
const ESLINTRC = installSnippet('### ESLint 8.57: `.eslintrc`', 'json');

describe('installed with npm from the tarballs', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(temp, 'npm-project');
    project(dir, {
      name: 'npm-user',
      private: true,
      type: 'module',
      devDependencies: {
        'shippo-keyguard': fileSpec('shippo-keyguard'),
        'eslint-plugin-shippo-keyguard': fileSpec('eslint-plugin-shippo-keyguard'),
        eslint: '^9.39.0',
        eslint10: 'npm:eslint@^10.0.0',
        eslint8: 'npm:eslint@8.57.1',
      },
      overrides: { '@shippo-keyguard/core': fileSpec('@shippo-keyguard/core'), '@shippo-keyguard/rules': fileSpec('@shippo-keyguard/rules') },
    });
    ok(run('npm', ['install', ...QUIET], dir), 'npm install');
  }, 240_000);

  it('installed our packages from the local tarballs, not the registry', () => {
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; resolved?: string }> };
    for (const name of NAMES) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry?.version, name).toBe(VERSION);
      expect(entry?.resolved, name).toBe(`file:../packed/${tarballs[name].split('/').pop()}`);
    }
  });

  it('npx shippo-keyguard scan finds the planted keys, exit 1, without printing them', () => {
    expectScanFinds(run('npx', ['--no', 'shippo-keyguard', 'scan', 'src', 'config', 'deploy'], dir));
    const clean = run('npx', ['--no', 'shippo-keyguard', 'scan', 'src/clean.js'], dir);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
  });

  it('the bin runs the packaged bundle: it works with the tsc output (dist/) moved away', () => {
    const pkg = join(dir, 'node_modules', 'shippo-keyguard');
    renameSync(join(pkg, 'dist'), join(pkg, 'dist.away'));
    try {
      expectScanFinds(run('npx', ['--no', 'shippo-keyguard', 'scan', 'src', 'config', 'deploy'], dir));
      expect(ok(run('npx', ['--no', '--', 'shippo-keyguard', '--version'], dir), '--version').stdout).toBe(`${VERSION}\n`);
    } finally {
      renameSync(join(pkg, 'dist.away'), join(pkg, 'dist'));
    }
  });

  it('ESLint 9 with eslint.config.mjs and configs.recommended', () => {
    writeFileSync(join(dir, 'eslint.config.mjs'), FLAT_MJS);
    const r = run('node', ['node_modules/eslint/bin/eslint.js', '-c', 'eslint.config.mjs', '--format', 'json', '.'], dir);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(0);
    expectLintFinds(r, dir);
  });

  it('ESLint 9 and 10 with eslint.config.cjs, require() without .default', () => {
    writeFileSync(join(dir, 'eslint.config.cjs'), FLAT_CJS);
    for (const bin of ['node_modules/eslint/bin/eslint.js', 'node_modules/eslint10/bin/eslint.js']) {
      expectLintFinds(run('node', [bin, '-c', 'eslint.config.cjs', '--format', 'json', '.'], dir), dir);
    }
    const required = ok(run('node', ['-e', "const p = require('eslint-plugin-shippo-keyguard'); console.log(p.meta.name, Object.keys(p.configs).join(','), 'default' in p)"], dir), 'require');
    expect(required.stdout.trim()).toBe('eslint-plugin-shippo-keyguard recommended,all-files,legacy-recommended,legacy-all-files false');
  });

  it('ESLint 10 with eslint.config.mjs', () => {
    expectLintFinds(run('node', ['node_modules/eslint10/bin/eslint.js', '-c', 'eslint.config.mjs', '--format', 'json', '.'], dir), dir);
  });

  it('ESLint 8.57 with .eslintrc.json extending the legacy configs', () => {
    writeFileSync(join(dir, '.eslintrc.json'), ESLINTRC);
    const version = ok(run('node', ['node_modules/eslint8/bin/eslint.js', '--version'], dir), 'eslint8 --version');
    expect(version.stdout.trim()).toBe('v8.57.1');
    const r = run('node', ['node_modules/eslint8/bin/eslint.js', '--format', 'json', '.'], dir, { ESLINT_USE_FLAT_CONFIG: 'false' });
    expectLintFinds(r, dir);
  });

  it('the published types resolve under node16 and bundler module resolution', () => {
    writeFile(
      dir,
      'check.mts',
      [
        "import keyguard from 'eslint-plugin-shippo-keyguard';",
        "import { run } from 'shippo-keyguard';",
        "import { findKeys } from '@shippo-keyguard/core';",
        "import { detectors } from '@shippo-keyguard/rules';",
        "import type { ESLint, Linter } from 'eslint';",
        'const plugin: ESLint.Plugin = keyguard;',
        'const flat: Linter.Config = keyguard.configs.recommended;',
        "const legacy: Linter.LegacyConfig = keyguard.configs['legacy-recommended'];",
        'const ids: string[] = detectors.map((d) => d.id);',
        "const n: number = findKeys('').length;",
        'export { plugin, flat, legacy, ids, n, run };',
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, moduleResolution] of [
      ['node16', 'node16'],
      ['preserve', 'bundler'],
    ]) {
      // No ambient types: what the imports name must resolve through the packages' own exports.
      const compilerOptions = { module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] };
      writeFile(dir, `tsconfig.${moduleResolution}.json`, JSON.stringify({ compilerOptions, files: ['check.mts'] }));
      const r = run('node', [tsc, '-p', `tsconfig.${moduleResolution}.json`], dir);
      expect(r.status, `${moduleResolution}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  }, 90_000);
});

describe('installed with pnpm from the tarballs', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(temp, 'pnpm-project');
    project(dir, {
      name: 'pnpm-user',
      private: true,
      type: 'module',
      devDependencies: {
        'shippo-keyguard': fileSpec('shippo-keyguard'),
        'eslint-plugin-shippo-keyguard': fileSpec('eslint-plugin-shippo-keyguard'),
        eslint: '^9.39.0',
      },
      pnpm: { overrides: { '@shippo-keyguard/core': fileSpec('@shippo-keyguard/core'), '@shippo-keyguard/rules': fileSpec('@shippo-keyguard/rules') } },
    });
    // Its own workspace root, so the monorepo above the temp dir is never consulted.
    writeFile(dir, 'pnpm-workspace.yaml', 'packages: []\n');
    ok(pnpm(['install', '--prefer-offline', '--config.confirmModulesPurge=false'], dir), 'pnpm install');
  }, 240_000);

  it('resolved @shippo-keyguard/* to the local tarballs', () => {
    const lock = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
    expect(lock).toContain(`'@shippo-keyguard/core': ${fileSpec('@shippo-keyguard/core')}`);
    expect(lock).toContain(`'@shippo-keyguard/rules': ${fileSpec('@shippo-keyguard/rules')}`);
    expect(lock).not.toMatch(/@shippo-keyguard\/core@\d/);
  });

  it('the shippo-keyguard bin pnpm linked finds the planted keys, exit 1, without printing them', () => {
    expectScanFinds(run(join(dir, 'node_modules', '.bin', 'shippo-keyguard'), ['scan', 'src', 'config', 'deploy'], dir));
  });

  it('ESLint 9 with eslint.config.cjs and configs.recommended', () => {
    writeFileSync(join(dir, 'eslint.config.cjs'), FLAT_CJS);
    expectLintFinds(run('node', [join(dir, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '.'], dir), dir);
  });
});
