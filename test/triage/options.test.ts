import { afterAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { git } from '../support/tree.js';
import { cli, tempRepo } from './support.js';

const repos: { cleanup(): void }[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

/** A repository whose configuration says `failOn: any`, with an unverified live key staged. */
function staged(withBaseline: boolean) {
  const repo = tempRepo('options');
  repos.push(repo);
  repo.write('.shippo-keyguard.json', JSON.stringify({ failOn: 'any' }));
  repo.write('src/app.js', `const token = "${fakeKey('live', 'options-live')}";\n`);
  if (withBaseline) repo.write('.shippo-keyguard-baseline.json', JSON.stringify({ version: 1, entries: [] }));
  git(repo.dir, 'add', '-A');
  return repo;
}

describe('options: the command line wins over the configuration, once, for every command', () => {
  for (const withBaseline of [false, true]) {
    it(`pre-commit --fail-on live passes an unverified key ${withBaseline ? 'with' : 'without'} a baseline at the root`, async () => {
      const repo = staged(withBaseline);
      const result = await cli(repo.dir, ['pre-commit', '--fail-on', 'live']);
      expect(result.stderr).not.toContain('blocked');
      expect(result.exitCode).toBe(0);
      // The configuration still fills what the command line left alone.
      expect((await cli(repo.dir, ['pre-commit'])).exitCode).toBe(1);
    });
  }

  it('pre-commit with files (the framework) and staged agree', async () => {
    const repo = staged(true);
    expect((await cli(repo.dir, ['pre-commit', '--fail-on', 'live', 'src/app.js'])).exitCode).toBe(0);
    expect((await cli(repo.dir, ['staged', '--fail-on', 'live'])).exitCode).toBe(0);
  });
});
