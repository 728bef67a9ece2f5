import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf, type Finding } from '@shippo-keyguard/core';
import { fakeHex, fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { runCli } from '../support/cli.js';
import { Repo, cleanup, tempDir } from './repo-fixture.js';

/**
 * Input an attacker or an unlucky user hands the scanner: git options where shas belong, keys in
 * ref names, damaged packs, a huge commit message, thousands of tags in one push.
 */

const guard = new LeakGuard();
const ZERO = '0'.repeat(40);

afterAll(() => {
  guard.assertNoLeaks();
  cleanup();
});

function byKey(findings: readonly Finding[], key: string): Finding[] {
  return findings.filter((f) => f.fingerprint === fingerprintOf(key));
}

/** A repository with one clean commit; returns it and its commit. */
function cleanRepo(): { repo: Repo; head: string } {
  const repo = new Repo();
  const head = repo.write('README.md', '# app\n').commit('initial');
  return { repo, head };
}

function prePush(cwd: string, stdin: string, scenario: string, ...extra: string[]) {
  return runCli(['pre-push', 'origin', 'https://example.test/app.git', ...extra], { cwd, stdin, guard, scenario });
}

/** What git itself hands a pre-push hook for `git push <args>`: captured by a hook that then refuses the push. */
function capturePushLines(repo: Repo, ...pushArgs: string[]): string {
  const hooks = tempDir('skg-hooks-');
  const out = join(hooks, 'lines');
  writeFileSync(join(hooks, 'pre-push'), `#!/bin/sh\ncat > '${out}'\nexit 1\n`);
  chmodSync(join(hooks, 'pre-push'), 0o755);
  spawnSync('git', ['-c', `core.hooksPath=${hooks}`, 'push', ...pushArgs], { cwd: repo.dir, encoding: 'utf8' });
  return readFileSync(out, 'utf8');
}

describe('pre-push: stdin is checked before any of it reaches git', () => {
  it('a git option in a sha field is refused with the line named, exit 2, and no file is written', async () => {
    const { repo, head } = cleanRepo();
    const target = join(tempDir(), 'written-by-git');
    for (const [n, line] of [
      [1, `refs/heads/main --output=${target} refs/heads/main ${ZERO}`],
      [2, `refs/heads/main ${head} refs/heads/main --output=${target}`],
    ] as const) {
      const input = n === 2 ? `refs/heads/main ${head} refs/heads/main ${ZERO}\n${line}\n` : `${line}\n`;
      const res = await prePush(repo.dir, input, `injection ${n}`);
      expect(res.exitCode).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(new RegExp(`^shippo-keyguard: pre-push: stdin line ${n}: .*not a full object id`));
      expect(existsSync(target)).toBe(false);
    }
  });

  it('lines that cannot be parsed are refused, naming the line: garbage, three fields, an unknown sha, a short sha', async () => {
    const { repo, head } = cleanRepo();
    const ok = `refs/heads/main ${head} refs/heads/main ${ZERO}`;
    const cases: [string, RegExp][] = [
      [`${ok}\nthis is not what git sends\n`, /stdin line 2: expected "<local ref> <local sha> <remote ref> <remote sha>", got 6 fields/],
      [`refs/heads/main ${head} refs/heads/main\n`, /stdin line 1: expected .* got 3 fields/],
      [`refs/heads/main ${fakeHex('unknown-sha')} refs/heads/main ${ZERO}\n`, /stdin line 1: local sha [0-9a-f]{40} is not an object of this repository/],
      [`refs/heads/main ${head.slice(0, 12)} refs/heads/main ${ZERO}\n`, /stdin line 1: local sha .* is not a full object id \(40 hex digits, sha1\)/],
      [`refs/heads/main ${head.toUpperCase()} refs/heads/main ${ZERO}\n`, /stdin line 1: local sha .* is not a full object id/],
    ];
    for (const [input, message] of cases) {
      const res = await prePush(repo.dir, input, `unparsable ${input.slice(0, 20)}`);
      expect(res.exitCode, input).toBe(2);
      expect(res.stderr, input).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    // What git really sends still passes: one line, and the empty input of a push with nothing to send.
    expect((await prePush(repo.dir, `${ok}\n`, 'valid line')).exitCode).toBe(0);
    expect((await prePush(repo.dir, '\n', 'empty input')).exitCode).toBe(0);
  });

  it('a line quoting a key names the line without printing the key', async () => {
    const { repo } = cleanRepo();
    const key = guard.plant(fakeKey('live', 'stdin-garbage'));
    const res = await prePush(repo.dir, `refs/heads/${key} nonsense\n`, 'key in garbage');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/stdin line 1/);
  });

  it('a sha256 repository wants 64 hex digits: a 40-digit sha is refused', async () => {
    const repo = new Repo(undefined, false);
    repo.git('init', '-q', '-b', 'main', '--object-format=sha256');
    const head = repo.write('a.txt', 'a\n').commit('one');
    expect(head).toMatch(/^[0-9a-f]{64}$/);
    const zero64 = '0'.repeat(64);
    expect((await prePush(repo.dir, `refs/heads/main ${head} refs/heads/main ${zero64}\n`, 'sha256 ok')).exitCode).toBe(0);
    const short = await prePush(repo.dir, `refs/heads/main ${head.slice(0, 40)} refs/heads/main ${zero64}\n`, 'sha256 short');
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toMatch(/stdin line 1: local sha .* is not a full object id \(64 hex digits, sha256\)/);
  });

  it('the pre-commit framework\'s refs are checked the same way', async () => {
    const { repo, head } = cleanRepo();
    const target = join(tempDir(), 'written-by-git');
    const res = await runCli(['pre-push'], {
      cwd: repo.dir,
      env: { PRE_COMMIT_FROM_REF: `--output=${target}`, PRE_COMMIT_TO_REF: head },
      guard,
      scenario: 'pre-commit env',
    });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/PRE_COMMIT_FROM_REF/);
    expect(existsSync(target)).toBe(false);
    const branch = await runCli(['pre-push'], { cwd: repo.dir, env: { PRE_COMMIT_LOCAL_BRANCH: `--output=${target}` }, guard, scenario: 'pre-commit branch' });
    expect(branch.exitCode).toBe(2);
    expect(existsSync(target)).toBe(false);
  });
});

describe('history: revisions from options never act as git options', () => {
  it('--range, --branch and --since values that begin with "-" are refused, exit 2, nothing written', async () => {
    const { repo } = cleanRepo();
    const target = join(tempDir(), 'written-by-git');
    for (const option of [
      `--branch=--output=${target}`,
      `--since=--output=${target}`,
      `--range=--output=${target}..HEAD`,
      `--range=HEAD..--output=${target}`,
      `--range=HEAD...--output=${target}`,
    ]) {
      const res = await runCli(['history', option], { cwd: repo.dir, guard, scenario: option });
      expect(res.exitCode, option).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/bad revision/);
      expect(existsSync(target)).toBe(false);
    }
  });

  it("the Action refuses a pull_request payload whose sha is a git option, exit 2, nothing written", async () => {
    const { repo, head } = cleanRepo();
    const target = join(tempDir(), 'written-by-git');
    for (const [base, tip] of [
      [`--output=${target}`, head],
      [head, `--output=${target}`],
    ]) {
      const event = join(tempDir(), 'event.json');
      writeFileSync(event, JSON.stringify({ pull_request: { number: 1, base: { sha: base, ref: 'main' }, head: { sha: tip, ref: 'x' } } }));
      const res = await runCli(['action'], {
        cwd: repo.dir,
        env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_WORKSPACE: repo.dir, RUNNER_TEMP: tempDir() },
        guard,
        scenario: 'action payload',
      });
      expect(res.exitCode).toBe(2);
      expect(res.stdout).toMatch(/^::error title=shippo-keyguard::the pull_request\.(base|head)\.sha in the event payload is missing or not a commit id\n$/);
      expect(existsSync(target)).toBe(false);
    }
  });
});

describe('a key in a ref name, a path, a remote URL, a subject or an author name is never printed', () => {
  it('history in text, JSON and SARIF; the Action log and summary', async () => {
    const repo = new Repo();
    const inRef = guard.plant(fakeKey('live', 'ref-name'));
    const inTagRef = guard.plant(fakeKey('live', 'tag-ref-name'));
    const inPath = guard.plant(fakeKey('test', 'path-name'));
    const inUrl = guard.plant(fakeKey('live', 'remote-url'));
    const inAuthor = guard.plant(fakeKey('live', 'author-name'));
    const inBlob = guard.plant(fakeKey('live', 'blob-under-tag'));
    const inFile = guard.plant(fakeKey('test', 'file-content'));
    repo.write(`config/${inPath}.env`, `KEY=${inFile}\n`).commit(`add ${inRef}`, { name: `Bot ${inAuthor}`, email: 'bot@example.test' });
    repo.git('branch', inRef);
    // A blob that only a tag holds: SARIF names it by the tag.
    writeFileSync(join(repo.dir, 'loose.txt'), `${inBlob}\n`);
    const blob = repo.git('hash-object', '-w', 'loose.txt');
    repo.git('tag', inTagRef, blob);
    repo.git('remote', 'add', 'origin', `https://example.test/${inUrl}.git`);
    repo.git('checkout', '-q', inRef);

    const sarif = join(repo.dir, 'out.sarif');
    const json = join(repo.dir, 'out.json');
    const text = await runCli(['history', '--sarif-file', sarif, '--json-file', json], {
      cwd: repo.dir,
      guard,
      scenario: 'history with keys in names',
      writes: ['out.sarif', 'out.json'],
    });
    expect(text.exitCode).toBe(1);
    const report = JSON.parse(text.files['out.json']!);
    expect(byKey(report.findings, inBlob)[0]?.path).toMatch(/^refs\/tags\/shippo_live_[0-9a-f]{4}…[0-9a-f]{4}$/);
    expect(byKey(report.findings, inFile)[0]?.path).toMatch(/^config\/shippo_test_[0-9a-f]{4}…[0-9a-f]{4}\.env$/);
    expect(JSON.parse(text.files['out.sarif']!).runs[0].versionControlProvenance[0].repositoryUri).toMatch(/^https:\/\/example\.test\/shippo_live_/);
    expect(report.findings.length).toBeGreaterThanOrEqual(3);

    const summary = join(tempDir(), 'summary.md');
    writeFileSync(summary, '');
    const event = join(tempDir(), 'event.json');
    writeFileSync(event, JSON.stringify({ ref: `refs/heads/${inRef}`, before: ZERO, after: repo.head(), created: true }));
    const action = await runCli(['action'], {
      cwd: repo.dir,
      env: { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event, GITHUB_WORKSPACE: repo.dir, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: tempDir() },
      guard,
      scenario: 'action with keys in names',
    });
    expect(action.exitCode).toBe(1);
    expect(action.stdout).toContain('::error ');
    guard.record({ scenario: 'action summary', channel: 'summary', text: readFileSync(summary, 'utf8'), revealAllowed: false });
    expect(readFileSync(summary, 'utf8')).toContain('finding');
  });

  it('pre-push: a tag whose name is a key, pushed with a key in its message', async () => {
    const { repo, head } = cleanRepo();
    const name = guard.plant(fakeKey('live', 'pushed-tag-name'));
    const message = guard.plant(fakeKey('live', 'pushed-tag-message'));
    repo.git('tag', '-a', name, '-m', `release ${message}`);
    const tag = repo.git('rev-parse', `refs/tags/${name}`);
    const res = await prePush(repo.dir, `refs/tags/${name} ${tag} refs/tags/${name} ${ZERO}\nrefs/heads/main ${head} refs/heads/main ${ZERO}\n`, 'tag named by a key', '--format', 'json');
    expect(res.exitCode).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(byKey(report.findings, message)[0]?.path).toMatch(/^tag-message\/shippo_live_[0-9a-f]{4}…[0-9a-f]{4}$/);
  });
});

/** 30 commits, each adding a file that holds its own key; packed into one pack. */
function packedRepo(count: number): { repo: Repo; keys: { key: string; blob: string }[] } {
  const repo = new Repo();
  const keys: { key: string; blob: string }[] = [];
  for (let i = 0; i < count; i++) {
    const key = guard.plant(fakeKey(i % 2 ? 'live' : 'test', `pack-${count}-${i}`));
    // Some bulk per blob, so a damaged stretch of the pack hits a few objects, not all of them.
    repo.write(`keys/${i}.env`, `# ${fakeHex(`filler-${i}`, 2000)}\nKEY=${key}\n`).commit(`key ${i}`);
    keys.push({ key, blob: repo.git('rev-parse', `HEAD:keys/${i}.env`) });
  }
  repo.git('repack', '-a', '-d', '-q');
  repo.git('prune-packed');
  return { repo, keys };
}

function packFile(repo: Repo): string {
  const dir = join(repo.dir, '.git', 'objects', 'pack');
  const pack = readdirSync(dir).find((f) => f.endsWith('.pack'));
  if (!pack) throw new Error('no pack');
  return join(dir, pack);
}

function readable(repo: Repo, id: string): boolean {
  return spawnSync('git', ['cat-file', 'blob', id], { cwd: repo.dir }).status === 0;
}

/**
 * Which blobs of a pack lie wholly before byte `cut` (`verify-pack -v`: "<id> <type> <size>
 * <size-in-pack> <offset>" per object), read before the pack is damaged.
 */
function blobsBefore(repo: Repo, cut: number): Set<string> {
  const idx = packFile(repo).replace(/\.pack$/, '.idx');
  const before = new Set<string>();
  for (const line of execFileSync('git', ['verify-pack', '-v', idx], { cwd: repo.dir, encoding: 'utf8' }).split('\n')) {
    const [id = '', type, , inPack, offset] = line.split(/\s+/);
    if (type === 'blob' && Number(offset) + Number(inPack) <= cut) before.add(id);
  }
  return before;
}

async function expectEveryReadableKey(
  repo: Repo,
  keys: readonly { key: string; blob: string }[],
  scenario: string,
  isReadable: (id: string) => boolean = (id) => readable(repo, id),
): Promise<void> {
  const res = await runCli(['history', '--format', 'json'], { cwd: repo.dir, guard, scenario });
  expect(res.stderr).not.toMatch(/^shippo-keyguard: /m);
  const report = JSON.parse(res.stdout);
  const missing = report.warnings.filter((w: { code: string }) => w.code === 'missing-object').map((w: { message: string }) => w.message).join('\n');
  const good = keys.filter((k) => isReadable(k.blob));
  const bad = keys.filter((k) => !isReadable(k.blob));
  // The damage must hit some key-holding blobs and spare others, or the test would prove nothing.
  expect(good.length).toBeGreaterThan(0);
  expect(bad.length).toBeGreaterThan(0);
  for (const k of good) expect(byKey(report.findings, k.key), `readable ${k.blob}`).toHaveLength(1);
  for (const k of bad) {
    expect(byKey(report.findings, k.key)).toHaveLength(0);
    expect(missing).toContain(k.blob);
  }
  expect(res.exitCode).toBe(1);
  expect((await runCli(['history', '--strict', '--format', 'json'], { cwd: repo.dir, guard, scenario: `${scenario} strict` })).exitCode).toBe(2);
}

describe('history: a damaged object store is scanned as far as it can be read', () => {
  it('a truncated pack: every key in a readable object is reported, the rest named in missing-object warnings', async () => {
    // git refuses a truncated pack as a whole; the commits made after the repack are loose and readable.
    const { repo, keys } = packedRepo(8);
    for (let i = 0; i < 8; i++) {
      const key = guard.plant(fakeKey('live', `after-pack-${i}`));
      repo.write(`later/${i}.env`, `KEY=${key}\n`).commit(`later ${i}`);
      keys.push({ key, blob: repo.git('rev-parse', `HEAD:later/${i}.env`) });
    }
    const pack = packFile(repo);
    const cut = Math.floor(statSync(pack).size * 0.6);
    // The objects before the cut are recovered from the pack; git alone reads none of them.
    const before = blobsBefore(repo, cut);
    chmodSync(pack, 0o644);
    truncateSync(pack, cut);
    await expectEveryReadableKey(repo, keys, 'truncated pack', (id) => before.has(id) || readable(repo, id));
  });

  it('a truncated pack of 32 keys: every key in an object before the cut is reported, the rest named', async () => {
    const { repo, keys } = packedRepo(32);
    const pack = packFile(repo);
    const cut = Math.floor(statSync(pack).size * 0.55);
    const before = blobsBefore(repo, cut);
    expect(keys.every((k) => readable(repo, k.blob))).toBe(true);
    chmodSync(pack, 0o644);
    truncateSync(pack, cut);
    // git alone refuses the whole pack.
    expect(keys.some((k) => readable(repo, k.blob))).toBe(false);
    const recovered = keys.filter((k) => before.has(k.blob));
    expect(recovered.length).toBeGreaterThan(4);
    await expectEveryReadableKey(repo, keys, 'truncated pack of 32', (id) => before.has(id));
    const report = JSON.parse((await runCli(['history', '--format', 'json'], { cwd: repo.dir, guard, scenario: 'truncated pack paths' })).stdout);
    // At its path when the tree above it was recovered too, else by id.
    for (const [i, k] of keys.entries()) if (before.has(k.blob)) expect([`keys/${i}.env`, `blob/${k.blob}`]).toContain(byKey(report.findings, k.key)[0]?.path);
    expect(report.warnings.map((w: { message: string }) => w.message).join('\n')).toMatch(/recovered/);
    // The repository is only read: the damaged pack is left as it was, nothing is added to the store.
    expect(statSync(pack).size).toBe(cut);
    expect(readdirSync(join(repo.dir, '.git', 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
  });

  it('bytes in the middle of one object of the pack are corrupted', async () => {
    const { repo, keys } = packedRepo(12);
    const pack = packFile(repo);
    const idx = pack.replace(/\.pack$/, '.idx');
    // verify-pack -v: "<id> <type> <size> <size-in-pack> <offset>" per object.
    const victim = keys[5]!.blob;
    const row = execFileSync('git', ['verify-pack', '-v', idx], { cwd: repo.dir, encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith(victim))!
      .split(/\s+/);
    const inPack = Number(row[3]);
    const offset = Number(row[4]);
    chmodSync(pack, 0o644);
    const bytes = readFileSync(pack);
    for (let i = Math.floor(inPack / 3); i < Math.floor((2 * inPack) / 3); i++) bytes[offset + i] = bytes[offset + i]! ^ 0x5a;
    writeFileSync(pack, bytes);
    await expectEveryReadableKey(repo, keys, 'corrupt object in pack');
  });

  it('a corrupt loose tree and a corrupt loose blob', async () => {
    const repo = new Repo();
    const keys: { key: string; blob: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const key = guard.plant(fakeKey('live', `loose-${i}`));
      repo.write(`d${i}/k.env`, `KEY=${key}\n`).commit(`loose ${i}`);
      keys.push({ key, blob: repo.git('rev-parse', `HEAD:d${i}/k.env`) });
    }
    const damage = (id: string) => {
      const file = join(repo.dir, '.git', 'objects', id.slice(0, 2), id.slice(2));
      chmodSync(file, 0o644);
      writeFileSync(file, Buffer.from('not zlib'));
    };
    damage(keys[2]!.blob);
    damage(repo.git('rev-parse', 'HEAD~1:d4'));
    await expectEveryReadableKey(repo, keys, 'corrupt loose objects');
    // The blob under the broken tree is still read (by id, from the store), and the tree is named.
    const res = JSON.parse((await runCli(['history', '--format', 'json'], { cwd: repo.dir, guard, scenario: 'loose tree' })).stdout);
    expect(res.warnings.some((w: { message: string }) => w.message.includes(repo.git('rev-parse', 'HEAD~1:d4')))).toBe(true);
  });
});

describe('history: a huge commit message', () => {
  it('a 24 MB message with a key at its end is searched in time linear in its size; past --max-file-size it is skipped by name', async () => {
    const repo = new Repo();
    const key = guard.plant(fakeKey('live', 'huge-message'));
    repo.write('a.txt', 'a\n').commit('initial');
    const file = join(tempDir(), 'message');
    const line = `${'x'.repeat(1023)}\n`;
    writeFileSync(file, `huge\n\n${line.repeat(24 * 1024)}deploy with ${key}\n`);
    repo.git('commit', '-q', '--allow-empty', '-F', file);
    const huge = repo.head();
    const res = await runCli(['history', '--format', 'json'], { cwd: repo.dir, guard, scenario: 'huge message' });
    const found = byKey(JSON.parse(res.stdout).findings, key);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe(`commit-message/${huge}`);
    expect(found[0]?.startLine).toBe(24 * 1024 + 3);

    const limited = await runCli(['history', '--format', 'json', '--max-file-size', '1MiB'], { cwd: repo.dir, guard, scenario: 'huge message limited' });
    const report = JSON.parse(limited.stdout);
    expect(byKey(report.findings, key)).toHaveLength(0);
    const tooLarge = report.warnings.filter((w: { code: string }) => w.code === 'too-large');
    expect(tooLarge).toHaveLength(1);
    expect(tooLarge[0].message).toContain(`commit-message/${huge}`);
    expect(limited.exitCode).toBe(0);
    // Splitting the message used to copy everything read so far for each 64 KiB read: minutes for
    // this message, where it now takes seconds. The timeout leaves room for a loaded machine;
    // test/bench/hostile.bench.js measures the cost against git's.
  }, 120_000);
});

describe('pre-push: thousands of refs in one push', () => {
  it('2,000 new tags (push --tags, push --mirror to a new remote), one with a key in its message: finishes and blocks', async () => {
    const repo = new Repo();
    const key = guard.plant(fakeKey('live', 'tag-1234'));
    repo.write('a.txt', 'a\n').commit('initial');
    const first = repo.head();
    const second = repo.write('b.txt', 'b\n').commit('second');
    // fast-import makes 2,000 annotated tags in one process.
    const stream: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const text = i === 1234 ? `release ${i}\n\nsigned off with ${key}\n` : `release ${i}\n`;
      stream.push(`tag v${i}`, `from ${i % 2 ? second : first}`, 'tagger Fixture Bot <bot@example.test> 1704067200 +0000', `data ${Buffer.byteLength(text)}`, text);
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: `${stream.join('\n')}\n` });
    const remote = tempDir('skg-remote-');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    repo.git('remote', 'add', 'origin', remote);
    for (const how of [['--tags'], ['--mirror']]) {
      const lines = capturePushLines(repo, ...how, 'origin');
      expect(lines.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2000);
      const res = await prePush(repo.dir, lines, `push ${how[0]}`, '--format', 'json');
      expect(res.exitCode).toBe(1);
      const found = byKey(JSON.parse(res.stdout).findings, key);
      expect(found).toHaveLength(1);
      expect(found[0]?.path).toBe('tag-message/v1234');
    }
  }, 60_000);
});

describe('pre-push: more pushed tips than fit on a command line', () => {
  it('a --mirror push of more new refs than ARG_MAX allows as arguments: the tips reach git on stdin, and a key behind one ref blocks', async () => {
    const repo = new Repo();
    const inBlob = guard.plant(fakeKey('live', 'behind-one-ref'));
    const inMessage = guard.plant(fakeKey('test', 'one-tag-message'));
    repo.write('a.txt', 'a\n').commit('initial');
    // A commit that only one pushed ref reaches: found only if that tip reaches rev-list.
    repo.git('checkout', '-q', '--detach');
    const hidden = repo.write('deploy.env', `KEY=${inBlob}\n`).commit('deploy');
    repo.git('checkout', '-q', 'main');
    repo.git('tag', '-a', 'v-signed', '-m', `release\n\n${inMessage}`);
    const tag = repo.git('rev-parse', 'refs/tags/v-signed');
    // One distinct tip per pushed ref, enough that their ids alone (41 bytes each with the
    // separator) pass the argument limit: commits written in one pack by fast-import (a loose ref
    // per tip would take minutes to write), named by the lines a --mirror push to an empty remote
    // would hand the hook.
    const argMax = Number(execFileSync('getconf', ['ARG_MAX'], { encoding: 'utf8' }).trim());
    const count = Math.ceil(argMax / 41) + 1000;
    const stream: string[] = [];
    for (let i = 0; i < count; i++) stream.push('commit refs/heads/many', `mark :${i + 1}`, 'committer Fixture Bot <bot@example.test> 1704067200 +0000', `data ${String(i).length}`, String(i), '');
    const marks = join(tempDir(), 'marks');
    execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: repo.dir, input: `${stream.join('\n')}\n` });
    const tips = readFileSync(marks, 'utf8').trim().split('\n').map((l) => l.split(' ')[1]!);
    expect(new Set(tips).size).toBe(count);
    const lines = tips.map((sha, i) => `refs/heads/many-${i} ${sha} refs/heads/many-${i} ${ZERO}`);
    lines.splice(4242, 0, `refs/heads/deploy ${hidden} refs/heads/deploy ${ZERO}`, `refs/tags/v-signed ${tag} refs/tags/v-signed ${ZERO}`);
    expect(new Set(lines.map((l) => l.split(' ')[1])).size * 41).toBeGreaterThan(argMax);
    const res = await prePush(repo.dir, `${lines.join('\n')}\n`, 'mirror past ARG_MAX', '--format', 'json');
    // Before, spawning git failed: "shippo-keyguard: spawn E2BIG", exit 2.
    expect(res.stderr).not.toMatch(/E2BIG|could not/);
    expect(res.exitCode).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(byKey(report.findings, inBlob)[0]?.path).toBe('deploy.env');
    expect(byKey(report.findings, inMessage)[0]?.path).toBe('tag-message/v-signed');
  }, 300_000);
});
