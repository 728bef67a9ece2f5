import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { gitlabSchemaErrors } from '../support/gitlab.js';
import { startFakeShippo, type FakeShippo } from '../support/shippo-server.js';
import { makeRepo, removeDir, sh, tempDir } from '../integrations/support/git.js';

/**
 * `--format gitlab` on every kind of finding a report can hold: none, hundreds, verified live, dead
 * and unknown, base64-encoded and test-mode keys, paths with spaces and non-ASCII characters, a key
 * inside a 200,000-character line. Each report is checked against our description of GitLab's
 * required structure; with GITLAB_REPORTS_OUT=DIR the reports are also kept there, for
 * `scripts/check-gitlab-report.mjs` and GitLab's published schema (see test/support/README.md).
 * An incomplete scan (exit 2) is covered too: its report says `scan.status: failure`.
 */
const LIVE = fakeKey('live', 'gitlab-case-live');
const DEAD = fakeKey('live', 'gitlab-case-dead');
const UNKNOWN = fakeKey('live', 'gitlab-case-unknown');
const TEST_KEY = fakeKey('test', 'gitlab-case-test');
const BASE64 = fakeKey('live', 'gitlab-case-base64');
const LONG = fakeKey('test', 'gitlab-case-long-line');
const MANY = Array.from({ length: 300 }, (_v, i) => fakeKey('test', `gitlab-case-many-${i}`));
const ALL = [LIVE, DEAD, UNKNOWN, TEST_KEY, BASE64, LONG, ...MANY];
const ODD_PATH = 'src/ünïcödé dir/file with spaces ✓.env';

interface Vulnerability {
  id: string;
  name: string;
  description: string;
  severity: string;
  identifiers: { type: string; value: string }[];
  location: { file: string; start_line: number; end_line: number; commit: { sha: string } };
}
interface GitlabReport {
  version: string;
  scan: { status: string; start_time: string; end_time: string };
  vulnerabilities: Vulnerability[];
}

let temp: string;
let repo: string;
let clean: string;
let shippo: FakeShippo;
let env: NodeJS.ProcessEnv;
const kept: Record<string, string> = {};

beforeAll(async () => {
  temp = tempDir('gitlab-cases');
  repo = join(temp, 'project');
  clean = join(temp, 'clean');
  for (const d of [repo, clean]) sh('mkdir', ['-p', d]);
  makeRepo(repo, [
    { 'README.md': '# shop\n', 'config/live.env': `SHIPPO_API_KEY=${LIVE}\n` },
    { 'settings.py': `OLD = "${DEAD}"\nMAYBE = "${UNKNOWN}"\n`, [ODD_PATH]: `KEY=${TEST_KEY}\n` },
    {
      'k8s/secret.yaml': `data:\n  token: ${Buffer.from(BASE64).toString('base64')}\n`,
      'dist/bundle.min.js': `${'var a=1;'.repeat(12_500)}k="${LONG}";${'var b=2;'.repeat(12_500)}\n`,
      'fixtures/many.txt': MANY.map((k, i) => `key${i}=${k}\n`).join(''),
    },
  ]);
  makeRepo(clean, [{ 'README.md': '# nothing here\n' }]);
  shippo = await startFakeShippo({ keys: { [LIVE]: 'live', [BASE64]: 'live', [UNKNOWN]: { status: 503 } }, otherKeys: 'dead' });
  env = { XDG_CACHE_HOME: join(temp, 'cache') };
}, 60_000);

afterAll(async () => {
  await shippo?.close();
  const out = process.env['GITLAB_REPORTS_OUT'];
  if (out) {
    mkdirSync(resolve(out), { recursive: true });
    for (const [name, text] of Object.entries(kept)) writeFileSync(join(resolve(out), `${name}.json`), text);
  }
  removeDir(temp);
});

/** Run a command that writes a GitLab report; check it, keep it, and return it parsed. */
async function gitlabReport(name: string, args: string[], cwd: string, exitCode?: number): Promise<GitlabReport> {
  const r = await runCli([...args, '--format', 'gitlab'], { cwd, env });
  if (exitCode === undefined) expect(r.exitCode, r.stderr).toBeLessThan(2);
  else expect(r.exitCode, r.stderr).toBe(exitCode);
  for (const key of ALL) expect(r.stdout + r.stderr).not.toContain(key);
  const report = JSON.parse(r.stdout) as GitlabReport;
  expect(gitlabSchemaErrors(report), name).toEqual([]);
  // The schema allows any number; GitLab shows lines, so ours are whole and count from 1.
  for (const v of report.vulnerabilities) {
    expect(Number.isInteger(v.location.start_line) && v.location.start_line >= 1).toBe(true);
    expect(Number.isInteger(v.location.end_line) && v.location.end_line >= v.location.start_line).toBe(true);
  }
  kept[name] = r.stdout;
  return report;
}

const verify = () => ['--verify', '--api-base-url', shippo.url, '--verify-timeout', '20'];
const fingerprintOf = (v: Vulnerability) => v.identifiers.find((i) => i.type === 'shippo_keyguard_key_fingerprint')?.value;

describe('--format gitlab, case by case', () => {
  it('no findings: scan, history and merge each give an empty, valid report', async () => {
    const scan = await gitlabReport('scan-empty', ['scan', '.'], clean);
    const history = await gitlabReport('history-empty', ['history', '--repo', clean], temp);
    expect(scan.vulnerabilities).toEqual([]);
    expect(history.vulnerabilities).toEqual([]);
    expect(history.scan.status).toBe('success');
    const json = await runCli(['history', '--repo', clean, '--format', 'json', '-o', 'clean.json'], { cwd: temp, env });
    expect(json.exitCode).toBe(0);
    expect((await gitlabReport('merge-empty', ['merge', 'clean.json'], temp)).vulnerabilities).toEqual([]);
  });

  it('an incomplete scan (exit 2) tells GitLab the scan failed', async () => {
    const report = await gitlabReport('history-failure', ['history', '--repo', clean, '--max-file-size', '10', '--strict'], temp, 2);
    expect(report.scan.status).toBe('failure');
  });

  it('history with verification: live, dead and unknown keys, base64, test keys, odd paths, a very long line, hundreds of keys', async () => {
    const report = await gitlabReport('history-many', ['history', '--repo', repo, ...verify()], temp);
    expect(report.vulnerabilities).toHaveLength(306);
    const byFile = new Map<string, Vulnerability[]>();
    for (const v of report.vulnerabilities) byFile.set(v.location.file, [...(byFile.get(v.location.file) ?? []), v]);
    expect(byFile.get('config/live.env')!.map((v) => [v.severity, v.name])).toEqual([['Critical', 'Shippo live API key']]);
    expect(byFile.get('config/live.env')![0]!.description).toContain('Verification: live.');
    expect(byFile.get('settings.py')!.map((v) => [v.location.start_line, v.severity, v.description.match(/Verification: (\w+)\./)?.[1]])).toEqual([
      [1, 'Info', 'dead'],
      [2, 'Critical', 'unknown'],
    ]);
    expect(byFile.get(ODD_PATH)!.map((v) => [v.name, v.severity])).toEqual([['Shippo test API key', 'Info']]);
    expect(byFile.get('k8s/secret.yaml')!.map((v) => [v.location.start_line, v.severity])).toEqual([[2, 'Critical']]);
    expect(byFile.get('dist/bundle.min.js')!.map((v) => v.location.start_line)).toEqual([1]);
    expect(byFile.get('fixtures/many.txt')).toHaveLength(300);
    // One id per vulnerability, each a UUID-shaped string; each names its key by fingerprint only.
    expect(new Set(report.vulnerabilities.map((v) => v.id)).size).toBe(306);
    expect(report.vulnerabilities.every((v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v.id))).toBe(true);
    expect(report.vulnerabilities.every((v) => /^[0-9a-f]{64}$/.test(fingerprintOf(v) ?? ''))).toBe(true);
    expect(report.vulnerabilities.every((v) => /^[0-9a-f]{40}$/.test(v.location.commit.sha))).toBe(true);
  }, 120_000);

  it('scan of the work tree, with verification, the same places with file-scan commits', async () => {
    const report = await gitlabReport('scan-many', ['scan', '.', ...verify()], repo);
    expect(report.vulnerabilities).toHaveLength(306);
    expect(report.vulnerabilities.some((v) => v.location.file === ODD_PATH)).toBe(true);
    expect(report.vulnerabilities.every((v) => v.location.commit.sha === '0000000')).toBe(true);
  }, 120_000);

  it('merge of the history and work-tree reports and of an empty one', async () => {
    for (const [args, cwd, out] of [
      [['history', '--repo', repo, '--repo-name', 'acme/shop', ...verify()], temp, 'shop.json'],
      [['scan', '.'], repo, join(temp, 'tree.json')],
    ] as const) {
      const r = await runCli([...args, '--format', 'json', '-o', out], { cwd, env });
      expect(r.exitCode, r.stderr).toBe(1);
    }
    const report = await gitlabReport('merge-many', ['merge', 'shop.json', 'tree.json', 'clean.json'], temp);
    expect(report.vulnerabilities).toHaveLength(612);
    expect(new Set(report.vulnerabilities.map((v) => v.id)).size).toBe(612);
    expect(report.vulnerabilities.filter((v) => v.description.includes('Repository: acme/shop.'))).toHaveLength(306);
  }, 120_000);
});
