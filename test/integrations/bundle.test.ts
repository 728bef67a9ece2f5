import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { BUNDLE_FILES, bundleFiles } from '../../scripts/bundle.mjs';
import { fakeKey } from '../support/fake-keys.js';
import { disposeFreshCheckout, freshCheckout, ROOT } from './support/checkout.js';
import { removeDir, sh, tempDir, writeFile } from './support/git.js';

afterAll(() => disposeFreshCheckout());

const KEY_SHAPED = /shippo_(live|test)_[0-9a-fA-F]{32,}/;

describe('the committed bundle (dist/shippo-keyguard.mjs, the files it loads, and its worker)', () => {
  it('is what `pnpm bundle` builds from the current sources (run `pnpm bundle` and commit if not)', async () => {
    const rebuilt = (await bundleFiles()) as Record<string, Buffer>;
    expect(Object.keys(rebuilt).sort()).toEqual([...(BUNDLE_FILES as string[])].sort());
    for (const [path, bytes] of Object.entries(rebuilt)) {
      // The entry is small on purpose (it loads the commands when one runs), and so is the loader
      // that runs the commands through the code cache; the rest hold code.
      if (path === 'dist/shippo-keyguard.mjs') expect(bytes.toString('utf8')).toContain('import("./shippo-keyguard-cli.mjs")');
      else if (path === 'dist/shippo-keyguard-cli.mjs') expect(bytes.toString('utf8')).toContain('"./shippo-keyguard-commands.cjs"');
      else expect(bytes.length).toBeGreaterThan(10_000);
      const committed = readFileSync(join(ROOT, path));
      expect(committed.equals(bytes), `${path} is stale: run \`pnpm bundle\` and commit it`).toBe(true);
    }
  });

  it('is every bundle file in dist/: none left over from an older layout', () => {
    const inDist = readdirSync(join(ROOT, 'dist')).map((name) => `dist/${name}`);
    expect(inDist.sort()).toEqual([...(BUNDLE_FILES as string[])].sort());
  });

  it('holds no key-shaped string', () => {
    for (const path of BUNDLE_FILES as string[]) {
      expect(KEY_SHAPED.test(readFileSync(join(ROOT, path), 'latin1')), path).toBe(false);
    }
  });

  it('`--version` answers in every layout with the packages\' version, and quietly when the reader has gone', async () => {
    const { dir } = await freshCheckout();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')) as { version: string };
    // A fresh clone (the committed bundle) and this checkout (whichever build it has) say the same.
    for (const bin of [join(dir, 'cli/bin/shippo-keyguard.js'), join(ROOT, 'cli/bin/shippo-keyguard.js')]) {
      expect(sh(process.execPath, [bin, '--version']).stdout, bin).toBe(`${pkg.version}\n`);
      const cut = sh('bash', ['-c', `"${process.execPath}" "${bin}" --version | head -c0; echo "exit \${PIPESTATUS[0]}" >&2`]);
      expect(cut.stderr, bin).toBe('exit 0\n');
    }
  });

  it('runs as `node cli/bin/shippo-keyguard.js` from a fresh clone with no install and no build', async () => {
    const { dir } = await freshCheckout();
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(dir, 'cli', 'dist'))).toBe(false);
    const version = sh(process.execPath, ['cli/bin/shippo-keyguard.js', '--version'], { cwd: dir });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
    const key = fakeKey('live', 'bundle');
    const work = tempDir('bundle');
    writeFile(work, 'x.env', `K=${key}\n`);
    const scanned = sh(process.execPath, [join(dir, 'cli/bin/shippo-keyguard.js'), 'scan', 'x.env'], { cwd: work });
    removeDir(work);
    expect(scanned.status).toBe(1);
    expect(scanned.stdout).toMatch(/^x\.env:1:3 .*shippo-live-key/m);
    expect(scanned.stdout).not.toContain(key);
  });

  it('keeps V8\'s compiled code of the commands between runs from a fresh clone', async () => {
    const { dir } = await freshCheckout();
    const cacheHome = tempDir('bundle-code-cache');
    const repo = tempDir('bundle-code-cache-repo');
    sh('git', ['init', '-q'], { cwd: repo });
    writeFile(repo, 'a.env', `K=${fakeKey('live', 'bundle-code-cache')}\n`);
    sh('git', ['add', 'a.env'], { cwd: repo });
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
    const cached = () => readdirSync(join(cacheHome, 'shippo-keyguard', 'v8'));
    for (const round of [1, 2]) {
      const ran = sh(process.execPath, [join(dir, 'cli/bin/shippo-keyguard.js'), 'staged'], { cwd: repo, env });
      expect(ran.status, `${round}: ${ran.stderr}`).toBe(1);
      expect(ran.stdout).toMatch(/^a\.env:1:3 .*shippo-live-key/m);
      expect(cached()).toEqual([expect.stringMatching(/^shippo-keyguard-commands\.cjs\.[0-9a-f]{32}\.bin$/)]);
    }
    // A mistyped option still reaches the parser, which loads from its own file, through the cache too.
    const typo = sh(process.execPath, [join(dir, 'cli/bin/shippo-keyguard.js'), 'staged', '--formt', 'json'], { cwd: repo, env });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe('shippo-keyguard: Unknown argument: --formt (did you mean --format?)\n');
    removeDir(repo);
    removeDir(cacheHome);
  });

  it('a pre-commit hook given its file names loads no Node built-in for git, hashing or inflating', async () => {
    const { dir } = await freshCheckout();
    const work = tempDir('bundle-builtins');
    writeFile(work, 'a.txt', 'const rate = shipment.rates[0].amount;\n');
    // Preloaded by Node before the bin: lists the built-ins the run loaded, as it exits.
    writeFile(work, 'probe.cjs', "process.on('exit', () => process.stderr.write(`loaded: ${process.moduleLoadList.join(',')}\\n`));\n");
    const ran = sh(process.execPath, ['--require', join(work, 'probe.cjs'), join(dir, 'cli/bin/shippo-keyguard.js'), 'pre-commit', 'a.txt'], { cwd: work });
    removeDir(work);
    expect(ran.status, ran.stderr).toBe(0);
    const loaded = (/^loaded: (.*)$/m.exec(ran.stderr)?.[1] ?? '').split(',');
    // Ones it does load are listed, so an empty list cannot pass.
    expect(loaded).toContain('NativeModule vm');
    expect(loaded).toContain('NativeModule os');
    // Every command's modules load with the CLI; these load only where a command uses them.
    for (const name of ['crypto', 'child_process', 'zlib', 'dgram']) expect(loaded, name).not.toContain(`NativeModule ${name}`);
  });

  it('loads the libraries kept in files of their own from a fresh clone: configuration (YAML), glob listing, HTTP for --verify', async () => {
    const { dir } = await freshCheckout();
    const key = fakeKey('test', 'bundle-lazy');
    const work = tempDir('bundle-lazy');
    writeFile(work, 'keys/x.env', `K=${key}\n`);
    writeFile(work, 'other/y.env', `K=${fakeKey('test', 'bundle-lazy-ignored')}\n`);
    writeFile(work, '.shippo-keyguard.yaml', 'ignore:\n  - "other/**"\n');
    // Not a git work tree, so the directory is listed by glob; port 1 refuses the connection.
    const scanned = sh(process.execPath, [join(dir, 'cli/bin/shippo-keyguard.js'), 'scan', '.', '--format', 'json', '--verify', '--api-base-url', 'http://127.0.0.1:1', '--verify-timeout', '3'], { cwd: work });
    removeDir(work);
    expect(scanned.stderr).not.toMatch(/Cannot find|ERR_MODULE_NOT_FOUND|at .*\.mjs/);
    expect(scanned.status).toBe(1);
    const report = JSON.parse(scanned.stdout) as { findings: { path: string; verification?: { status: string } }[] };
    expect(report.findings.map((f) => f.path)).toEqual(['keys/x.env']);
    expect(report.findings[0]?.verification?.status).toBe('unknown');
  });
});
