import { afterAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { git } from '../support/tree.js';
import { cli, tempRepo, type JsonReport } from './support.js';

const repos: { cleanup(): void }[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

/**
 * An ignored directory holding a file over the size limit with a key in it, next to a small file
 * with a key: the ignored file must be skipped while listing, so it is neither read, nor counted,
 * nor reported `too-large`.
 */
function project() {
  const repo = tempRepo('ignore-listing');
  repos.push(repo);
  repo.write('.shippo-keyguard.json', JSON.stringify({ ignore: ['vendor/'] }));
  repo.write('vendor/big.bin', `${fakeKey('live', 'ignored-big')}\n${'x'.repeat(8192)}\n`);
  repo.write('src/app.js', `const token = "${fakeKey('live', 'ignore-listing-kept')}";\n`);
  git(repo.dir, 'add', '-A');
  git(repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  return repo;
}

async function report(cwd: string, argv: string[]): Promise<JsonReport & { summary: { scanned: number; skipped: number } }> {
  const result = await cli(cwd, [...argv, '--max-file-size', '4KiB', '--format', 'json']);
  expect(result.exitCode, result.stderr).toBe(1);
  return JSON.parse(result.stdout);
}

describe('ignore applies while listing, before anything is read', () => {
  const cases: [string, string[]][] = [
    ['scan', ['scan']],
    ['scan of the ignored file by name', ['scan', 'src/app.js', 'vendor/big.bin']],
    ['staged', ['staged']],
    ['history', ['history']],
    ['history of a range', ['history', '--branch', 'HEAD']],
  ];
  for (const [name, argv] of cases) {
    it(`${name}: no too-large warning, not counted, only the kept key`, async () => {
      const repo = project();
      if (name === 'staged') {
        repo.write('vendor/big.bin', `${fakeKey('live', 'ignored-big-2')}\n${'y'.repeat(8192)}\n`);
        repo.write('src/app.js', `const token = "${fakeKey('live', 'ignore-listing-kept-2')}";\n`);
        git(repo.dir, 'add', '-A');
      }
      const r = await report(repo.dir, argv);
      expect(r.warnings).toEqual([]);
      expect(r.summary.skipped).toBe(0);
      expect(r.findings.map((f) => f.path)).toEqual(['src/app.js']);
      if (name.startsWith('scan')) expect(r.summary.scanned).toBe(name === 'scan' ? 2 : 1); // .shippo-keyguard.json and src/app.js
    });
  }
});
