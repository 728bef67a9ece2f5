import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { makeRepo, removeDir, sh, tempDir } from '../integrations/support/git.js';

/** scripts/check-gitlab-report.mjs, the maintainer's check of reports against a GitLab schema file. */
const SCRIPT = join(REPO_ROOT, 'scripts/check-gitlab-report.mjs');
const SCHEMA = join(REPO_ROOT, 'test/support/gitlab-secret-detection-schema.json');
let temp: string;

beforeAll(async () => {
  temp = tempDir('gitlab-check');
  const repo = join(temp, 'repo');
  sh('mkdir', ['-p', repo]);
  makeRepo(repo, [{ 'app.env': `KEY=${fakeKey('live', 'gitlab-check')}\n` }]);
  const r = await runCli(['history', '--repo', repo, '--format', 'gitlab', '-o', 'good.json'], { cwd: temp });
  expect(r.exitCode).toBe(1);
  const bad = JSON.parse(readFileSync(join(temp, 'good.json'), 'utf8')) as { scan: { end_time: string }; vulnerabilities: { location: Record<string, unknown> }[] };
  bad.scan.end_time = '2026-01-01T00:00:00Z';
  delete bad.vulnerabilities[0]!.location['commit'];
  writeFileSync(join(temp, 'bad.json'), JSON.stringify(bad));
});

afterAll(() => removeDir(temp));

const check = (...args: string[]) => sh('node', [SCRIPT, ...args], { cwd: temp });

describe('scripts/check-gitlab-report.mjs', () => {
  it('passes a report we write, and names each problem of a broken one (exit 1)', () => {
    const ok = check(SCHEMA, 'good.json');
    expect([ok.status, ok.stdout]).toEqual([0, 'good.json: ok (1 vulnerabilities)\n']);
    const bad = check(SCHEMA, 'good.json', 'bad.json');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('good.json: ok');
    expect(bad.stdout).toContain('bad.json: /scan/end_time must match pattern');
    expect(bad.stdout).toContain("bad.json: /vulnerabilities/0/location must have required property 'commit'");
  });

  it('bad input is one line and exit 2', () => {
    for (const r of [check(), check(SCHEMA), check(join(temp, 'missing.json'), 'good.json'), check(SCHEMA, 'missing.json')]) {
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^check-gitlab-report: /);
    }
  });
});
