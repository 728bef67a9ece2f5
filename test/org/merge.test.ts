import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { startFakeShippo, type FakeShippo } from '../support/shippo-server.js';
import { git, makeRepo, removeDir, sh, tempDir } from '../integrations/support/git.js';

const SHARED = fakeKey('live', 'merge-shared');
const ONLY_B = fakeKey('live', 'merge-only-b');
const TEST_KEY = fakeKey('test', 'merge-test');
const LATER = fakeKey('live', 'merge-later');
const KEYS = [SHARED, ONLY_B, TEST_KEY, LATER];
let temp: string;
let shippo: FakeShippo;
const commits: Record<string, string> = {};

/** Three repositories (origin remotes on github.com) sharing a key; c also has a test key. */
beforeAll(async () => {
  temp = tempDir('merge');
  const spec: Record<string, Record<string, string>[]> = {
    a: [{ 'README.md': 'a\n' }, { 'app.env': `KEY=${SHARED}\n` }],
    b: [{ 'deploy/prod.env': `KEY=${SHARED}\nOTHER=${ONLY_B}\n` }],
    c: [{ 'ci.yml': `token: ${SHARED}\n`, 'fixtures/t.json': `"${TEST_KEY}"\n` }],
  };
  for (const [name, list] of Object.entries(spec)) {
    const dir = join(temp, name);
    sh('mkdir', ['-p', dir]);
    const shas = makeRepo(dir, list);
    commits[name] = shas[shas.length - 1]!;
    git(dir, 'remote', 'add', 'origin', `https://github.com/acme/${name}.git`);
  }
  shippo = await startFakeShippo({ keys: { [SHARED]: 'live', [ONLY_B]: 'dead', [TEST_KEY]: 'dead', [LATER]: 'live' } });
  for (const name of Object.keys(spec)) {
    const r = await runCli(['history', '--repo', name, '--verify', '--format', 'json', '-o', `${name}.json`], { cwd: temp, env: { SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: join(temp, 'cache') } });
    expect(r.exitCode, r.stderr).toBe(1);
  }
});

afterAll(async () => {
  await shippo.close();
  removeDir(temp);
});

interface Merged {
  command: string;
  summary: { keys: number; findings: number; live: number; dead: number; repositories: number; new?: { keys: number; live: number } };
  repositories: { name: string; findings: number; keys: number; live: number; dead: number }[];
  keys: { fingerprint: string; redacted: string; new?: boolean; verification?: { status: string }; places: { repository: string; path: string; introduced?: { commit: string } }[] }[];
  findings: { repository: string; fingerprint: string }[];
}

const merge = (args: string[]) => runCli(['merge', ...args], { cwd: temp });

function expectNoKey(text: string): void {
  for (const key of KEYS) expect(text).not.toContain(key);
}

describe('merge', () => {
  it('one key in three repositories is one key with three places; live first; counts per repository and status', async () => {
    const r = await merge(['a.json', 'b.json', 'c.json', '--format', 'json']);
    expect(r.exitCode).toBe(1);
    const m = JSON.parse(r.stdout) as Merged;
    expect(m.command).toBe('merge');
    expect(m.summary).toMatchObject({ keys: 3, findings: 5, live: 1, dead: 2, repositories: 3 });
    expect(m.keys[0]!.verification?.status).toBe('live');
    expect(m.keys[0]!.places.map((p) => `${p.repository}:${p.path}`)).toEqual(['acme/a:app.env', 'acme/b:deploy/prod.env', 'acme/c:ci.yml']);
    expect(m.keys[0]!.places[0]!.introduced?.commit).toBe(commits['a']);
    expect(m.repositories.map((x) => [x.name, x.findings, x.keys, x.live, x.dead])).toEqual([
      ['acme/a', 1, 1, 1, 0],
      ['acme/b', 2, 2, 1, 1],
      ['acme/c', 2, 2, 1, 1],
    ]);
    expectNoKey(r.stdout);
  });

  it('the same report twice, or in a directory, adds nothing', async () => {
    sh('mkdir', ['-p', join(temp, 'dir')]);
    for (const n of ['a', 'b', 'c']) sh('cp', [join(temp, `${n}.json`), join(temp, 'dir', `${n}.json`)]);
    const once = JSON.parse((await merge(['a.json', 'b.json', 'c.json', '-f', 'json'])).stdout) as Merged;
    const twice = JSON.parse((await merge(['dir', 'a.json', 'b.json', '-f', 'json'])).stdout) as Merged;
    expect(twice.keys).toEqual(once.keys);
    expect(twice.summary.findings).toBe(5);
  });

  it('--since-report marks what is new: "1 new live key"', async () => {
    const prev = await merge(['a.json', 'b.json', 'c.json', '--json-file', 'prev.json', '-f', 'text']);
    expect(prev.exitCode).toBe(1);
    const dir = join(temp, 'a');
    writeFileSync(join(dir, 'later.env'), `KEY=${LATER}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'later');
    const r1 = await runCli(['history', '--repo', 'a', '--verify', '--format', 'json', '-o', 'a2.json'], { cwd: temp, env: { SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: join(temp, 'cache') } });
    expect(r1.exitCode).toBe(1);
    const r = await merge(['a2.json', 'b.json', 'c.json', '--since-report', 'prev.json', '--format', 'markdown']);
    expect(r.stdout).toContain('**1 new live key**, 1 new key in all since the previous report.');
    const text = (await merge(['a2.json', 'b.json', 'c.json', '--since-report', 'prev.json'])).stdout;
    expect(text).toMatch(/^LIVE {2}shippo_live_\S+ {2}live key {2}NEW {2}1 place in 1 repository$/m);
    expect(text).toContain('1 new live key, 1 new key in all');
    const json = JSON.parse((await merge(['a2.json', 'b.json', 'c.json', '--since-report', 'prev.json', '-f', 'json'])).stdout) as Merged;
    expect(json.summary.new).toEqual({ keys: 1, live: 1 });
    expect(json.keys.filter((k) => k.new).map((k) => k.places[0]!.path)).toEqual(['later.env']);
    // Only new keys fail with --fail-on-new: a run with nothing new passes.
    expect((await merge(['a.json', 'b.json', 'c.json', '--since-report', 'prev.json', '--fail-on-new'])).exitCode).toBe(0);
    expect((await merge(['a2.json', 'b.json', 'c.json', '--since-report', 'prev.json', '--fail-on-new'])).exitCode).toBe(1);
  });

  it('markdown for $GITHUB_STEP_SUMMARY: live first, each place linked to the commit that introduced it', async () => {
    const r = await merge(['a.json', 'b.json', 'c.json', '--format', 'markdown']);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Status') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\| \*\*live\*\* \| `shippo_live_[0-9a-f]{4}…[0-9a-f]{4}` \| live \|/);
    expect(rows[0]).toContain(`[app.env:1](https://github.com/acme/a/blob/${commits['a']}/app.env#L1) in [${commits['a']!.slice(0, 7)}](https://github.com/acme/a/commit/${commits['a']})`);
    expectNoKey(r.stdout);
  });

  it('SARIF: one run per repository, each valid, each with its own category and repository', async () => {
    const r = await merge(['a.json', 'b.json', 'c.json', '--sarif-file', 'merged.sarif', '-o', 'merged.txt']);
    expect(r.stderr).toContain('3 distinct keys at 5 places in 3 of 3 repositories');
    const log = JSON.parse(readFileSync(join(temp, 'merged.sarif'), 'utf8')) as { runs: { automationDetails: { id: string }; results: unknown[]; versionControlProvenance?: { repositoryUri: string }[] }[] };
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs.map((x) => [x.automationDetails.id, x.results.length, x.versionControlProvenance?.[0]?.repositoryUri])).toEqual([
      ['shippo-keyguard/history/acme/a/', 1, 'https://github.com/acme/a.git'],
      ['shippo-keyguard/history/acme/b/', 2, 'https://github.com/acme/b.git'],
      ['shippo-keyguard/history/acme/c/', 2, 'https://github.com/acme/c.git'],
    ]);
    // GitHub's ingestion rules too (the SARIF Multitool's Gh rules).
    expect(multitoolIssues([join(temp, 'merged.sarif')], tempDir('merge-multitool')).filter((i) => i.level !== 'note')).toEqual([]);
  }, 120_000);

  it('a report written with --no-redact gives its keys to no merged output', async () => {
    const r = await runCli(['history', '--repo', 'b', '--no-redact', '--format', 'json', '-o', 'b-raw.json'], { cwd: temp });
    expect(readFileSync(join(temp, 'b-raw.json'), 'utf8')).toContain(SHARED);
    expect(r.exitCode).toBe(1);
    for (const format of ['json', 'text', 'markdown', 'sarif', 'gitlab']) {
      const out = await merge(['b-raw.json', 'a.json', '-f', format]);
      expect(out.exitCode).toBe(1);
      expectNoKey(out.stdout);
    }
  });

  it('--update-verify-cache: the reports\' verdicts make a cache that answers the next scan without asking', async () => {
    const env = { SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: join(temp, 'fresh-cache') };
    const r = await runCli(['merge', 'a.json', 'b.json', 'c.json', '--update-verify-cache', '--format', 'json', '-o', 'merged-cache.json'], { cwd: temp, env });
    expect(r.exitCode, r.stderr).toBe(1);
    const verdicts = (JSON.parse(readFileSync(join(temp, 'merged-cache.json'), 'utf8')) as Merged).keys.filter((k) => k.verification?.status === 'live' || k.verification?.status === 'dead');
    expect(verdicts.length).toBeGreaterThanOrEqual(3);
    expect(r.stderr).toMatch(new RegExp(`^verification cache: ${verdicts.length} verdicts recorded, 0 expired entries removed$`, 'm'));
    expectNoKey(sh('cat', ['-v', ...sh('find', [join(temp, 'fresh-cache'), '-type', 'f']).stdout.trim().split('\n')]).stdout);
    // Recording again adds nothing: the cache already holds these verdicts.
    const again = await runCli(['merge', 'a.json', 'b.json', 'c.json', '--update-verify-cache', '-o', 'merged-cache.txt'], { cwd: temp, env });
    expect(again.stderr).toMatch(/^verification cache: 0 verdicts recorded/m);
    // A scan that finds the same keys takes every verdict from the cache: the API is not asked.
    // (b and c: an earlier test added a commit to a.)
    const before = shippo.requests.length;
    for (const name of ['b', 'c']) {
      const scan = await runCli(['history', '--repo', name, '--verify', '--format', 'json'], { cwd: temp, env });
      expect(scan.exitCode, scan.stderr).toBe(1);
      const findings = (JSON.parse(scan.stdout) as { findings: { verification?: { cached?: boolean } }[] }).findings;
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.map((f) => f.verification?.cached), scan.stdout.slice(0, 3000)).toEqual(findings.map(() => true));
    }
    expect(shippo.requests.length).toBe(before);
  });

  it('--update-verify-cache writes each key once, with its newest verdict, whatever the number of reports holding it', async () => {
    // The same report again, every verdict an hour older: two verdicts per key, one cache entry each.
    const report = JSON.parse(readFileSync(join(temp, 'b.json'), 'utf8')) as { findings: { fingerprint: string; verification?: { status: string; checkedAt?: string } }[] };
    const judged = report.findings.filter((f) => (f.verification?.status === 'live' || f.verification?.status === 'dead') && f.verification.checkedAt);
    const keys = new Set(judged.map((f) => f.fingerprint));
    expect(keys.size).toBeGreaterThan(0);
    for (const f of judged) f.verification!.checkedAt = new Date(Date.parse(f.verification!.checkedAt!) - 3_600_000).toISOString();
    writeFileSync(join(temp, 'b-older.json'), JSON.stringify(report));
    const env = { SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: join(temp, 'once-cache') };
    const r = await runCli(['merge', 'b-older.json', 'b.json', '--update-verify-cache', '-o', 'once.txt'], { cwd: temp, env });
    expect(r.stderr).toMatch(new RegExp(`^verification cache: ${keys.size} verdicts? recorded, 0 expired entries removed$`, 'm'));
    const entries = sh('find', [join(temp, 'once-cache'), '-type', 'f', '-name', '*.json']).stdout.trim().split('\n');
    expect(entries).toHaveLength(keys.size);
    const newest = new Set(JSON.parse(readFileSync(join(temp, 'b.json'), 'utf8')).findings.map((f: { verification?: { checkedAt?: string } }) => f.verification?.checkedAt));
    for (const file of entries) expect(newest.has((JSON.parse(readFileSync(file, 'utf8')) as { checkedAt: string }).checkedAt), file).toBe(true);
  });

  it('bad input: one line, exit 2, nothing written', async () => {
    writeFileSync(join(temp, 'not.json'), '{ nope');
    writeFileSync(join(temp, 'other.json'), '{"findings": []}');
    const cases: [string[], RegExp][] = [
      [['missing.json'], /^shippo-keyguard: merge: missing\.json: no such file or directory\n$/],
      [['not.json'], /^shippo-keyguard: merge: not\.json: not JSON/],
      [['other.json'], /^shippo-keyguard: merge: other\.json: not a shippo-keyguard JSON report/],
      [['a.json', '--since-report', 'missing.json'], /^shippo-keyguard: merge: cannot read missing\.json/],
      [['a.json', '--fail-on-new'], /^shippo-keyguard: --fail-on-new: give --since-report too/],
      [['a.json', '--update-verify-cache', '--api-base-url', 'http://example.com'], /^shippo-keyguard: --api-base-url: plain http would send keys/],
    ];
    for (const [args, message] of cases) {
      const r = await merge([...args, '--json-file', 'never.json']);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(sh('test', ['-e', join(temp, 'never.json')]).status).toBe(1);
    }
  });
});
