import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { disposeFreshCheckout, freshCheckout, ROOT } from './support/checkout.js';
import { git, gitEnv, makeRepo, removeDir, sh, tempDir, writeFile, type Ran } from './support/git.js';
import { docSnippet } from './support/runner.js';

/** The fresh checkout's bin (the bundle): what hooks run in the field, and half the start-up cost of cli/dist. */
let BIN = join(ROOT, 'cli', 'bin', 'shippo-keyguard.js');
const KEY = fakeKey('live', 'hooks-commit');
const PUSH_KEY = fakeKey('test', 'hooks-push');

let temp: string;
/** Prints the process's CPU time (user + system) on exit. */
const CPU_REPORT = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("CPU "+Math.round((u.user+u.system)/1000)+" ms\\n")})';
let n = 0;

beforeAll(async () => {
  temp = tempDir('hooks');
  BIN = join((await freshCheckout()).dir, 'cli', 'bin', 'shippo-keyguard.js');
});
afterAll(async () => {
  removeDir(temp);
  await disposeFreshCheckout();
});

function cli(cwd: string, ...args: string[]): Ran {
  return sh(process.execPath, [BIN, ...args], { cwd });
}

/** A fresh repository with one clean commit, cloned from a bare remote so pushes have somewhere to go. */
function repo(): { dir: string; remote: string } {
  const id = n++;
  const seed = join(temp, `seed-${id}`);
  sh('mkdir', ['-p', seed]);
  makeRepo(seed, [{ 'README.md': '# app\n' }]);
  const remote = join(temp, `remote-${id}.git`);
  git(temp, 'clone', '-q', '--bare', seed, remote);
  const dir = join(temp, `work-${id}`);
  git(temp, 'clone', '-q', remote, dir);
  return { dir, remote };
}

function commit(dir: string, files: Record<string, string>, message = 'change'): Ran {
  for (const [path, content] of Object.entries(files)) writeFile(dir, path, content);
  git(dir, 'add', '-A');
  return sh('git', ['commit', '-q', '-m', message], { cwd: dir });
}

function expectBlocked(r: Ran, path: string, what: 'commit' | 'push'): void {
  expect(r.status).not.toBe(0);
  const out = r.stdout + r.stderr;
  expect(out).toMatch(new RegExp(`${path.replace(/\./g, '\\.')}:\\d+:\\d+`));
  expect(out).toMatch(/shippo_(live|test)_[0-9a-f]{4}…[0-9a-f]{4}/);
  expect(out).toContain(`${what} blocked`);
  expect(out).toContain('Three ways out');
  expect(out).toContain('Remove it');
  expect(out).toContain('shippo-keyguard:allow');
  expect(out).toContain('baseline');
  expect(out).not.toContain(KEY);
  expect(out).not.toContain(PUSH_KEY);
}

describe('install-hook: pre-commit', () => {
  it('blocks a commit that adds a key, with the redacted location and the ways out; a clean commit passes quickly', async () => {
    const { dir } = repo();
    const installed = cli(dir, 'install-hook');
    expect(installed.status).toBe(0);
    expect(installed.stdout).toContain(join(dir, '.git', 'hooks', 'pre-commit'));
    const head = git(dir, 'rev-parse', 'HEAD');

    const blocked = commit(dir, { 'src/config.js': `export const key = "${KEY}";\n` });
    expectBlocked(blocked, 'src/config.js', 'commit');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);

    git(dir, 'reset', '-q', 'HEAD', '--', 'src/config.js');
    sh('rm', [join(dir, 'src/config.js')]);
    writeFile(dir, 'src/other.js', 'export const x = 1;\n');
    git(dir, 'add', '-A');
    // The bundled CLI, as the pre-commit framework and the action run it. CPU time, not wall
    // time: the machine running the tests may be busy. Well under a second.
    const bundled = join((await freshCheckout()).dir, 'cli', 'bin', 'shippo-keyguard.js');
    const cpu = sh(process.execPath, ['--import', CPU_REPORT, bundled, 'pre-commit'], { cwd: dir });
    expect(cpu.status).toBe(0);
    expect(Number(/CPU (\d+) ms/.exec(cpu.stderr)?.[1])).toBeLessThan(1000);
    expect(commit(dir, {}).status).toBe(0);
    expect(git(dir, 'rev-parse', 'HEAD')).not.toBe(head);
  });

  it('scans the index, not the work tree; honours inline allows', () => {
    const { dir } = repo();
    expect(cli(dir, 'install-hook').status).toBe(0);
    // Staged key, removed only in the work tree: still blocked.
    writeFile(dir, 'a.env', `KEY=${KEY}\n`);
    git(dir, 'add', 'a.env');
    writeFile(dir, 'a.env', 'KEY=\n');
    expectBlocked(sh('git', ['commit', '-q', '-m', 'x'], { cwd: dir }), 'a.env', 'commit');
    // Clean staged version, key only in the work tree: passes.
    git(dir, 'add', 'a.env');
    writeFile(dir, 'a.env', `KEY=${KEY}\n`);
    expect(sh('git', ['commit', '-q', '-m', 'x'], { cwd: dir }).status).toBe(0);
    // Allowed inline.
    writeFile(dir, 'a.env', 'KEY=\n');
    expect(commit(dir, { 'b.env': `KEY=${KEY} # shippo-keyguard:allow\n` }).status).toBe(0);
  });

  it('is idempotent, refuses a foreign hook, chains it with --chain, and uninstalls only its own', () => {
    const { dir } = repo();
    const hook = join(dir, '.git', 'hooks', 'pre-commit');
    const foreign = '#!/bin/sh\necho ran >> "$(git rev-parse --git-dir)/foreign-ran"\nexit "${FOREIGN_EXIT:-0}"\n';
    writeFileSync(hook, foreign);
    chmodSync(hook, 0o755);

    const refused = cli(dir, 'install-hook');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^shippo-keyguard: .*pre-commit exists and was not written by shippo-keyguard; left alone\. Use --chain/);
    expect(readFileSync(hook, 'utf8')).toBe(foreign);

    expect(cli(dir, 'install-hook', '--chain').status).toBe(0);
    const ours = readFileSync(hook, 'utf8');
    expect(readFileSync(`${hook}.shippo-keyguard-chained`, 'utf8')).toBe(foreign);
    const again = cli(dir, 'install-hook', '--chain');
    expect(again.stdout).toContain('already installed');
    expect(readFileSync(hook, 'utf8')).toBe(ours);
    expect(readFileSync(`${hook}.shippo-keyguard-chained`, 'utf8')).toBe(foreign);

    // Both run: the chained hook first; either one failing blocks the commit.
    expect(commit(dir, { 'ok.txt': 'fine\n' }).status).toBe(0);
    expect(readFileSync(join(dir, '.git', 'foreign-ran'), 'utf8')).toBe('ran\n');
    expectBlocked(commit(dir, { 'k.env': `K=${KEY}\n` }), 'k.env', 'commit');
    expect(readFileSync(join(dir, '.git', 'foreign-ran'), 'utf8')).toBe('ran\nran\n');
    git(dir, 'reset', '-q', 'HEAD', '--', 'k.env');
    const failing = sh('git', ['commit', '-q', '--allow-empty', '-m', 'x'], { cwd: dir, env: { ...process.env, FOREIGN_EXIT: '1' } });
    expect(failing.status).not.toBe(0);

    const removed = cli(dir, 'uninstall-hook');
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain('restored the hook it chained');
    expect(readFileSync(hook, 'utf8')).toBe(foreign);
    expect(existsSync(`${hook}.shippo-keyguard-chained`)).toBe(false);
    const leftAlone = cli(dir, 'uninstall-hook');
    expect(leftAlone.stdout).toContain('was not written by shippo-keyguard; left alone');
    expect(readFileSync(hook, 'utf8')).toBe(foreign);
  });

  it('git commit -a and git commit <path> are checked on what they commit (git hands the hook a temporary index)', () => {
    const { dir } = repo();
    expect(cli(dir, 'install-hook').status).toBe(0);
    expect(commit(dir, { 'app.env': 'K=\n', 'other.env': 'K=\n' }).status).toBe(0);
    const head = git(dir, 'rev-parse', 'HEAD');
    writeFile(dir, 'app.env', `K=${KEY}\n`);
    expectBlocked(sh('git', ['commit', '-q', '-a', '-m', 'x'], { cwd: dir }), 'app.env', 'commit');
    expectBlocked(sh('git', ['commit', '-q', '-m', 'x', 'app.env'], { cwd: dir }), 'app.env', 'commit');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    // A clean file committed by path while the key waits unstaged in another: passes.
    writeFile(dir, 'other.env', 'K=1\n');
    expect(sh('git', ['commit', '-q', '-m', 'x', 'other.env'], { cwd: dir }).status).toBe(0);
  });

  it('honours core.hooksPath', () => {
    const { dir } = repo();
    git(dir, 'config', 'core.hooksPath', '.githooks');
    expect(cli(dir, 'install-hook').status).toBe(0);
    expect(existsSync(join(dir, '.githooks', 'pre-commit'))).toBe(true);
    expect(existsSync(join(dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expectBlocked(commit(dir, { 'c.env': `K=${KEY}\n` }), 'c.env', 'commit');
  });

  it('installs from a linked worktree into the hooks every worktree uses', () => {
    const { dir } = repo();
    const wt = join(temp, `wt-${n++}`);
    git(dir, 'worktree', 'add', '-q', wt, '-b', 'side');
    expect(cli(join(wt), 'install-hook').status).toBe(0);
    expect(existsSync(join(dir, '.git', 'hooks', 'pre-commit'))).toBe(true);
    expectBlocked(commit(wt, { 'w.env': `K=${KEY}\n` }), 'w.env', 'commit');
    expectBlocked(commit(dir, { 'm.env': `K=${KEY}\n` }), 'm.env', 'commit');
  });
});

describe('install-hook --pre-push', () => {
  function push(dir: string, ...args: string[]): Ran {
    return sh('git', ['push', '-q', 'origin', ...args], { cwd: dir });
  }

  it('a new branch is scanned whole, even a key removed again; a clean rewrite passes', () => {
    const { dir, remote } = repo();
    expect(cli(dir, 'install-hook', '--pre-push').status).toBe(0);
    git(dir, 'checkout', '-q', '-b', 'feature');
    expect(commit(dir, { 'p.env': `K=${PUSH_KEY}\n` }, 'add key').status).toBe(0);
    expect(commit(dir, { 'p.env': 'K=\n' }, 'remove key').status).toBe(0);
    expectBlocked(push(dir, 'feature'), 'p.env', 'push');
    expect(git(remote, 'branch', '--list', 'feature')).toBe('');
    git(dir, 'reset', '-q', '--hard', 'main');
    expect(commit(dir, { 'p.env': 'K=\n' }, 'clean').status).toBe(0);
    expect(push(dir, 'feature').status).toBe(0);
  });

  it('an update adding a key is blocked; a force push replacing it with a clean commit passes', () => {
    const { dir } = repo();
    expect(cli(dir, 'install-hook', '--pre-push').status).toBe(0);
    expect(commit(dir, { 'q.env': `K=${PUSH_KEY}\n` }, 'add key').status).toBe(0);
    expectBlocked(push(dir, 'main'), 'q.env', 'push');
    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    expect(commit(dir, { 'q.env': 'K=\n' }, 'clean').status).toBe(0);
    expect(push(dir, 'main').status).toBe(0);
    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    expect(commit(dir, { 'q.env': 'K=0\n' }, 'rewritten').status).toBe(0);
    expect(push(dir, '--force', 'main').status).toBe(0);
  });

  it('commits the remote already has are not scanned again; a deletion scans nothing', () => {
    const { dir, remote } = repo();
    expect(cli(dir, 'install-hook', '--pre-push').status).toBe(0);
    expect(commit(dir, { 'old.env': `K=${PUSH_KEY}\n` }, 'known key').status).toBe(0);
    expect(sh('git', ['push', '-q', '--no-verify', 'origin', 'main'], { cwd: dir }).status).toBe(0);
    expect(commit(dir, { 'new.txt': 'clean\n' }, 'clean').status).toBe(0);
    expect(push(dir, 'main').status).toBe(0);
    git(dir, 'checkout', '-q', '-b', 'copy');
    expect(push(dir, 'copy').status).toBe(0);
    expect(push(dir, '--delete', 'copy').status).toBe(0);
    expect(git(remote, 'branch', '--list', 'copy')).toBe('');
  });

  it('the pre-push command reads the lines git gives it', () => {
    const { dir } = repo();
    const base = git(dir, 'rev-parse', 'HEAD');
    expect(commit(dir, { 'r.env': `K=${PUSH_KEY}\n` }).status).toBe(0);
    const tip = git(dir, 'rev-parse', 'HEAD');
    const line = (local: string, remoteSha: string) => `refs/heads/main ${local} refs/heads/main ${remoteSha}\n`;
    const blocked = sh(process.execPath, [BIN, 'pre-push', 'origin', 'url'], { cwd: dir, input: line(tip, base) });
    expect(blocked.status).toBe(1);
    // The report and then the ways out, on stderr, in that order (git shows hook output as is).
    expect(blocked.stdout).toBe('');
    expect(blocked.stderr.indexOf('r.env:1:3')).toBeGreaterThan(-1);
    expect(blocked.stderr.indexOf('r.env:1:3')).toBeLessThan(blocked.stderr.indexOf('Three ways out'));
    const deletion = sh(process.execPath, [BIN, 'pre-push', 'origin', 'url'], { cwd: dir, input: line('0'.repeat(40), tip) });
    expect(deletion.status).toBe(0);
    const already = sh(process.execPath, [BIN, 'pre-push', 'origin', 'url'], { cwd: dir, input: line(tip, tip) });
    expect(already.status).toBe(0);
  });
});

describe('the docs/hooks.md snippets for husky and lefthook', () => {
  /** `shippo-keyguard` on PATH, as node_modules/.bin puts it there for husky and lefthook. */
  function pathWithCli(): NodeJS.ProcessEnv {
    const bin = join(temp, 'bin');
    if (!existsSync(join(bin, 'shippo-keyguard'))) {
      sh('mkdir', ['-p', bin]);
      sh('ln', ['-s', BIN, join(bin, 'shippo-keyguard')]);
    }
    return { ...gitEnv(), PATH: `${bin}:${process.env['PATH'] ?? ''}` };
  }

  function hookFile(dir: string, path: string, body: string): void {
    writeFile(dir, path, `#!/bin/sh\n${body}`);
    chmodSync(join(dir, path), 0o755);
  }

  it('husky: .husky/pre-commit and .husky/pre-push block a key (git runs them as husky does, with its arguments and stdin)', () => {
    const { dir } = repo();
    const env = pathWithCli();
    hookFile(dir, '.husky/pre-commit', docSnippet('docs/hooks.md', 'husky-pre-commit'));
    hookFile(dir, '.husky/pre-push', docSnippet('docs/hooks.md', 'husky-pre-push'));
    git(dir, 'config', 'core.hooksPath', '.husky');
    writeFile(dir, 'h.env', `K=${KEY}\n`);
    git(dir, 'add', '-A');
    expectBlocked(sh('git', ['commit', '-q', '-m', 'x'], { cwd: dir, env }), 'h.env', 'commit');
    expect(sh('git', ['commit', '-q', '--no-verify', '-m', 'x'], { cwd: dir, env }).status).toBe(0);
    expectBlocked(sh('git', ['push', '-q', 'origin', 'main'], { cwd: dir, env }), 'h.env', 'push');
  });

  it('lefthook: the commands block a key (each run line as a hook; {1} is the remote, stdin passed through)', () => {
    const { dir } = repo();
    const env = pathWithCli();
    const config = YAML.parse(docSnippet('docs/hooks.md', 'lefthook')) as Record<string, { commands: Record<string, { run: string; use_stdin?: boolean }> }>;
    const preCommit = config['pre-commit']?.commands['shippo-keyguard'];
    const prePush = config['pre-push']?.commands['shippo-keyguard'];
    expect(prePush?.use_stdin).toBe(true);
    hookFile(dir, '.git/hooks/pre-commit', `${preCommit?.run}\n`);
    hookFile(dir, '.git/hooks/pre-push', `${prePush?.run.replace('{1}', '"$1"')}\n`);
    writeFile(dir, 'l.env', `K=${KEY}\n`);
    git(dir, 'add', '-A');
    expectBlocked(sh('git', ['commit', '-q', '-m', 'x'], { cwd: dir, env }), 'l.env', 'commit');
    expect(sh('git', ['commit', '-q', '--no-verify', '-m', 'x'], { cwd: dir, env }).status).toBe(0);
    expectBlocked(sh('git', ['push', '-q', 'origin', 'main'], { cwd: dir, env }), 'l.env', 'push');
  });
});
