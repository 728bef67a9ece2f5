import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { gitlabSchemaErrors } from '../support/gitlab.js';
import { git, makeRepo, removeDir, sh, tempDir, writeFile } from '../integrations/support/git.js';

const OLD_KEY = fakeKey('live', 'gitlab-old');
const NEW_KEY = fakeKey('test', 'gitlab-new');
let temp: string;
let repo: string;
let base: string;
let head: string;

interface GitlabReport {
  version: string;
  scan: { type: string; status: string; analyzer: { id: string } };
  vulnerabilities: { id: string; severity: string; name: string; location: { file: string; start_line: number; commit: { sha: string } }; identifiers: { type: string; value: string }[] }[];
}

beforeAll(() => {
  temp = tempDir('gitlab');
  repo = join(temp, 'project');
  sh('mkdir', ['-p', repo]);
  [, base] = makeRepo(repo, [{ 'README.md': '# shop\n' }, { 'config/old.env': `SHIPPO_TOKEN=${OLD_KEY}\n` }]) as [string, string];
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFile(repo, 'src/settings.py', `KEY = "${NEW_KEY}"\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'settings');
  head = git(repo, 'rev-parse', 'HEAD');
});

afterAll(() => removeDir(temp));

function expectNoKey(text: string): void {
  expect(text).not.toContain(OLD_KEY);
  expect(text).not.toContain(NEW_KEY);
}

describe('--format gitlab', () => {
  it('history: a secret-detection report GitLab accepts, one vulnerability per key and place, no key in it', async () => {
    const r = await runCli(['history', '--repo', repo, '--format', 'gitlab'], { cwd: temp });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as GitlabReport;
    expect(gitlabSchemaErrors(report)).toEqual([]);
    expect(report.scan.type).toBe('secret_detection');
    expect(report.vulnerabilities.map((v) => [v.location.file, v.severity, v.location.commit.sha]).sort()).toEqual([
      ['config/old.env', 'Critical', base],
      ['src/settings.py', 'Medium', head],
    ]);
    expect(report.vulnerabilities.every((v) => v.identifiers.some((i) => i.type === 'shippo_keyguard_key_fingerprint' && /^[0-9a-f]{64}$/.test(i.value)))).toBe(true);
    expectNoKey(r.stdout);
    // Ids are stable, so GitLab tracks each vulnerability across pipelines.
    const again = JSON.parse((await runCli(['history', '--repo', repo, '--format', 'gitlab'], { cwd: temp })).stdout) as GitlabReport;
    expect(again.vulnerabilities.map((v) => v.id)).toEqual(report.vulnerabilities.map((v) => v.id));
  });

  it('scan: the work tree, and even with --no-redact the report holds no key', async () => {
    const r = await runCli(['scan', '.', '--format', 'gitlab', '--no-redact'], { cwd: repo });
    const report = JSON.parse(r.stdout) as GitlabReport;
    expect(gitlabSchemaErrors(report)).toEqual([]);
    expect(report.vulnerabilities.map((v) => v.location.file).sort()).toEqual(['config/old.env', 'src/settings.py']);
    expect(report.vulnerabilities.every((v) => v.location.commit.sha === '0000000')).toBe(true);
    expectNoKey(r.stdout);
    expect(r.stderr).toContain('--no-redact has no effect here: a GitLab report never holds a key');
  });

  it('merge: the reports of several repositories as one GitLab report', async () => {
    const a = await runCli(['history', '--repo', repo, '--repo-name', 'acme/shop', '--format', 'json', '-o', 'a.json'], { cwd: temp });
    const b = await runCli(['scan', '.', '--format', 'json', '-o', '../b.json'], { cwd: repo });
    expect([a.exitCode, b.exitCode]).toEqual([1, 1]);
    const r = await runCli(['merge', 'a.json', 'b.json', '--format', 'gitlab'], { cwd: temp });
    const report = JSON.parse(r.stdout) as GitlabReport;
    expect(gitlabSchemaErrors(report)).toEqual([]);
    expect(report.vulnerabilities).toHaveLength(4);
    expect(new Set(report.vulnerabilities.map((v) => v.id)).size).toBe(4);
  });

  it('the schema check itself rejects a report without the required parts', () => {
    expect(gitlabSchemaErrors({ version: '15.2.1', vulnerabilities: [{ id: 'x', identifiers: [], location: {} }] })).not.toEqual([]);
  });
});

describe('the GitLab CI template', () => {
  const file = join(REPO_ROOT, 'templates/gitlab/shippo-keyguard.gitlab-ci.yml');
  const doc = YAML.parse(readFileSync(file, 'utf8')) as {
    variables: Record<string, string>;
    'shippo-keyguard': { rules: { if: string }[]; script: string[]; variables: Record<string, string>; artifacts: { when: string; reports: { secret_detection: string } } };
  };
  const job = doc['shippo-keyguard'];

  it('runs on merge requests and the default branch, with full history, and hands GitLab the report', () => {
    expect(job.rules.map((r) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "merge_request_event"', '$CI_COMMIT_BRANCH && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH']);
    expect(job.variables['GIT_DEPTH']).toBe('0');
    expect(job.artifacts.reports.secret_detection).toBe('gl-secret-detection-report.json');
    expect(job.artifacts.when).toBe('always');
  });

  /** The job's script under sh, with the variables GitLab sets, in a clone of the project. */
  function runJob(vars: Record<string, string>): { status: number; report: GitlabReport; log: string } {
    const checkout = tempDir('gitlab-job');
    git(temp, 'clone', '-q', '--no-checkout', repo, checkout);
    git(checkout, 'checkout', '-q', '--detach', vars['CI_COMMIT_SHA']!);
    const r = sh('sh', ['-c', job.script.join('\n')], {
      cwd: checkout,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: checkout,
        ...doc.variables,
        ...job.variables,
        SHIPPO_KEYGUARD: `node ${BIN}`,
        CI: 'true',
        GITLAB_CI: 'true',
        ...vars,
      },
    });
    const text = readFileSync(join(checkout, 'gl-secret-detection-report.json'), 'utf8');
    expectNoKey(text + r.stdout + r.stderr);
    removeDir(checkout);
    return { status: r.status, report: JSON.parse(text) as GitlabReport, log: r.stdout + r.stderr };
  }

  it('a merge request pipeline reports what the merge request adds, and fails', () => {
    const { status, report, log } = runJob({ CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_DIFF_BASE_SHA: base, CI_COMMIT_SHA: head, CI_DEFAULT_BRANCH: 'main' });
    expect(status, log).toBe(1);
    expect(gitlabSchemaErrors(report)).toEqual([]);
    expect(report.vulnerabilities.map((v) => v.location.file)).toEqual(['src/settings.py']);
  });

  it('a default-branch pipeline reports the whole history; SHIPPO_KEYGUARD_FAIL_ON=live lets unverified keys pass', () => {
    const { status, report, log } = runJob({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main', CI_COMMIT_SHA: base, SHIPPO_KEYGUARD_FAIL_ON: 'live' });
    expect(status, log).toBe(0);
    expect(gitlabSchemaErrors(report)).toEqual([]);
    expect(report.vulnerabilities.map((v) => v.location.file).sort()).toEqual(['config/old.env', 'src/settings.py']);
  });
});
