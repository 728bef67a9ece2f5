import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { disposeFreshCheckout, freshCheckout } from './support/checkout.js';
import { git, gitEnv, makeRepo, removeDir, sh, tempDir, writeFile, type Ran } from './support/git.js';
import { readmeSnippet } from './support/runner.js';

const KEY = fakeKey('live', 'pre-commit-framework');
let temp: string;
let env: NodeJS.ProcessEnv;
let config: string;

/**
 * The real pre-commit framework (Debian's package) in a temp repository whose config is the
 * README's snippet pointed at a committed copy of this checkout. `language: script` hooks need
 * no environment install, so pre-commit only clones a local path: no network.
 */
beforeAll(async () => {
  const checkout = await freshCheckout();
  temp = tempDir('pre-commit');
  // An isolated store, and no PATH entry for our CLI: the hook must run from pre-commit's clone.
  env = gitEnv({ PRE_COMMIT_HOME: join(temp, 'store'), PRE_COMMIT_COLOR: 'never' });
  config = readmeSnippet('pre-commit-config')
    .replace(/repo: \S+/, `repo: ${checkout.dir}`)
    .replace(/rev: \S+/, `rev: ${checkout.sha}`);
  expect(config).toContain(checkout.sha);
}, 120_000);

afterAll(async () => {
  removeDir(temp);
  await disposeFreshCheckout();
});

let n = 0;
function project(): { dir: string; remote: string } {
  const seed = join(temp, `seed-${n}`);
  sh('mkdir', ['-p', seed]);
  makeRepo(seed, [{ 'README.md': '# app\n', '.pre-commit-config.yaml': config }]);
  const remote = join(temp, `remote-${n}.git`);
  git(temp, 'clone', '-q', '--bare', seed, remote);
  const dir = join(temp, `work-${n++}`);
  git(temp, 'clone', '-q', remote, dir);
  const installed = sh('pre-commit', ['install', '--hook-type', 'pre-commit', '--hook-type', 'pre-push'], { cwd: dir, env });
  expect(installed.status, installed.stderr).toBe(0);
  return { dir, remote };
}

function run(dir: string, cmd: string, args: string[]): Ran {
  return sh(cmd, args, { cwd: dir, env, timeout: 120_000 });
}

function expectBlocked(r: Ran, path: string): void {
  const out = r.stdout + r.stderr;
  expect(r.status, out).not.toBe(0);
  expect(out).toMatch(/shippo-keyguard \(Shippo API keys in .*\)\.+Failed/);
  expect(out).toContain(path);
  expect(out).toMatch(/shippo_live_[0-9a-f]{4}…[0-9a-f]{4}/);
  expect(out).toContain('Three ways out');
  expect(out).not.toContain(KEY);
}

describe('the pre-commit framework with .pre-commit-hooks.yaml', () => {
  it('blocks a commit with a key and lets a clean one through', () => {
    const { dir } = project();
    writeFile(dir, 'config/app.env', `SHIPPO_API_KEY=${KEY}\n`);
    git(dir, 'add', '-A');
    const blocked = run(dir, 'git', ['commit', '-m', 'add config']);
    expectBlocked(blocked, 'config/app.env');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');

    writeFile(dir, 'config/app.env', 'SHIPPO_API_KEY=\n');
    git(dir, 'add', '-A');
    const clean = run(dir, 'git', ['commit', '-m', 'add config']);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).toMatch(/shippo-keyguard \(Shippo API keys in what you commit\)\.+Passed/);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('2');
  });

  it('--all-files finds a key in a file committed long ago', () => {
    const { dir } = project();
    writeFile(dir, 'legacy/old.env', `TOKEN=${KEY}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'old');
    writeFile(dir, 'notes.txt', 'clean\n');
    git(dir, 'add', '-A');
    expect(run(dir, 'git', ['commit', '-q', '-m', 'clean']).status).toBe(0);
    expectBlocked(run(dir, 'pre-commit', ['run', 'shippo-keyguard', '--all-files']), 'legacy/old.env');
    // Without --all-files (nothing staged) the hook has nothing to check.
    expect(run(dir, 'pre-commit', ['run', 'shippo-keyguard']).status).toBe(0);
  });

  it('the push hook blocks a push whose new commits hold a key, even one removed again', () => {
    const { dir, remote } = project();
    writeFile(dir, 'a.env', `K=${KEY}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'add key');
    writeFile(dir, 'a.env', 'K=\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'remove key');
    expectBlocked(run(dir, 'git', ['push', 'origin', 'main']), 'a.env');
    expect(git(remote, 'rev-list', '--count', 'main')).toBe('1');

    git(dir, 'reset', '-q', '--hard', 'origin/main');
    writeFile(dir, 'b.txt', 'clean\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'clean');
    const pushed = run(dir, 'git', ['push', 'origin', 'main']);
    expect(pushed.status, pushed.stdout + pushed.stderr).toBe(0);
    expect(git(remote, 'rev-list', '--count', 'main')).toBe('2');
  });

  it('the push hook scans a first push to an empty remote (no remote tip to start from)', () => {
    const { dir } = project();
    const empty = join(temp, `empty-${n++}.git`);
    git(temp, 'init', '-q', '--bare', empty);
    git(dir, 'remote', 'add', 'fresh', empty);
    writeFile(dir, 'c.env', `K=${KEY}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'key');
    expectBlocked(run(dir, 'git', ['push', 'fresh', 'main']), 'c.env');
    expect(sh('git', ['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: empty }).status).not.toBe(0);
  });
});
