import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, type Finding } from '@shippo-keyguard/core';
import { scanHistory } from '@shippo-keyguard/core/git';
import { fakeKey } from '../support/fake-keys.js';
import { runBin } from '../support/cli.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { Repo, cleanup, cli, everything, tempDir } from './repo-fixture.js';

const ALICE = { name: 'Alice Leaker', email: 'alice@example.test' };
const keys = {
  deleted: fakeKey('live', 'history-deleted'),
  branch: fakeKey('live', 'history-branch'),
  tagged: fakeKey('test', 'history-tag'),
  tagMessage: fakeKey('live', 'history-tag-message'),
  stash: fakeKey('live', 'history-stash'),
  message: fakeKey('test', 'history-message'),
  renamed: fakeKey('live', 'history-renamed'),
  atHead: fakeKey('test', 'history-head'),
  note: fakeKey('live', 'history-note'),
};

afterAll(cleanup);

function byKey(findings: readonly Finding[], key: string): Finding[] {
  return findings.filter((f) => f.fingerprint === fingerprintOf(key));
}

function noKeyIn(text: string): void {
  for (const key of Object.values(keys)) expect(text).not.toContain(key);
  expect(text).not.toMatch(/shippo_(live|test)_[0-9a-f]{40}/);
}

describe('history: a repository with keys in every corner', () => {
  const repo = new Repo();
  let introducedDeleted = '';
  let messageCommit = '';
  let renameCommit = '';

  beforeAll(() => {
    repo.write('README.md', 'hello\n').commit('initial');
    repo.write('src/config.js', `// config\nexport const a = 1;\nconst key = "${keys.deleted}";\n`);
    introducedDeleted = repo.commit('add config', ALICE);
    repo.write('src/config.js', '// config\nexport const a = 1;\n').commit('remove the key');

    repo.write('docs/old.md', `token: ${keys.renamed}\n`).commit('docs');
    repo.git('mv', 'docs/old.md', 'docs/new.md');
    renameCommit = repo.commit('rename docs');

    messageCommit = repo.commit(`debugging with ${keys.message}\n\nsorry`);
    repo.write('keep.env', `SHIPPO=${keys.atHead}\n`).commit('env');

    // A branch that was never merged.
    repo.git('checkout', '-q', '-b', 'experiment');
    repo.write('exp.py', `KEY = '${keys.branch}'\n`).commit('experiment');
    repo.git('checkout', '-q', 'main');

    // A commit reachable only through an annotated tag, whose message holds another key.
    repo.git('checkout', '-q', '--detach');
    repo.write('release.txt', `${keys.tagged}\n`).commit('release notes');
    repo.git('tag', '-a', 'v1', '-m', `release, signed off with ${keys.tagMessage}`);
    repo.git('checkout', '-q', 'main');

    // A git note on the first commit.
    repo.git('notes', 'add', '-m', `deploy with ${keys.note}`, 'main~1');

    // A stash that was never popped.
    repo.write('README.md', `hello\n${keys.stash}\n`);
    repo.git('stash', 'push', '-q', '-m', 'wip');
  });

  it('finds a key that was added and then deleted, at the commit, author and path that brought it in', async () => {
    const result = await scanHistory({ repo: repo.dir });
    const found = byKey(result.findings, keys.deleted);
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.path).toBe('src/config.js');
    expect(f.source).toBe('history');
    expect(f.startLine).toBe(3);
    expect(f.introduced?.commit).toBe(introducedDeleted);
    expect(f.introduced?.author).toBe(ALICE.name);
    expect(f.introduced?.email).toBe(ALICE.email);
    expect(f.introduced?.date).toMatch(/^2024-01-01T/);
    expect(f.history?.atHead).toBe(false);
    expect(f.blob).toMatch(/^[0-9a-f]{40}$/);
    expect(byKey(result.findings, keys.atHead)[0]?.history?.atHead).toBe(true);
  });

  it('finds keys on an unmerged branch, behind a tag, in a tag message, in the stash and in a commit message', async () => {
    const { findings } = await scanHistory({ repo: repo.dir });
    expect(byKey(findings, keys.branch)[0]?.path).toBe('exp.py');
    expect(byKey(findings, keys.tagged)[0]?.path).toBe('release.txt');
    expect(byKey(findings, keys.stash)[0]?.path).toBe('README.md');
    const note = byKey(findings, keys.note);
    expect(note).toHaveLength(1);
    expect(note[0]?.path).toBe(repo.git('rev-parse', 'main~1'));
    const tagMsg = byKey(findings, keys.tagMessage);
    expect(tagMsg[0]?.source).toBe('commit-message');
    expect(tagMsg[0]?.path).toBe('tag-message/v1');
    const msg = byKey(findings, keys.message);
    expect(msg).toHaveLength(1);
    expect(msg[0]?.source).toBe('commit-message');
    expect(msg[0]?.introduced?.commit).toBe(messageCommit);
    expect(msg[0]?.startLine).toBe(1);
  });

  it('reports a renamed file once, at its first path, counting the other path', async () => {
    const { findings } = await scanHistory({ repo: repo.dir });
    const found = byKey(findings, keys.renamed);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('docs/old.md');
    expect(found[0]?.history).toEqual({ otherCommits: 1, otherPaths: 1, atHead: true });
    expect(found[0]?.introduced?.commit).not.toBe(renameCommit);
  });

  it('finds the same where git output cannot go through a socket (the plain-pipe path of other systems)', async () => {
    const viaSocket = await scanHistory({ repo: repo.dir });
    // A temporary directory too deep for a socket name makes the reader fall back to a pipe.
    const deep = join(tempDir('pipe-fallback'), 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(deep, { recursive: true });
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = deep;
    try {
      const viaPipe = await scanHistory({ repo: repo.dir });
      const summary = (r: typeof viaPipe) =>
        r.findings.map((f) => `${f.fingerprint} ${f.path} ${f.startLine} ${f.introduced?.commit} ${JSON.stringify(f.history)}`).sort();
      expect(summary(viaPipe)).toEqual(summary(viaSocket));
      expect(viaPipe.stats).toEqual(viaSocket.stats);
      expect(viaPipe.findings.length).toBeGreaterThanOrEqual(Object.keys(keys).length);
      expect(readdirSync(deep)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('reads each distinct blob once', async () => {
    const result = await scanHistory({ repo: repo.dir });
    const blobs = execFileSync('git', ['rev-list', '--objects', '--all', ...stashRefs(repo)], { cwd: repo.dir, encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(' '))
      .map((l) => l.split(' ')[0]);
    const distinctBlobs = new Set(
      blobs.filter((id) => execFileSync('git', ['cat-file', '-t', id!], { cwd: repo.dir, encoding: 'utf8' }).trim() === 'blob'),
    );
    const commits = Number(execFileSync('git', ['rev-list', '--count', '--all'], { cwd: repo.dir, encoding: 'utf8' }).trim());
    // Blobs once each, plus one message per commit and one annotated tag message.
    expect(result.stats.scanned).toBe(distinctBlobs.size + commits + 1);
  });

  it('prints where each key came from in text, JSON and SARIF, and never the key', async () => {
    const text = await cli(repo.dir, 'history');
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(`src/config.js:3:`);
    expect(text.stdout).toContain(`introduced in ${introducedDeleted.slice(0, 12)} by ${ALICE.name} <${ALICE.email}>`);
    expect(text.stdout).toContain('not at HEAD (history only)');
    noKeyIn(everything(text));

    const json = await cli(repo.dir, 'history', '--format', 'json');
    noKeyIn(everything(json));
    const report = JSON.parse(json.stdout) as { findings: Finding[]; repository: { revision: string } };
    expect(report.repository.revision).toBe(repo.head());
    expect(byKey(report.findings, keys.deleted)[0]?.introduced?.commit).toBe(introducedDeleted);

    const sarifFile = join(tempDir(), 'out.sarif');
    const sarif = await cli(repo.dir, 'history', '--sarif-file', sarifFile, '--no-redact');
    expect(sarif.exitCode).toBe(1);
    const raw = readFileSync(sarifFile, 'utf8');
    noKeyIn(raw);
    const log = JSON.parse(raw);
    const run = log.runs[0];
    expect(run.versionControlProvenance[0].revisionId).toBe(repo.head());
    const result = run.results.find((r: any) => r.properties.keyFingerprint === fingerprintOf(keys.deleted));
    expect(result.properties.commit).toBe(introducedDeleted);
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('src/config.js');
    // GitHub's ingestion rules and the official schema accept it, provenance included.
    expect(run.versionControlProvenance[0].mappedTo).toEqual({ uriBaseId: '%SRCROOT%' });
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(multitoolIssues([sarifFile], tempDir()).filter((i) => i.level !== 'note')).toEqual([]);
  }, 60_000);

  it('gives a key the same fingerprint as scan does', async () => {
    const scan = await cli(repo.dir, 'scan', '.', '--format', 'json');
    const history = await cli(repo.dir, 'history', '--format', 'json');
    const fromScan = (JSON.parse(scan.stdout).findings as Finding[]).find((f) => f.path === 'keep.env');
    const fromHistory = (JSON.parse(history.stdout).findings as Finding[]).find((f) => f.path === 'keep.env');
    expect(fromScan?.fingerprint).toBeDefined();
    expect(fromHistory?.fingerprint).toBe(fromScan?.fingerprint);
  });

  it('--branch limits the scan to one ref', async () => {
    const json = await cli(repo.dir, 'history', '--branch', 'main', '--format', 'json');
    const found = JSON.parse(json.stdout).findings as Finding[];
    expect(byKey(found, keys.deleted)).toHaveLength(1);
    expect(byKey(found, keys.branch)).toHaveLength(0);
    expect(byKey(found, keys.stash)).toHaveLength(0);
  });
});

function stashRefs(repo: Repo): string[] {
  return repo.git('log', '-g', '--format=%H', 'refs/stash').split('\n').filter(Boolean);
}

describe('history: ranges', () => {
  const repo = new Repo();
  const old = fakeKey('live', 'range-old');
  const fresh = fakeKey('live', 'range-new');
  let base = '';
  let tip = '';
  beforeAll(() => {
    repo.write('a.txt', `${old}\n`);
    for (let i = 0; i < 20; i++) repo.write(`filler/${i}.txt`, `filler ${i}\n`);
    base = repo.commit('old');
    repo.write('b.txt', `${fresh}\n`).commit('new');
    tip = repo.write('c.txt', 'nothing\n').commit('more');
  });

  it('--since scans only what later commits introduced', async () => {
    const res = await cli(repo.dir, 'history', '--since', base, '--format', 'json');
    const report = JSON.parse(res.stdout);
    expect(byKey(report.findings, fresh)).toHaveLength(1);
    expect(byKey(report.findings, old)).toHaveLength(0);
    // Two new blobs and two commit messages: not the 21 blobs of the base commit.
    expect(report.summary.scanned).toBe(4);
  });

  it('--range A..B scans only the range', async () => {
    const res = await cli(repo.dir, 'history', '--range', `${base}..${tip}`, '--format', 'json');
    const report = JSON.parse(res.stdout);
    expect(byKey(report.findings, fresh)[0]?.path).toBe('b.txt');
    expect(byKey(report.findings, old)).toHaveLength(0);
    expect(report.summary.scanned).toBe(4);
  });

  it('takes arbitrary rev-list arguments (a pre-push hook)', async () => {
    const result = await scanHistory({ repo: repo.dir, revisions: [tip, '--not', base] });
    expect(byKey(result.findings, fresh)).toHaveLength(1);
    expect(byKey(result.findings, old)).toHaveLength(0);
    const none = await scanHistory({ repo: repo.dir, revisions: [tip, `^${tip}`] });
    expect(none.stats.scanned).toBe(0);
  });

  it('a bad revision or a directory that is no repository: one line, exit 2', async () => {
    for (const args of [['--range', 'nope..HEAD'], ['--since', 'does-not-exist'], ['--branch', 'missing-branch']]) {
      const res = await cli(repo.dir, 'history', ...args);
      expect(res.exitCode).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/^shippo-keyguard: bad revision/);
    }
    const notRepo = await cli(tempDir(), 'history');
    expect(notRepo.exitCode).toBe(2);
    expect(notRepo.stderr).toMatch(/^shippo-keyguard: not a git repository: .*\n$/);
    await expect(scanHistory({ repo: repo.dir, revisions: ['--bogus-option'] })).rejects.toThrow(/bad revision arguments.*--bogus-option/);
  });
});

describe('history: honest about what it could not read', () => {
  const origin = new Repo();
  const first = fakeKey('live', 'shallow-first');
  const last = fakeKey('test', 'shallow-last');
  beforeAll(() => {
    origin.write('one.txt', `${first}\n`).commit('one');
    origin.write('one.txt', 'gone\n').commit('two');
    origin.write('two.txt', `${last}\n`).commit('three');
  });

  it('warns on a shallow clone in every format and exits 2 with --strict', async () => {
    const dir = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin.dir}`, dir]);
    const text = await cli(dir, 'history');
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/warning: shallow clone: history is partial.*fetch-depth: 0/);
    const json = JSON.parse((await cli(dir, 'history', '--format', 'json')).stdout);
    expect(json.warnings.map((w: { code: string }) => w.code)).toContain('shallow-clone');
    expect(byKey(json.findings, last)).toHaveLength(1);
    expect(byKey(json.findings, first)).toHaveLength(0);
    const sarif = JSON.parse((await cli(dir, 'history', '--format', 'sarif')).stdout);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].descriptor.id).toBe('shallow-clone');
    const strict = await cli(dir, 'history', '--strict');
    expect(strict.exitCode).toBe(2);
  });

  it('lists a missing object by id, reads the rest, and exits 2 with --strict', async () => {
    const repo = new Repo();
    repo.write('lost.txt', 'this blob will be deleted from the object store\n');
    repo.write('found.txt', `${last}\n`).commit('c1');
    const lost = repo.git('rev-parse', 'HEAD:lost.txt');
    unlinkSync(join(repo.dir, '.git', 'objects', lost.slice(0, 2), lost.slice(2)));
    const res = await cli(repo.dir, 'history', '--format', 'json');
    expect(res.exitCode).toBe(1);
    const report = JSON.parse(res.stdout);
    const missing = report.warnings.filter((w: { code: string }) => w.code === 'missing-object');
    expect(missing).toHaveLength(1);
    expect(missing[0].message).toContain(lost);
    expect(report.summary.skipped).toBe(1);
    expect(byKey(report.findings, last)).toHaveLength(1);
    expect((await cli(repo.dir, 'history', '--strict')).exitCode).toBe(2);
  });

  it('skips a blob over the size limit by name', async () => {
    const res = await cli(origin.dir, 'history', '--max-file-size', '10', '--format', 'json');
    const report = JSON.parse(res.stdout);
    const tooLarge = report.warnings.filter((w: { code: string }) => w.code === 'too-large').map((w: { path: string }) => w.path);
    expect(tooLarge.sort()).toEqual(['one.txt', 'two.txt']);
    expect((await cli(origin.dir, 'history', '--max-file-size', '10', '--strict')).exitCode).toBe(2);
  });

  it('reads a bare clone and a linked worktree', async () => {
    const bare = join(tempDir(), 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', origin.dir, bare]);
    const fromBare = await scanHistory({ repo: bare });
    expect(byKey(fromBare.findings, first)[0]?.path).toBe('one.txt');
    expect(fromBare.root).toBe(bare);
    const wt = join(tempDir(), 'wt');
    origin.git('worktree', 'add', '-q', '--detach', wt);
    const fromWorktree = await scanHistory({ repo: wt });
    expect(byKey(fromWorktree.findings, first)).toHaveLength(1);
    expect(fromWorktree.root).toBe(wt);
  });

  it('scans a submodule only with --recurse-submodules', async () => {
    const sub = new Repo();
    const inSub = fakeKey('live', 'submodule-key');
    sub.write('secret.txt', `${inSub}\n`).commit('sub');
    sub.write('secret.txt', 'clean\n').commit('sub clean');
    const parent = new Repo();
    parent.write('x.txt', 'x\n').commit('x');
    parent.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    parent.commit('add submodule');
    const without = await scanHistory({ repo: parent.dir });
    expect(byKey(without.findings, inSub)).toHaveLength(0);
    const withSub = await scanHistory({ repo: parent.dir, recurseSubmodules: true });
    expect(byKey(withSub.findings, inSub)[0]?.path).toBe('vendor/sub/secret.txt');
  });
});

describe('history: edge cases', () => {
  it('a repository without commits scans nothing and passes', async () => {
    const repo = new Repo();
    const res = await cli(repo.dir, 'history');
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toContain('no Shippo keys found in 0 blobs and messages');
  });

  it('a blob that only a tag points at (no tree holds it) is named by the tag, lightweight or annotated', async () => {
    const repo = new Repo();
    repo.write('a.txt', 'a\n').commit('init');
    const light = fakeKey('live', 'tag-blob-light');
    const annotated = fakeKey('test', 'tag-blob-annotated');
    const blob = (key: string) => {
      writeFileSync(join(repo.dir, 'tmp.txt'), `key=${key}\n`);
      return repo.git('hash-object', '-w', 'tmp.txt').trim();
    };
    repo.git('tag', 'key-blob', blob(light));
    repo.git('tag', '-a', '-m', 'a blob', 'ann-blob', blob(annotated));
    const { findings } = await scanHistory({ repo: repo.dir });
    expect(byKey(findings, light).map((f) => [f.path, f.startLine, f.startColumn])).toEqual([['refs/tags/key-blob', 1, 5]]);
    expect(byKey(findings, annotated).map((f) => [f.path, f.startLine, f.startColumn])).toEqual([['refs/tags/ann-blob', 1, 5]]);
  });
});

describe('history: user configuration', () => {
  it('a key that only a merge resolution brought in is attributed to the merge, whatever log.diffMerges says', async () => {
    const repo = new Repo();
    const key = fakeKey('live', 'merge-resolution');
    repo.write('f.txt', 'base\n').commit('base');
    repo.git('checkout', '-q', '-b', 'side');
    repo.write('f.txt', 'side\n').commit('side');
    repo.git('checkout', '-q', 'main');
    repo.write('f.txt', 'main\n').commit('main');
    expect(() => repo.git('merge', '-q', 'side')).toThrow();
    repo.write('f.txt', `resolved\n${key}\n`);
    const merge = repo.commit('merge side', ALICE);
    for (const setting of ['separate', 'combined', 'dense-combined', 'first-parent']) {
      repo.git('config', 'log.diffMerges', setting);
      const found = byKey((await scanHistory({ repo: repo.dir })).findings, key);
      expect(found.map((f) => [setting, f.path, f.startLine, f.introduced?.commit, f.introduced?.author])).toEqual([[setting, 'f.txt', 2, merge, ALICE.name]]);
    }
  });

  it('i18n.logOutputEncoding does not garble authors and subjects', async () => {
    const repo = new Repo();
    const key = fakeKey('live', 'latin1-output');
    repo.write('k.txt', `${key}\n`);
    repo.commit('clé ajoutée', { name: 'Zoë Jürgens', email: 'zoe@example.test' });
    repo.git('config', 'i18n.logOutputEncoding', 'ISO-8859-1');
    const found = byKey((await scanHistory({ repo: repo.dir })).findings, key);
    expect(found.map((f) => [f.introduced?.author, f.introduced?.summary])).toEqual([['Zoë Jürgens', 'clé ajoutée']]);
  });

  it('log.showSignature does not corrupt message findings (signed commits)', async () => {
    const repo = new Repo();
    const key = fakeKey('live', 'signed-message');
    const inFile = fakeKey('test', 'signed-file');
    const dir = tempDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fixture', '-f', join(dir, 'signer')]);
    writeFileSync(join(dir, 'allowed'), `bot@example.test ${readFileSync(join(dir, 'signer.pub'), 'utf8')}`);
    for (const [name, value] of [['gpg.format', 'ssh'], ['user.signingkey', join(dir, 'signer.pub')], ['gpg.ssh.allowedSignersFile', join(dir, 'allowed')], ['log.showSignature', 'true']]) {
      repo.git('config', name!, value!);
    }
    repo.write('a.txt', 'a\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-S', '-m', 'signed');
    repo.write('k.txt', `${inFile}\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-S', '-m', `signed, with ${key}`);
    const sha = repo.head();
    // The setting is live: plain git log prints the verification before each commit.
    expect(repo.git('log', '-1', '--format=%H')).toMatch(/signature/i);
    const { findings } = await scanHistory({ repo: repo.dir });
    const found = byKey(findings, key);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe(`commit-message/${sha}`);
    expect(found[0]?.introduced?.commit).toBe(sha);
    expect(byKey(findings, inFile)[0]?.introduced?.commit).toBe(sha);
  });
});

describe('history: odd paths', () => {
  it('reports each path as git stores it, with core.quotePath on', async () => {
    const repo = new Repo();
    repo.git('config', 'core.quotePath', 'true');
    const names = ['with space.txt', 'ünï cödé.txt', 'tab\there.txt', 'line\nbreak.txt', 'say "hi" 😀.txt', 'back\\slash.txt'];
    const keysByName = new Map(names.map((name, i) => [name, fakeKey('live', `odd-path-${i}`)]));
    for (const [name, key] of keysByName) writeFileSync(join(repo.dir, name), `x\n${key}\n`);
    // A name that is not valid UTF-8: shown with U+FFFD.
    const invalid = fakeKey('test', 'odd-path-invalid');
    writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/bad-`), Buffer.from([0xff]), Buffer.from('-name.txt')]), `${invalid}\n`);
    repo.commit('odd names');
    repo.git('rm', '-q', '-r', '.');
    repo.commit('gone');
    const { findings } = await scanHistory({ repo: repo.dir });
    for (const [name, key] of keysByName) expect(byKey(findings, key).map((f) => [f.path, f.startLine])).toEqual([[name, 2]]);
    expect(byKey(findings, invalid)[0]?.path).toBe('bad-\uFFFD-name.txt');
  });
});

describe('history: non-ASCII names in a large commit', () => {
  it('attributes every key to its exact path and author, whatever the pipe chunk boundaries cut', async () => {
    const repo = new Repo();
    // One big commit (an initial import) whose raw log is far larger than a pipe chunk and made
    // mostly of 3-byte characters, so chunk boundaries fall inside characters.
    const author = '山田太郎';
    const dir = '設定'.repeat(30);
    const lines = ['commit refs/heads/main', `author ${author} <yamada@example.test> 1700000000 +0000`, `committer ${author} <yamada@example.test> 1700000000 +0000`, 'data 6', 'import'];
    const expected = new Map<string, string>();
    for (let i = 0; i < 1500; i++) {
      const path = `${dir}/${'鍵'.repeat(70)}${i}.txt`;
      const key = fakeKey('live', `cjk-${i}`);
      expected.set(fingerprintOf(key), path);
      lines.push(`M 100644 inline ${path}`, `data ${key.length + 1}`, key, '');
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: lines.join('\n') + '\n' });
    const { findings } = await scanHistory({ repo: repo.dir });
    expect(findings).toHaveLength(expected.size);
    const wrong = findings.filter((f) => f.path !== expected.get(f.fingerprint) || f.introduced?.author !== author);
    expect(wrong.map((f) => f.path)).toEqual([]);
  });
});

/** Every git command line the scan starts (the subcommand and what follows), through a logging stand-in for git on PATH. */
async function gitCallsOf<T>(run: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  const before = process.env['PATH'];
  process.env['PATH'] = `${dir}:${before ?? ''}`;
  try {
    const result = await run();
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.slice(l.indexOf('--no-pager ') + '--no-pager '.length));
    return { result, calls };
  } finally {
    process.env['PATH'] = before;
  }
}

describe('history: the git calls a full scan makes', () => {
  it('opens a bare clone in one round of calls and reads its store with one reader, annotated tags included', async () => {
    const repo = new Repo();
    const key = fakeKey('live', 'bare-round');
    repo.write('config.txt', `${key}\n`).commit('add config');
    repo.git('tag', '-a', 'v1', '-m', 'first release');
    repo.git('tag', '-a', 'v2', '-m', 'second release');
    repo.write('config.txt', 'clean\n').commit('remove');
    const bare = join(tempDir(), 'tagged.git');
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, bare]);

    const { result, calls } = await gitCallsOf(() => scanHistory({ repo: bare }));
    expect(byKey(result.findings, key).map((f) => f.path)).toEqual(['config.txt']);
    expect(result.root).toBe(bare);
    // Opening: one rev-parse (a bare repository answers all but --show-toplevel) beside the remote's config.
    expect(calls.filter((c) => c.startsWith('rev-parse'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('symbolic-ref'))).toHaveLength(0);
    // One reader for the whole store: rev-list names the annotated tags among reachable
    // objects, and they are not read again by id after the stream.
    expect(calls.filter((c) => c === 'cat-file --batch --buffer')).toHaveLength(1);
    // HEAD names a commit, so nothing asks whether any ref exists.
    expect(calls.filter((c) => c.startsWith('for-each-ref --count=1'))).toHaveLength(0);
  });
});

describe('history: what counts as history', () => {
  it('every stash entry counts; a commit amended away and a dangling blob do not', async () => {
    const repo = new Repo();
    const olderStash = fakeKey('live', 'older-stash');
    const newerStash = fakeKey('live', 'newer-stash');
    const amended = fakeKey('live', 'amended-away');
    const dangling = fakeKey('live', 'dangling-blob');
    repo.write('a.txt', 'a\n').commit('init');
    repo.write('a.txt', `${olderStash}\n`);
    repo.git('stash', 'push', '-q', '-m', 'older');
    repo.write('a.txt', `${newerStash}\n`);
    repo.git('stash', 'push', '-q', '-m', 'newer');
    repo.write('b.txt', `${amended}\n`).commit('oops');
    repo.write('b.txt', 'clean\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--amend', '-m', 'fixed');
    execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: `${dangling}\n` });
    const { findings } = await scanHistory({ repo: repo.dir });
    expect(byKey(findings, olderStash).map((f) => f.introduced?.summary)).toEqual(['On main: older']);
    expect(byKey(findings, newerStash)).toHaveLength(1);
    expect(byKey(findings, amended)).toEqual([]);
    expect(byKey(findings, dangling)).toEqual([]);
  });
});

describe('history: replace refs', () => {
  it('reads the history as a clone gets it: a commit hidden by git replace is still scanned', async () => {
    const repo = new Repo();
    const key = fakeKey('live', 'replaced-commit');
    repo.write('a.txt', 'a\n').commit('init');
    repo.write('k.txt', `${key}\n`);
    const leaked = repo.commit('leak', ALICE);
    repo.remove('k.txt').commit('later');
    // A clean stand-in for the leaking commit: locally, git log now shows it instead.
    repo.git('checkout', '-q', `${leaked}~1`);
    const standIn = repo.write('k.txt', 'clean\n').commit('stand-in');
    repo.git('checkout', '-q', 'main');
    repo.git('replace', leaked, standIn);
    expect(repo.git('log', '--format=%s', 'main')).not.toContain('leak');
    const found = byKey((await scanHistory({ repo: repo.dir })).findings, key);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('k.txt');
    expect(found[0]?.introduced?.commit).toBe(leaked);
    expect(found[0]?.introduced?.author).toBe(ALICE.name);
  });
});

describe('history and staged: a repository git refuses', () => {
  it('says why instead of "not a git repository" (dubious ownership, no git, an unknown format version)', async () => {
    const repo = new Repo();
    repo.write('a.txt', 'a\n').commit('init');
    // git's own switch for "owned by someone else" (safe.directory), as in a CI container.
    for (const command of ['history', 'staged']) {
      const res = runBin([command], { cwd: repo.dir, env: { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
      expect(res.exitCode).toBe(2);
      expect(res.stderr).toMatch(/^shippo-keyguard: git refused the repository at .*: detected dubious ownership in repository at .*\n$/);
    }
    // No git at all is not "not a git repository" either.
    const noGit = runBin(['history'], { cwd: repo.dir, env: { PATH: '/nonexistent' } });
    expect(noGit.exitCode).toBe(2);
    expect(noGit.stderr).toMatch(/^shippo-keyguard: cannot run git: .*ENOENT.*\n$/);
    repo.git('config', 'core.repositoryformatversion', '99');
    const future = await cli(repo.dir, 'history');
    expect(future.exitCode).toBe(2);
    expect(future.stderr).toMatch(/^shippo-keyguard: git refused the repository at .*: Expected git repo version <= 1, found 99\n$/);
  });
});

describe('history: a corrupt object', () => {
  it('names the corrupt object, reads every other blob, and exits 2 with --strict', async () => {
    const repo = new Repo();
    const key = fakeKey('live', 'after-corrupt');
    repo.write('a.txt', 'will be corrupted\n').write('b.txt', `${key}\n`).write('c.txt', 'clean\n').commit('c1');
    const bad = repo.git('rev-parse', 'HEAD:a.txt');
    const file = join(repo.dir, '.git', 'objects', bad.slice(0, 2), bad.slice(2));
    execFileSync('chmod', ['u+w', file]);
    writeFileSync(file, Buffer.from('this is not zlib data at all'));
    const res = await cli(repo.dir, 'history', '--format', 'json');
    const report = JSON.parse(res.stdout);
    expect(res.exitCode).toBe(1);
    const warnings = report.warnings.filter((w: { code: string }) => w.code === 'missing-object');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain(bad);
    expect(warnings[0].path).toBe('a.txt');
    expect(byKey(report.findings, key)).toHaveLength(1);
    expect((await cli(repo.dir, 'history', '--strict')).exitCode).toBe(2);
  });
});
