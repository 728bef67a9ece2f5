import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '@shippo-keyguard/core';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { git } from '../support/tree.js';
import { cli as runCli, tempRepo, type JsonReport } from './support.js';

/** The baseline through `history` and `staged`: the step works on what any command collected. */
const guard = new LeakGuard();
const removed = guard.plant(fakeKey('live', 'git-baseline-removed'));
const atHead = guard.plant(fakeKey('test', 'git-baseline-head'));
const neverCommitted = guard.plant(fakeKey('live', 'git-baseline-untracked'));
const fresh = guard.plant(fakeKey('live', 'git-baseline-fresh'));
const BASELINE = '.shippo-keyguard-baseline.json';
const DAY = { SOURCE_DATE_EPOCH: String(Date.UTC(2026, 0, 15) / 1000) };

const repo = tempRepo('baseline-git');
let introducedRemoved = '';

function commit(message: string): string {
  git(repo.dir, 'add', '-A');
  git(repo.dir, 'commit', '-q', '-m', message);
  return git(repo.dir, 'rev-parse', 'HEAD').trim();
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(repo.dir, argv, { env: { ...DAY, ...env } });
  for (const [channel, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
    guard.record({ scenario: argv.join(' '), channel, text, revealAllowed: false });
  }
  return result;
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as JsonReport;
const baselineText = () => readFileSync(join(repo.dir, BASELINE), 'utf8');

beforeAll(() => {
  git(repo.dir, 'config', 'user.name', 'Test');
  git(repo.dir, 'config', 'user.email', 'test@example.com');
  git(repo.dir, 'config', 'commit.gpgsign', 'false');
  repo.write('README.md', 'hello\n');
  commit('initial');
  repo.write('src/config.js', `// config\nconst key = "${removed}";\n`);
  introducedRemoved = commit('add a key');
  repo.write('src/config.js', '// config\n');
  commit('remove it');
  repo.write('deploy/app.env', `SHIPPO=${atHead}\n`);
  commit('env');
  // The baseline itself is committed, as a team would.
  repo.write('.gitignore', 'scratch/\n');
  commit('ignore scratch');
});
afterAll(() => {
  repo.cleanup();
  guard.assertNoLeaks();
});

describe('baseline history', () => {
  it('records every key in the history, first seen where it came in', async () => {
    const result = await cli(['baseline', 'history']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`wrote ${BASELINE}: 2 keys, 2 new\n`);
    const entries = JSON.parse(baselineText()).entries as { fingerprint: string; firstSeen: { path: string; commit?: string } }[];
    expect(entries.find((e) => e.fingerprint === fingerprintOf(removed))?.firstSeen).toEqual({ path: 'src/config.js', commit: introducedRemoved });
    expect(entries.map((e) => e.fingerprint).sort()).toEqual([fingerprintOf(removed), fingerprintOf(atHead)].sort());
    expect(baselineText()).not.toContain(removed.slice(12));
  });

  it('is byte-identical after new commits that move a known key', async () => {
    const before = baselineText();
    commit('baseline');
    rmSync(join(repo.dir, 'deploy/app.env'));
    repo.write('config/prod.env', `# moved\nSHIPPO=${atHead}\n`);
    commit('move the env file');
    const again = await cli(['baseline', 'history']);
    expect(again.stdout).toBe(`unchanged ${BASELINE}: 2 keys, 0 new\n`);
    expect(baselineText()).toBe(before);
  });

  it('history --baseline suppresses known keys, reports a new one', async () => {
    const clean = json(await cli(['history', '--baseline', BASELINE, '--format', 'json']));
    expect(clean.exitCode).toBe(0);
    expect(clean.findings).toEqual([]);
    expect(clean.summary.suppressed).toBeGreaterThanOrEqual(2);
    expect(new Set(clean.suppressed?.map((f) => f.suppression?.by))).toEqual(new Set(['baseline']));
    repo.write('src/new.js', `const k = "${fresh}";\n`);
    commit('a new key');
    const dirty = json(await cli(['history', '--baseline', BASELINE, '--format', 'json']));
    expect(dirty.exitCode).toBe(1);
    expect(new Set(dirty.findings.map((f) => f.fingerprint))).toEqual(new Set([fingerprintOf(fresh)]));
  });

  it('warns about an entry whose key is nowhere in the history; not for a partial range', async () => {
    repo.write('scratch/notes.txt', `${neverCommitted}\n`);
    const scanBaseline = await cli(['baseline', 'scan', '--no-gitignore', 'scratch', '-o', 'scratch.json']);
    expect(scanBaseline.exitCode).toBe(0);
    const whole = json(await cli(['history', '--baseline', 'scratch.json', '--format', 'json']));
    expect(whole.warnings.filter((w) => w.code === 'stale-baseline-entry').map((w) => w.message)).toEqual([
      expect.stringContaining(fingerprintOf(neverCommitted).slice(0, 12)),
    ]);
    const partial = json(await cli(['history', '--since', 'HEAD~1', '--baseline', 'scratch.json', '--format', 'json']));
    expect(partial.warnings.filter((w) => w.code === 'stale-baseline-entry')).toEqual([]);
  });
});

describe('staged --baseline', () => {
  it('lets a commit of a known key through, blocks a new one, never calls entries stale', async () => {
    repo.write('docs/example.md', `Sandbox key: ${atHead}\n`);
    git(repo.dir, 'add', 'docs/example.md');
    const known = json(await cli(['staged', '--baseline', BASELINE, '--format', 'json']));
    expect(known.exitCode).toBe(0);
    expect(known.suppressed?.map((f) => [f.path, f.suppression?.by])).toEqual([['docs/example.md', 'baseline']]);
    expect(known.warnings.filter((w) => w.code === 'stale-baseline-entry')).toEqual([]);
    repo.write('docs/other.md', `Key: ${neverCommitted}\n`);
    git(repo.dir, 'add', 'docs/other.md');
    const blocked = await cli(['staged', '--baseline', BASELINE]);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stdout).toMatch(/1 finding \(1 distinct key\).* · 1 suppressed/);
  });
});

describe('inline allows and the configuration in history', () => {
  const allowedInHistory = guard.plant(fakeKey('test', 'git-inline-allowed'));
  it('an inline allow in a committed file holds in history; --no-inline-allow reports it', async () => {
    repo.write('tests/fixture.py', `KEY_VALUE = "${allowedInHistory}"  # shippo-keyguard:allow\n`);
    commit('fixture with an allowed key');
    const fp = fingerprintOf(allowedInHistory);
    const honoured = json(await cli(['history', '--format', 'json']));
    expect(honoured.findings.filter((f) => f.fingerprint === fp)).toEqual([]);
    expect(honoured.suppressed?.filter((f) => f.fingerprint === fp).map((f) => f.suppression?.by)).toEqual(['inline']);
    const audit = json(await cli(['history', '--no-inline-allow', '--format', 'json']));
    expect(audit.findings.filter((f) => f.fingerprint === fp)).toHaveLength(1);
  });
  it('history --repo DIR reads the configuration of that repository', async () => {
    repo.write('.shippo-keyguard.yaml', 'ignore:\n  - src/\n');
    commit('config');
    const elsewhere = tempRepo('elsewhere');
    try {
      const result = await runCli(elsewhere.dir, ['history', '--repo', repo.dir, '--format', 'json']);
      const report = json(result);
      expect(report.findings.length).toBeGreaterThan(0);
      expect(report.findings.filter((f) => f.path.startsWith('src/'))).toEqual([]);
      const without = json(await runCli(elsewhere.dir, ['history', '--repo', repo.dir, '--no-config', '--format', 'json']));
      expect(without.findings.some((f) => f.path.startsWith('src/'))).toBe(true);
    } finally {
      elsewhere.cleanup();
    }
  });
});

describe('hook commands run from a subdirectory', () => {
  it('pre-commit and pre-push still read the baseline at the repository root', async () => {
    const other = tempRepo('hook-subdir');
    try {
      for (const [k, v] of [['user.name', 'Test'], ['user.email', 'test@example.com'], ['commit.gpgsign', 'false']]) git(other.dir, 'config', k!, v!);
      other.write('src/app.env', `K=${atHead}\n`);
      git(other.dir, 'add', '-A');
      expect((await runCli(other.dir, ['baseline', 'staged'], { env: DAY })).exitCode).toBe(0);
      git(other.dir, 'add', '-A');
      const src = join(other.dir, 'src');
      const fromRoot = await runCli(other.dir, ['pre-commit']);
      expect(fromRoot.exitCode).toBe(0);
      const preCommit = await runCli(src, ['pre-commit']);
      guard.record({ scenario: 'pre-commit in src', channel: 'stderr', text: preCommit.stderr, revealAllowed: false });
      expect(preCommit.exitCode).toBe(0);
      git(other.dir, 'commit', '-q', '-m', 'known key');
      const line = `refs/heads/main ${git(other.dir, 'rev-parse', 'HEAD').trim()} refs/heads/main ${'0'.repeat(40)}\n`;
      const prePush = await runCli(src, ['pre-push', 'origin', 'url'], { stdin: line });
      guard.record({ scenario: 'pre-push in src', channel: 'stderr', text: prePush.stderr, revealAllowed: false });
      expect(prePush.exitCode).toBe(0);
    } finally {
      other.cleanup();
    }
  });
});

describe('pre-push and tags', () => {
  it('blocks pushing an annotated tag whose message holds a key; a tag the remote has is not scanned again', async () => {
    const other = tempRepo('hook-tag');
    const inTag = guard.plant(fakeKey('live', 'git-tag-message'));
    try {
      for (const [k, v] of [['user.name', 'Test'], ['user.email', 'test@example.com'], ['commit.gpgsign', 'false'], ['tag.gpgsign', 'false']]) git(other.dir, 'config', k!, v!);
      other.write('README.md', 'hello\n');
      git(other.dir, 'add', '-A');
      git(other.dir, 'commit', '-q', '-m', 'clean');
      git(other.dir, 'tag', '-a', 'v1.0.0', '-m', `release\n\ndeploy with ${inTag}\n`);
      const tag = git(other.dir, 'rev-parse', 'refs/tags/v1.0.0').trim();
      const push = async (remoteSha: string) => {
        const r = await runCli(other.dir, ['pre-push', 'origin', 'url'], { stdin: `refs/tags/v1.0.0 ${tag} refs/tags/v1.0.0 ${remoteSha}\n` });
        guard.record({ scenario: `pre-push tag ${remoteSha}`, channel: 'stderr', text: r.stderr, revealAllowed: false });
        return r;
      };
      const blocked = await push('0'.repeat(40));
      expect(blocked.exitCode).toBe(1);
      expect(blocked.stderr).toContain('tag-message/v1.0.0');
      expect(blocked.stderr).toContain('push blocked');
      // The commit and the tag message were read (a clean commit holds a blob and a message).
      expect(blocked.stderr).toContain('(1 distinct key) in 3 blobs and messages');
      const again = await push(tag);
      expect(again.exitCode).toBe(0);
      expect(again.stdout + again.stderr).toContain('no Shippo keys found in 0 blobs and messages');
    } finally {
      other.cleanup();
    }
  });
});
