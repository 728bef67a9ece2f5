import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '@shippo-keyguard/core';
import { fakeKey } from '../support/fake-keys.js';
import { git } from '../support/tree.js';
import { cli, tempRepo, type JsonReport } from './support.js';

const known = fakeKey('live', 'discovery-known');
const fresh = fakeKey('live', 'discovery-new');
const repos: { cleanup(): void }[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

const baseline = (name = '.shippo-keyguard-baseline.json') => ({
  name,
  text: JSON.stringify({
    version: 1,
    entries: [{ fingerprint: fingerprintOf(known), detector: 'shippo-live-key', redacted: 'x', firstSeen: { path: 'src/a.js' }, date: '2026-01-01' }],
  }),
});

function project(files: { name: string; text: string }[]) {
  const repo = tempRepo('discovery');
  repos.push(repo);
  repo.write('src/a.js', `const a = "${known}";\nconst b = "${fresh}";\n`);
  for (const f of files) repo.write(f.name, f.text);
  git(repo.dir, 'add', '-A');
  git(repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  return repo;
}

async function reported(cwd: string, argv: string[]): Promise<{ reported: string[]; baselined: string[] }> {
  const result = await cli(cwd, [...argv, '--format', 'json']);
  expect(result.exitCode, result.stderr).toBe(1);
  const report = JSON.parse(result.stdout) as JsonReport;
  return {
    reported: report.findings.map((f) => f.fingerprint),
    baselined: (report.suppressed ?? []).filter((f) => f.suppression?.by === 'baseline').map((f) => f.fingerprint),
  };
}

const onlyFresh = { reported: [fingerprintOf(fresh)], baselined: [fingerprintOf(known)] };
const both = { reported: [fingerprintOf(known), fingerprintOf(fresh)].sort(), baselined: [] };
const sorted = (r: { reported: string[]; baselined: string[] }) => ({ ...r, reported: [...r.reported].sort() });

describe('baseline: found the same way by every command', () => {
  for (const command of [['scan'], ['history'], ['staged'], ['pre-commit', 'src/a.js']]) {
    it(`${command[0]}: the repository root's .shippo-keyguard-baseline.json by default, also from a subdirectory`, async () => {
      const repo = project([baseline()]);
      if (command[0] === 'staged') {
        repo.write('src/a.js', `const a = "${known}";\nconst b = "${fresh}";\n// staged\n`);
        git(repo.dir, 'add', '-A');
      }
      expect(await reported(repo.dir, command)).toEqual(onlyFresh);
      if (command[0] !== 'pre-commit') expect(sorted(await reported(repo.dir, [...command, '--no-baseline']))).toEqual(both);
    });
  }

  it('scan from a subdirectory reads the root baseline', async () => {
    const repo = project([baseline()]);
    expect(await reported(`${repo.dir}/src`, ['scan'])).toEqual(onlyFresh);
  });

  it('config baseline: false reads none; baseline: "path" names another file, relative to the configuration', async () => {
    const off = project([baseline(), { name: '.shippo-keyguard.json', text: JSON.stringify({ baseline: false }) }]);
    expect(sorted(await reported(off.dir, ['scan']))).toEqual(both);
    const other = project([baseline('security/known-keys.json'), { name: '.shippo-keyguard.json', text: JSON.stringify({ baseline: 'security/known-keys.json' }) }]);
    expect(await reported(other.dir, ['scan'])).toEqual(onlyFresh);
    expect(await reported(other.dir, ['history'])).toEqual(onlyFresh);
    // The command line wins over the configuration.
    expect(sorted(await reported(other.dir, ['scan', '--no-baseline']))).toEqual(both);
  });

  it('a configured baseline that does not exist is exit 2, naming it', async () => {
    const repo = project([{ name: '.shippo-keyguard.json', text: JSON.stringify({ baseline: 'missing.json' }) }]);
    const result = await cli(repo.dir, ['scan']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('shippo-keyguard: missing.json: cannot read the baseline file (ENOENT)\n');
  });
});

describe('baseline: stale entries only from a scan of the whole repository', () => {
  it('a scan of a subdirectory calls no entry stale; a scan of the root does', async () => {
    const repo = project([baseline()]);
    repo.write('src/a.js', `const b = "${fresh}";\n`);
    repo.write('docs/readme.md', 'nothing\n');
    const sub = await cli(`${repo.dir}/docs`, ['scan', '--format', 'json']);
    expect(JSON.parse(sub.stdout).warnings).toEqual([]);
    const root = await cli(repo.dir, ['scan', '--format', 'json']);
    expect(JSON.parse(root.stdout).warnings.map((w: { code: string }) => w.code)).toEqual(['stale-baseline-entry']);
  });
});
