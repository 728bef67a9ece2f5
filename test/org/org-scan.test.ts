import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { startFakeGitHub, type FakeGitHub } from '../support/github-server.js';
import { startFakeShippo, type FakeShippo } from '../support/shippo-server.js';
import { disposeFreshCheckout, freshCheckout, ROOT } from '../integrations/support/checkout.js';
import { removeDir, sh, tempDir, writeFile } from '../integrations/support/git.js';
import { WorkflowRunner, type CacheEntry, type JobResult } from './workflow-runner.js';

const WORKFLOW = join(ROOT, '.github/workflows/org-scan.yml');
const TOKEN = ['ghs', 'orgScanInstallationToken0123456789'].join('_');
const SHARED_LIVE = fakeKey('live', 'org-shared-live');
const SHARED_DEAD = fakeKey('live', 'org-shared-dead');
const UNIQUE = Array.from({ length: 5 }, (_v, i) => fakeKey('test', `org-unique-${i}`));
const NEW_LIVE = fakeKey('live', 'org-night-two');
const NIGHT_THREE = fakeKey('live', 'org-night-three');
const HIDDEN = Array.from({ length: 4 }, (_v, i) => fakeKey('live', `org-hidden-${i}`));
const ALL_KEYS = [SHARED_LIVE, SHARED_DEAD, ...UNIQUE, NEW_LIVE, NIGHT_THREE, ...HIDDEN];
const N = 50;
const names = Array.from({ length: N }, (_v, i) => `repo-${String(i).padStart(2, '0')}`);

let temp: string;
let serverDir: string;
let keyguardDir: string;
let github: FakeGitHub;
let shippo: FakeShippo;
let env: NodeJS.ProcessEnv;
const cache: CacheEntry[] = [];

function gitIn(bare: string, work: string, ...args: string[]): void {
  const r = sh('git', ['--git-dir', bare, '--work-tree', work, ...args]);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** Add one commit to a bare repository of the fake server. */
function commit(name: string, files: Record<string, string>, message: string): void {
  const bare = join(serverDir, 'acme', `${name}.git`);
  const work = tempDir('org-wt');
  sh('git', ['--git-dir', bare, '--work-tree', work, 'checkout', '-q', '-f', 'main', '--', '.']);
  for (const [path, content] of Object.entries(files)) writeFile(work, path, content);
  gitIn(bare, work, 'add', '-A');
  gitIn(bare, work, 'commit', '-q', '-m', message);
  removeDir(work);
}

/** The organisation: 50 tiny repositories; 0-4 share a live key, 5-9 a dead one, 10-14 have a key each. */
function makeOrganisation(): void {
  for (const [i, name] of names.entries()) {
    const bare = join(serverDir, 'acme', `${name}.git`);
    const init = sh('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    if (init.status !== 0) throw new Error(init.stderr);
    const files: Record<string, string> = { 'README.md': `# ${name}\n` };
    if (i < 5) files[`config/${i % 2 === 0 ? 'app' : 'deploy'}.env`] = `SHIPPO_API_KEY=${SHARED_LIVE}\n`;
    else if (i < 10) files['settings.py'] = `SHIPPO = "${SHARED_DEAD}"\n`;
    else if (i < 15) files['test/fixtures.json'] = `{"token": "${UNIQUE[i - 10]}"}\n`;
    const work = tempDir('org-wt');
    for (const [path, content] of Object.entries(files)) writeFile(work, path, content);
    gitIn(bare, work, 'add', '-A');
    gitIn(bare, work, 'commit', '-q', '-m', 'first');
    removeDir(work);
  }
}

beforeAll(async () => {
  temp = tempDir('org-scan');
  serverDir = join(temp, 'server');
  mkdirSync(join(serverDir, 'acme'), { recursive: true });
  makeOrganisation();
  keyguardDir = (await freshCheckout()).dir;
  github = await startFakeGitHub({
    token: TOKEN,
    orgs: { acme: [...names.map((name) => ({ name, clone_url: `file://${serverDir}/acme/${name}.git` })), { name: 'old', archived: true }] },
  });
  shippo = await startFakeShippo({ keys: { [SHARED_LIVE]: 'live', [NEW_LIVE]: 'live' }, otherKeys: 'dead' });
  env = { GITHUB_API_URL: github.url, GITHUB_SERVER_URL: `file://${serverDir}`, SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: '' };
}, 180_000);

afterAll(async () => {
  await github?.close();
  await shippo?.close();
  await disposeFreshCheckout();
  removeDir(temp);
});

interface Night {
  readonly runner: WorkflowRunner;
  readonly plan: JobResult;
  readonly shards: JobResult[];
  readonly merge: JobResult;
  readonly merged: MergedJson;
}
interface MergedJson {
  summary: { keys: number; findings: number; live: number; dead: number; repositories: number; new?: { keys: number; live: number } };
  repositories: { name: string; refs?: Record<string, string>; scan?: string; keys: number }[];
  keys: { fingerprint: string; redacted: string; new?: boolean; verification?: { status: string }; places: { repository: string; path: string }[] }[];
  findings: { repository: string; fingerprint: string; path: string; introduced?: { commit: string } }[];
}

/** plan -> one job per matrix entry -> merge, as GitHub runs them. */
async function night(
  runId: string,
  options: { inputs?: Record<string, unknown>; callerDir?: string; cache?: CacheEntry[] } = {},
): Promise<Night> {
  const runner = new WorkflowRunner(WORKFLOW, {
    inputs: { organization: 'acme', 'shard-size': 10, ...options.inputs },
    secrets: { token: TOKEN },
    runId,
    keyguardDir,
    ...(options.callerDir ? { callerDir: options.callerDir } : {}),
    env,
    cache: options.cache ?? cache,
  });
  const plan = await runner.runJob('plan');
  expect(plan.status, plan.log).toBe(0);
  expect(plan.outputs['matrix'], plan.log).toMatch(/^\{"include":/);
  const shards: JobResult[] = [];
  expect(runner.shouldRun('scan', { plan })).toBe(true);
  // The matrix jobs run side by side, as on GitHub.
  for (const shard of await Promise.all(runner.matrixOf('scan', { plan }).map((entry) => runner.runJob('scan', { plan }, entry)))) {
    expect(shard.status, shard.log).toBe(0);
    shards.push(shard);
  }
  expect(runner.shouldRun('merge', { plan, scan: { outputs: {} } })).toBe(true);
  const merge = await runner.runJob('merge', { plan, scan: { outputs: {} } });
  const report = runner.artifacts.get('shippo-keyguard-org-report');
  expect(report, merge.log).toBeDefined();
  const merged = JSON.parse(readFileSync(join(report!, 'merged.json'), 'utf8')) as MergedJson;
  return { runner, plan, shards, merge, merged };
}

const place = (repo: string, f: { fingerprint: string; path: string; introduced?: { commit: string } }) => `${repo}|${f.fingerprint}|${f.path}|${f.introduced?.commit ?? ''}`;

/** Every place of every key, scanning each repository alone with `history` (four at a time). */
const alonePlaces = new Map<string, string[]>();
async function aloneScan(only: readonly string[] = names): Promise<Set<string>> {
  const queue = [...only];
  const scanSome = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const r = await runCli(['history', '--repo', join(serverDir, 'acme', `${name}.git`), '--format', 'json'], { cwd: temp, env: {} });
      expect(r.exitCode, r.stderr).toBeLessThan(2);
      alonePlaces.set(name, (JSON.parse(r.stdout) as { findings: MergedJson['findings'] }).findings.map((f) => place(`acme/${name}`, f)));
    }
  };
  await Promise.all([scanSome(), scanSome(), scanSome(), scanSome()]);
  return new Set([...alonePlaces.values()].flat());
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** No key and no token in any log, summary, artifact or cache entry. */
function expectNothingLeaked(n: Night, entries: readonly CacheEntry[] = cache): void {
  const texts = [n.plan.log, n.merge.log, n.merge.summary, ...n.shards.map((s) => s.log)];
  for (const dir of [...n.runner.artifacts.values(), ...entries.map((c) => c.dir)]) for (const f of filesUnder(dir)) texts.push(readFileSync(f, 'utf8'));
  for (const text of texts) {
    expect(text).not.toContain(TOKEN);
    for (const key of ALL_KEYS) expect(text).not.toContain(key);
  }
}

describe('organisation scan: the reusable workflow, job by job', () => {
  let first: Night;

  it('night one: 50 repositories in 5 shards, merged into one report equal to scanning each alone', async () => {
    first = await night('1001');
    expect(first.plan.outputs['count']).toBe('50');
    expect(first.shards).toHaveLength(5);
    const merged = first.merged;
    expect(merged.summary.repositories).toBe(50);
    expect(merged.repositories.every((r) => r.scan === 'full' && Object.keys(r.refs ?? {}).length > 0)).toBe(true);

    // The same keys at the same places as fifty separate scans.
    const alone = await aloneScan();
    expect(alone.size).toBe(15);
    expect(new Set(merged.findings.map((f) => place(f.repository, f)))).toEqual(alone);

    // Each shared key once, with its five places; live first.
    expect(merged.summary.keys).toBe(7);
    expect(merged.keys.map((k) => k.places.length)).toEqual([5, 5, 1, 1, 1, 1, 1]);
    expect(merged.keys[0]!.verification?.status).toBe('live');
    expect(merged.keys[0]!.places.map((p) => p.repository)).toEqual(['acme/repo-00', 'acme/repo-01', 'acme/repo-02', 'acme/repo-03', 'acme/repo-04']);
    expect(merged.keys[1]!.verification?.status).toBe('dead');
    expect(merged.summary.live).toBe(1);
    // Verification was shared through the cache: the live key was asked about once, not five times.
    expect(shippo.countFor(SHARED_LIVE)).toBe(1);

    // The fail policy (live) fails the merge job, after the report and the state were kept.
    expect(first.merge.status).toBe(1);
    expect(first.merge.summary).toContain('1 live, 6 dead');
    expect(cache.some((c) => c.key === 'shippo-keyguard-org-acme-1001-1')).toBe(true);
    // SARIF: one run per repository.
    const sarif = JSON.parse(readFileSync(join(first.runner.artifacts.get('shippo-keyguard-org-report')!, 'merged.sarif'), 'utf8')) as { runs: unknown[] };
    expect(sarif.runs).toHaveLength(50);
    expectNothingLeaked(first);
  }, 900_000);

  it('night two: only the two repositories that moved are cloned and scanned; the new key is marked new', async () => {
    expect(first).toBeDefined();
    commit('repo-03', { 'config/new.env': `SHIPPO_API_KEY=${NEW_LIVE}\n` }, 'new settings');
    commit('repo-20', { 'README.md': '# repo-20\n\nmore words\n' }, 'docs');
    const requestsBefore = shippo.requests.length;
    const second = await night('1002');
    const logs = second.shards.map((s) => s.log).join('\n');
    const scanned = [...logs.matchAll(/^(acme\/[\w-]+): scanned (.*)$/gm)].map((m) => `${m[1]}: scanned ${m[2]}`);
    expect(scanned).toEqual(['acme/repo-03: scanned what moved since 1 earlier tip', 'acme/repo-20: scanned what moved since 1 earlier tip']);
    expect([...logs.matchAll(/: unchanged since the previous scan/g)]).toHaveLength(48);

    const merged = second.merged;
    const byName = new Map(merged.repositories.map((r) => [r.name, r]));
    expect(byName.get('acme/repo-03')?.scan).toBe('incremental');
    expect(byName.get('acme/repo-04')?.scan).toBe('unchanged');
    // Everything night one found is still there, plus the new key, once (the other 48 did not change).
    const alone = await aloneScan(['repo-03', 'repo-20']);
    expect(alone.size).toBe(16);
    expect(new Set(merged.findings.map((f) => place(f.repository, f)))).toEqual(alone);
    expect(merged.summary.new).toEqual({ keys: 1, live: 1 });
    const fresh = merged.keys.filter((k) => k.new);
    expect(fresh.map((k) => k.places.map((p) => `${p.repository}:${p.path}`))).toEqual([['acme/repo-03:config/new.env']]);
    expect(second.merge.summary).toContain('1 new live key');
    // Only the new key was sent for verification.
    expect(shippo.requests.slice(requestsBefore).map((q) => q.key)).toEqual([NEW_LIVE]);
    expectNothingLeaked(second);
  }, 600_000);
  /** Each shard's verification cache entries as they stand in the Actions cache: the newest entry of the key's prefix. */
  const newestVerifyEntry = () => [...cache].filter((c) => c.key.startsWith('shippo-keyguard-verify-')).sort((a, b) => b.time - a.time)[0];

  it('night three: every shard starts from all earlier answers; a key new tonight is asked about once per shard that meets it', async () => {
    expect(first).toBeDefined();
    // Keys night one verified in shards 1 and 2 turn up in shard 3; a new key in shards 3 and 5.
    commit('repo-20', { 'copied/settings.py': `SHIPPO = "${SHARED_DEAD}"\n`, 'copied/fixtures.json': `{"token": "${UNIQUE[0]}"}\n` }, 'copy old settings');
    commit('repo-25', { 'deploy.env': `SHIPPO_API_KEY=${NIGHT_THREE}\n` }, 'deploy');
    commit('repo-41', { 'deploy.env': `SHIPPO_API_KEY=${NIGHT_THREE}\n` }, 'deploy');
    const requestsBefore = shippo.requests.length;
    const third = await night('1003');
    // Nothing verified on an earlier night is asked about again (it is within its TTL); the new key is
    // asked about by shard 3 and by shard 5: keys never leave a shard, so within one night each asks.
    const asked = shippo.requests.slice(requestsBefore).map((q) => q.key);
    expect(asked.filter((k) => k !== NIGHT_THREE)).toEqual([]);
    expect(asked.filter((k) => k === NIGHT_THREE)).toHaveLength(2);
    // The merge job saved one cache entry for the night, built from every shard's answers.
    expect(cache.filter((c) => c.key.startsWith('shippo-keyguard-verify-')).map((c) => c.key)).toEqual([
      'shippo-keyguard-verify-1001-1',
      'shippo-keyguard-verify-1002-1',
      'shippo-keyguard-verify-1003-1',
    ]);
    expect(third.merge.log).toMatch(/verification cache: \d+ verdicts? recorded/);
    const key = third.merged.keys.find((k) => k.places.some((p) => p.repository === 'acme/repo-41' && p.path === 'deploy.env'));
    expect(key?.verification?.status).toBe('dead');
    expect(key?.places.map((p) => p.repository)).toEqual(['acme/repo-25', 'acme/repo-41']);
    // The cache holds a verdict for every key verified so far, by hash: seven from night one, one each from nights two and three.
    const entries = filesUnder(newestVerifyEntry()!.dir).filter((f) => f.endsWith('.json'));
    expect(entries).toHaveLength(9);
    expectNothingLeaked(third);
  }, 600_000);

  it('night four: a key first seen last night in two shards is not asked about again', async () => {
    commit('repo-33', { 'deploy.env': `SHIPPO_API_KEY=${NIGHT_THREE}\n` }, 'deploy');
    const requestsBefore = shippo.requests.length;
    const fourth = await night('1004');
    expect(shippo.requests.slice(requestsBefore)).toEqual([]);
    const key = fourth.merged.keys.find((k) => k.places.some((p) => p.repository === 'acme/repo-33'));
    expect(key?.verification?.status).toBe('dead');
    expect(key?.places.map((p) => p.repository)).toEqual(['acme/repo-25', 'acme/repo-33', 'acme/repo-41']);
    expectNothingLeaked(fourth);
  }, 600_000);

  it('an organisation configuration applies to every repository; a scanned repository cannot quiet the scan', async () => {
    const fingerprint = (key: string) => createHash('sha256').update(key).digest('hex');
    // repo-45 tries every way a repository could hide its keys from the security team.
    commit(
      'repo-45',
      {
        '.shippo-keyguard.json': JSON.stringify({ ignore: ['**'], detectors: { 'shippo-live-key': 'off' } }),
        '.shippo-keyguard-baseline.json': '{}\n',
        'app.env': `SHIPPO_API_KEY=${HIDDEN[0]} # shippo-keyguard:allow\n`,
        'docs/example.env': `SHIPPO_API_KEY=${HIDDEN[1]}\n`,
        'vendor/lib.env': `SHIPPO_API_KEY=${HIDDEN[2]}\n`,
        'legacy.env': `SHIPPO_API_KEY=${HIDDEN[3]}\n`,
      },
      'hide keys',
    );
    // The calling repository holds the organisation's configuration.
    const caller = tempDir('org-caller');
    writeFile(caller, '.github/shippo-keyguard-org.yaml', `ignore:\n  - docs/**\nallow:\n  - fingerprint: ${fingerprint(HIDDEN[3]!)}\n    reason: rotated in 2024, kept in the history\n`);
    const own: CacheEntry[] = [];
    const placesOf = (n: Night) => n.merged.findings.filter((f) => f.repository === 'acme/repo-45').map((f) => f.path).sort();

    const strict = await night('2001', { inputs: { match: 'repo-4*', config: '.github/shippo-keyguard-org.yaml' }, callerDir: caller, cache: own });
    expect(strict.shards).toHaveLength(1);
    // Its own .shippo-keyguard.json (ignore everything, the live detector off) and its inline allow change nothing;
    // the organisation's ignore (docs/**, a path in the repository) and allow (by fingerprint) apply.
    expect(placesOf(strict)).toEqual(['app.env', 'vendor/lib.env']);
    expect(strict.merged.findings.some((f) => f.fingerprint === fingerprint(HIDDEN[3]!))).toBe(false);

    // Inline allows count only when the organisation says so.
    const lenient = await night('2002', { inputs: { match: 'repo-4*', config: '.github/shippo-keyguard-org.yaml', 'trust-inline-allows': true, full: true }, callerDir: caller, cache: own });
    expect(placesOf(lenient)).toEqual(['vendor/lib.env']);

    // Without a configuration, everything is reported.
    const bare = await night('2003', { inputs: { match: 'repo-4*', full: true }, cache: own });
    expect(placesOf(bare)).toEqual(['app.env', 'docs/example.env', 'legacy.env', 'vendor/lib.env']);

    // A broken organisation configuration stops the shard with one line naming it (exit 2), before any clone.
    writeFile(caller, '.github/shippo-keyguard-org.yaml', 'ignore: docs/**\n');
    const runner = new WorkflowRunner(WORKFLOW, {
      inputs: { organization: 'acme', match: 'repo-4*', config: '.github/shippo-keyguard-org.yaml' },
      secrets: { token: TOKEN },
      runId: '2004',
      keyguardDir,
      callerDir: caller,
      env,
      cache: own,
    });
    const plan = await runner.runJob('plan');
    const [entry] = runner.matrixOf('scan', { plan });
    const shard = await runner.runJob('scan', { plan }, entry);
    expect(shard.status).toBe(2);
    expect(shard.log).toMatch(/shippo-keyguard: \.shippo-keyguard-org\/\.github\/shippo-keyguard-org\.yaml: ignore: /);
    expect(shard.log).not.toMatch(/scanned|not cloned/);
    for (const n of [strict, lenient, bare]) expectNothingLeaked(n, own);
    removeDir(caller);
  }, 600_000);
});
