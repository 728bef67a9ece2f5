import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf, type Finding } from '@shippo-keyguard/core';
import { scanStaged, startStaged } from '@shippo-keyguard/core/git';
import { fakeKey } from '../support/fake-keys.js';
import { Repo, cleanup, cli, everything, tempDir } from './repo-fixture.js';

afterAll(cleanup);

const realpath = (dir: string) => realpathSync(dir);

const staged = fakeKey('live', 'staged-key');
const unstaged = fakeKey('test', 'unstaged-key');
const inMessage = fakeKey('live', 'message-key');

function keysOf(findings: readonly Finding[]): string[] {
  const names = new Map([staged, unstaged, inMessage].map((k) => [fingerprintOf(k), k === staged ? 'staged' : k === unstaged ? 'unstaged' : 'message']));
  return findings.map((f) => names.get(f.fingerprint) ?? f.fingerprint);
}

describe('staged', () => {
  it('catches a staged key at the line of the staged content and ignores one that is only in the working tree', async () => {
    const repo = new Repo();
    repo.write('app.js', 'one\n').commit('init');
    repo.write('app.js', `one\ntwo\nconst k = "${staged}";\n`);
    repo.git('add', 'app.js');
    // Working tree moves on: the staged key is gone from it, an unstaged one is added above.
    repo.write('app.js', `a\nb\nc\nd\nconst u = "${unstaged}";\n`);
    const res = await cli(repo.dir, 'staged', '--format', 'json');
    expect(res.exitCode).toBe(1);
    expect(everything(res)).not.toContain(staged);
    const report = JSON.parse(res.stdout);
    expect(keysOf(report.findings)).toEqual(['staged']);
    expect(report.findings[0].startLine).toBe(3);
    expect(report.findings[0].source).toBe('staged');
    expect(report.findings[0].path).toBe('app.js');
  });

  it('skips a staged blob over --max-file-size with a warning (never read into memory), and still scans the rest', async () => {
    const repo = new Repo();
    repo.write('small.env', `KEY=${staged}\n`).write('big.log', `${'x'.repeat(2 * 1024 * 1024)}\n${unstaged}\n`);
    repo.git('add', '-A');
    const limited = await cli(repo.dir, 'staged', '--max-file-size', '1MiB', '--format', 'json');
    expect(limited.exitCode).toBe(1);
    const report = JSON.parse(limited.stdout);
    expect(keysOf(report.findings)).toEqual(['staged']);
    expect(report.warnings.map((w: { code: string; path: string }) => [w.code, w.path])).toEqual([['too-large', 'big.log']]);
    expect(limited.stderr).toContain('big.log: skipped, larger than 1048576 bytes (--max-file-size)');
    // The default limit (100MiB) reads both; the hook command takes the option too.
    expect(keysOf(JSON.parse((await cli(repo.dir, 'staged', '--format', 'json')).stdout).findings).sort()).toEqual(['staged', 'unstaged']);
    const hook = await cli(repo.dir, 'pre-commit', '--max-file-size', '1MiB', '--format', 'json');
    expect(keysOf(JSON.parse(hook.stdout).findings)).toEqual(['staged']);
    expect(everything(limited)).not.toContain(staged);
  });

  it('passes when the key is only in the working tree, and sees renames and copies', async () => {
    const repo = new Repo();
    repo.write('clean.txt', 'nothing\n').write('other.txt', `${staged}\n`).commit('init');
    repo.write('dirty.txt', `${unstaged}\n`);
    const clean = await cli(repo.dir, 'staged');
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toContain('no Shippo keys found');
    // A key already committed does not block an unrelated commit, but a rename of its file is staged content.
    repo.git('mv', 'other.txt', 'moved.txt');
    const moved = await scanStaged({ repo: repo.dir });
    expect(moved.findings.map((f) => f.path)).toEqual(['moved.txt']);
  });

  it('sees a file that replaced a symbolic link (a type change) and a staged line deletion passes', async () => {
    const repo = new Repo();
    repo.write('a.txt', `one\n${staged}\ntwo\n`);
    symlinkSync('a.txt', join(repo.dir, 'link'));
    repo.commit('init');
    // The key line deleted and staged: nothing to block.
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', 'a.txt');
    expect((await scanStaged({ repo: repo.dir })).findings).toEqual([]);
    // The link becomes a regular file holding a key: git stages it as a type change (T).
    unlinkSync(join(repo.dir, 'link'));
    repo.write('link', `x\n${unstaged}\n`);
    repo.git('add', 'link');
    expect(repo.git('diff', '--cached', '--name-status', '--no-renames')).toContain('T\tlink');
    const res = await cli(repo.dir, 'staged', '--format', 'json');
    expect(res.exitCode).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(keysOf(report.findings)).toEqual(['unstaged']);
    expect(report.findings[0].path).toBe('link');
    expect(report.findings[0].startLine).toBe(2);
  });

  it('works before the first commit, on a detached HEAD and during a merge', async () => {
    const repo = new Repo();
    repo.write('first.env', `KEY=${staged}\n`);
    repo.git('add', '.');
    expect(keysOf((await scanStaged({ repo: repo.dir })).findings)).toEqual(['staged']);

    repo.write('first.env', 'KEY=\n').commit('first');
    repo.git('checkout', '-q', '--detach');
    repo.write('detached.txt', `${staged}\n`);
    repo.git('add', '.');
    expect((await scanStaged({ repo: repo.dir })).findings.map((f) => f.path)).toEqual(['detached.txt']);
    repo.git('reset', '-q', '--hard');

    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', '-b', 'side');
    repo.write('first.env', 'KEY=side\n').commit('side');
    repo.git('checkout', '-q', 'main');
    repo.write('first.env', 'KEY=main\n').commit('main');
    expect(() => repo.git('merge', '-q', 'side')).toThrow();
    // Conflicted: resolve with a key and stage it, plus a new file.
    repo.write('first.env', `KEY=${staged}\n`).write('merged.txt', 'fine\n');
    repo.git('add', 'first.env', 'merged.txt');
    const merging = await cli(repo.dir, 'staged', '--format', 'json');
    expect(merging.exitCode).toBe(1);
    expect(JSON.parse(merging.stdout).findings.map((f: Finding) => f.path)).toEqual(['first.env']);
  });

  it('scans the commit message file, comment lines included, without the verbose diff', async () => {
    const repo = new Repo();
    repo.write('a.txt', 'a\n').commit('init');
    const msg = join(tempDir(), 'COMMIT_EDITMSG');
    writeFileSync(msg, `Fix things\n\nuse ${inMessage}\n# ${staged} in a comment\n# ------------------------ >8 ------------------------\n+${unstaged}\n`);
    const res = await cli(repo.dir, 'staged', '--message-file', msg, '--format', 'json');
    expect(res.exitCode).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(keysOf(report.findings)).toEqual(['message', 'staged']);
    expect(report.findings.map((f: Finding) => f.startLine)).toEqual([3, 4]);
    expect(report.findings[0].source).toBe('commit-message');
    const missing = await cli(repo.dir, 'staged', '--message-file', join(repo.dir, 'nope'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('scans a message line that starts with "#" when git keeps it (git commit -m)', async () => {
    const repo = new Repo();
    repo.write('a.txt', 'a\n').commit('init');
    // A real commit-msg hook keeps a copy of the file git hands it.
    const copy = join(tempDir(), 'MSG');
    repo.write('.git/hooks/commit-msg', `#!/bin/sh\ncp "$1" '${copy}'\n`);
    execFileSync('chmod', ['+x', join(repo.dir, '.git/hooks/commit-msg')]);
    repo.write('b.txt', 'b\n');
    repo.git('add', 'b.txt');
    repo.git('commit', '-q', '-m', `#42 rotate ${inMessage}`);
    // Without an editor git cleans up whitespace only: the "#" line is in the commit.
    expect(repo.git('log', '-1', '--format=%B').startsWith('#42 rotate ')).toBe(true);
    expect(readFileSync(copy, 'utf8').startsWith('#42 rotate ')).toBe(true);
    const res = await cli(repo.dir, 'staged', '--message-file', copy, '--format', 'json');
    expect(res.exitCode).toBe(1);
    expect(everything(res)).not.toContain(inMessage);
    const report = JSON.parse(res.stdout);
    expect(keysOf(report.findings)).toEqual(['message']);
    expect(report.findings[0].startLine).toBe(1);
  });

  it('reads staged blobs that git holds packed, damaged or in a linked work tree the same as loose ones', async () => {
    const repo = new Repo();
    repo.write('old.env', `KEY=${staged}\n`).commit('init');
    repo.git('gc', '-q');
    // The same content under a new name: git finds the blob in the pack and writes no loose copy.
    repo.write('copy.env', `KEY=${staged}\n`).write('fresh.env', `KEY=${unstaged}\n`);
    repo.git('add', 'copy.env', 'fresh.env');
    const packedId = repo.git('rev-parse', ':copy.env').trim();
    const looseId = repo.git('rev-parse', ':fresh.env').trim();
    expect(existsSync(join(repo.dir, '.git', 'objects', packedId.slice(0, 2), packedId.slice(2)))).toBe(false);
    const looseFile = join(repo.dir, '.git', 'objects', looseId.slice(0, 2), looseId.slice(2));
    expect(existsSync(looseFile)).toBe(true);
    const both = await scanStaged({ repo: repo.dir });
    expect(both.findings.map((f) => f.path).sort()).toEqual(['copy.env', 'fresh.env']);
    expect(keysOf(both.findings.sort((a, b) => a.path.localeCompare(b.path)))).toEqual(['staged', 'unstaged']);

    // A linked work tree keeps its objects in the main repository's object directory.
    const linked = join(tempDir(), 'linked');
    repo.git('worktree', 'add', '-q', linked);
    writeFileSync(join(linked, 'there.env'), `KEY=${inMessage}\n`);
    execFileSync('git', ['add', 'there.env'], { cwd: linked });
    const fromLinked = await scanStaged({ repo: join(linked) });
    expect(keysOf(fromLinked.findings)).toEqual(['message']);
    expect(fromLinked.findings[0]?.path).toBe('there.env');

    // A damaged loose object is read by git, which reports it, as before.
    chmodSync(looseFile, 0o644);
    writeFileSync(looseFile, 'not zlib data');
    const damaged = await scanStaged({ repo: repo.dir });
    expect(damaged.findings.map((f) => f.path)).toEqual(['copy.env']);
    expect(damaged.warnings.map((w) => [w.code, w.path])).toEqual([['missing-object', 'fresh.env']]);
  });

  it('outside a repository: one line and exit 2', async () => {
    const res = await cli(tempDir(), 'staged');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/^shippo-keyguard: not a git repository/);
  });

  it("a hook's text report asks git nothing about the remote; a report that names the repository gets its URL, without credentials", () => {
    const repo = new Repo();
    repo.write('app.js', 'one\n').commit('init');
    repo.git('remote', 'add', 'origin', 'https://ci-user:hunter2@example.test/acme/app.git');
    repo.write('app.js', `one\nconst k = "${staged}";\n`);
    repo.git('add', 'app.js');
    const bin = join(__dirname, '..', '..', 'cli', 'bin', 'shippo-keyguard.js');
    const trace = join(tempDir(), 'git-trace.txt');
    // The bin, as a hook runs it: its entry starts the git reads before the commands load.
    const hook = (...argv: string[]) => {
      rmSync(trace, { force: true });
      const res = spawnSync(process.execPath, [bin, ...argv], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, CI: '1', GIT_TRACE: trace } });
      return { ...res, git: readFileSync(trace, 'utf8') };
    };
    for (const command of ['staged', 'pre-commit']) {
      const text = hook(command);
      expect(text.status).toBe(1);
      expect(text.stderr + text.stdout).toContain('app.js');
      // Each once: the reads the entry started are the ones the scan used.
      expect(text.git.match(/built-in: git diff-index --cached/g)).toHaveLength(1);
      expect(text.git.match(/built-in: git rev-parse --is-bare-repository/g)).toHaveLength(1);
      expect(text.git).not.toContain('remote.origin.url');
      expect(text.stderr + text.stdout).not.toContain(staged);
    }
    const json = hook('staged', '--format', 'json');
    expect(json.status).toBe(1);
    expect(json.git).toContain('remote.origin.url');
    expect(JSON.parse(json.stdout).repository.uri).toBe('https://example.test/acme/app.git');
    expect(json.stdout).not.toContain('hunter2');
  });

  it('takes over git reads already started only when they are for its repository and ask for what it needs', async () => {
    const a = new Repo();
    a.write('a.txt', 'a\n').commit('init');
    a.git('remote', 'add', 'origin', 'https://example.test/acme/a.git');
    a.write('a.env', `K=${staged}\n`);
    a.git('add', 'a.env');
    const b = new Repo();
    b.write('b.txt', 'b\n').commit('init');
    b.write('b.env', `K=${unstaged}\n`);
    b.git('add', 'b.env');

    // Started for another repository: not used.
    const other = await scanStaged({ repo: b.dir, remoteUrl: false, started: startStaged(a.dir, { remote: false }) });
    expect(keysOf(other.findings)).toEqual(['unstaged']);
    expect(other.root).toBe(realpath(b.dir));

    // Started without the remote, for a scan that names it: it asks git itself.
    const named = await scanStaged({ repo: a.dir, started: startStaged(a.dir, { remote: false }) });
    expect(named.repository.uri).toBe('https://example.test/acme/a.git');
    expect(keysOf(named.findings)).toEqual(['staged']);

    // Started for this scan: what was staged when they started is what it reads.
    const started = startStaged(a.dir, { remote: false });
    await started.againstHead;
    a.write('later.env', `K=${inMessage}\n`);
    a.git('add', 'later.env');
    const taken = await scanStaged({ repo: a.dir, remoteUrl: false, started });
    expect(keysOf(taken.findings)).toEqual(['staged']);
    expect(taken.repository.uri).toBeUndefined();
    expect(keysOf((await scanStaged({ repo: a.dir, remoteUrl: false })).findings).sort()).toEqual(['message', 'staged']);
  });

  it('stays fast in a repository of 50,000 tracked files', async () => {
    const repo = new Repo();
    // Build the big tree with plumbing: one fast-import stream instead of 50,000 writes.
    const lines: string[] = ['blob', 'mark :1', 'data 6', 'hello', ''];
    lines.push('commit refs/heads/main', 'committer A <a@example.test> 1700000000 +0000', 'data 3', 'big');
    for (let i = 0; i < 50_000; i++) lines.push(`M 100644 :1 d${i % 100}/f${i}.txt`);
    lines.push('');
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: lines.join('\n') });
    repo.git('reset', '-q', '--mixed', 'main');
    repo.write('d1/new.js', `k = "${staged}"\n`).write('d2/f2.txt', 'changed\n');
    repo.git('add', 'd1/new.js', 'd2/f2.txt');
    const started = process.hrtime.bigint();
    const result = await scanStaged({ repo: repo.dir });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(result.findings.map((f) => f.path)).toEqual(['d1/new.js']);
    expect(result.stats.scanned).toBe(2);
    expect(ms).toBeLessThan(1500); // the 0.3 s is measured by the benchmark, on a quiet machine
  });
});
