import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeKey } from '../support/fake-keys.js';
import { ROOT, disposeFreshCheckout, freshCheckout } from './support/checkout.js';
// @ts-expect-error plain ESM script without types
import { BUNDLE_FILES } from '../../scripts/bundle.mjs';
import { git, gitEnv, makeRepo, removeDir, sh, tempDir, writeFile, type Ran } from './support/git.js';

const KEY = fakeKey('live', 'pre-commit-node');
let temp: string;
let env: NodeJS.ProcessEnv;
let config: string;
let dir: string;
let remote: string;

interface Hook {
  id: string;
  entry: string;
  language: string;
  stages: string[];
  pass_filenames: boolean;
}
const HOOKS = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

/**
 * The `language: node` hooks under the real pre-commit framework: pre-commit runs `npm install`
 * in its clone of this repository, `npm pack`s the root package and installs that into its own
 * node environment, then runs the `shippo-keyguard` bin from there. With node and npm on the PATH
 * pre-commit uses them (nodeenv's `system` mode); without, it downloads Node, which needs a
 * network this test does not assume. The npm install fetches the root's dev tools from the
 * registry (or npm's cache).
 */
beforeAll(async () => {
  const checkout = await freshCheckout();
  temp = tempDir('pre-commit-node');
  env = gitEnv({
    PRE_COMMIT_HOME: join(temp, 'store'),
    PRE_COMMIT_COLOR: 'never',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // A hook run from a pnpm script (`pnpm test`, a husky hook under pnpm) inherits pnpm's user
    // agent, which npm keeps as its own config: the root postinstall must still not build there.
    npm_config_user_agent: 'pnpm/10.0.0 npm/? node/v20 linux x64',
  });
  config = [
    'repos:',
    `  - repo: ${checkout.dir}`,
    `    rev: ${checkout.sha}`,
    '    hooks:',
    '      - id: shippo-keyguard-node',
    '      - id: shippo-keyguard-push-node',
    '',
  ].join('\n');
  const seed = join(temp, 'seed');
  sh('mkdir', ['-p', seed]);
  makeRepo(seed, [{ 'README.md': '# app\n', '.pre-commit-config.yaml': config }]);
  remote = join(temp, 'remote.git');
  git(temp, 'clone', '-q', '--bare', seed, remote);
  dir = join(temp, 'work');
  git(temp, 'clone', '-q', remote, dir);
  const installed = sh('pre-commit', ['install', '--hook-type', 'pre-commit', '--hook-type', 'pre-push'], { cwd: dir, env });
  expect(installed.status, installed.stderr).toBe(0);
  // The environment install (npm install, npm pack, npm install -g) happens once, here.
  const setup = sh('pre-commit', ['install-hooks'], { cwd: dir, env, timeout: 300_000 });
  expect(setup.status, setup.stdout + setup.stderr).toBe(0);
}, 330_000);

afterAll(async () => {
  removeDir(temp);
  await disposeFreshCheckout();
});

function run(cmd: string, args: string[]): Ran {
  return sh(cmd, args, { cwd: dir, env, timeout: 120_000 });
}

function expectBlocked(r: Ran, path: string): void {
  const out = r.stdout + r.stderr;
  expect(r.status, out).not.toBe(0);
  expect(out).toMatch(/shippo-keyguard \(Shippo API keys in .*\)\.+Failed/);
  expect(out).toContain(path);
  expect(out).toMatch(/shippo_live_[0-9a-f]{4}…[0-9a-f]{4}/);
  expect(out).not.toContain(KEY);
}

describe('.pre-commit-hooks.yaml: the language: node hooks', () => {
  it('mirror the script hooks, with pre-commit installing the runtime', () => {
    const byId = new Map(HOOKS.map((h) => [h.id, h]));
    for (const [node, script] of [
      ['shippo-keyguard-node', 'shippo-keyguard'],
      ['shippo-keyguard-push-node', 'shippo-keyguard-push'],
    ] as const) {
      const n = byId.get(node)!;
      const s = byId.get(script)!;
      expect(n.language).toBe('node');
      expect(s.language).toBe('script');
      expect(n.stages).toEqual(s.stages);
      expect(n.pass_filenames).toBe(s.pass_filenames);
      expect(n.entry.replace(/^shippo-keyguard /, '')).toBe(s.entry.replace(/^cli\/bin\/shippo-keyguard\.js /, ''));
    }
  });

  it('the root package packs to the bin and the committed bundle, and nothing of the dev toolchain', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;
    expect(root.bin).toEqual({ 'shippo-keyguard': 'cli/bin/shippo-keyguard.js' });
    expect(root.dependencies).toBeUndefined();
    expect(root.files).toEqual(['cli/bin/shippo-keyguard.js', 'cli/bin/package.json', ...(BUNDLE_FILES as string[])]);
    expect(root.files).toEqual(expect.arrayContaining(['dist/shippo-keyguard.mjs', 'dist/shippo-keyguard-worker.mjs']));
    // pre-commit reads `npm pack`'s stdout as the tarball's name, so no script may run on pack
    // (npm prints each one's banner there); the build after `pnpm install` is a postinstall that
    // pre-commit's `npm install` skips (npm cannot read workspace:*).
    for (const script of ['prepack', 'prepare', 'postpack']) expect(root.scripts[script], script).toBeUndefined();
    // pnpm is told apart by the program running the script (npm sets npm_execpath to itself), not
    // by npm_config_user_agent, which a pnpm parent process hands down to npm.
    expect(root.scripts.postinstall).toContain('npm_execpath');
    expect(root.scripts.postinstall).not.toContain('npm_config_user_agent');
  });

  it('pre-commit built a node environment holding the shippo-keyguard bin', () => {
    const store = join(temp, 'store');
    const envs = readdirSync(store, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((repo) => readdirSync(join(store, repo.name)).filter((e) => e.startsWith('node_env-')).map((e) => join(store, repo.name, e)));
    expect(envs).toHaveLength(1);
    expect(existsSync(join(envs[0]!, 'bin', 'shippo-keyguard'))).toBe(true);
    const version = sh(join(envs[0]!, 'bin', 'shippo-keyguard'), ['--version'], { env });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')).version);
  });

  it('blocks a commit with a key and lets a clean one through', () => {
    writeFile(dir, 'config/app.env', `SHIPPO_API_KEY=${KEY}\n`);
    git(dir, 'add', '-A');
    expectBlocked(run('git', ['commit', '-m', 'add config']), 'config/app.env');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');

    writeFile(dir, 'config/app.env', 'SHIPPO_API_KEY=\n');
    git(dir, 'add', '-A');
    const clean = run('git', ['commit', '-m', 'add config']);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).toMatch(/shippo-keyguard \(Shippo API keys in what you commit\)\.+Passed/);
  });

  it('blocks a push whose new commits hold a key', () => {
    writeFile(dir, 'a.env', `K=${KEY}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'add key');
    expectBlocked(run('git', ['push', 'origin', 'main']), 'a.env');
    expect(git(remote, 'rev-list', '--count', 'main')).toBe('1');
  });
});
