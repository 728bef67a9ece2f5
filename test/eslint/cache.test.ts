import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fingerprintOf } from '@shippo-keyguard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { CONFIG_FILE } from './fixture.js';

/**
 * `eslint --cache`, as docs/eslint.md describes it: a file's cached messages are
 * reused until the file or the ESLint configuration changes, so a key is never dropped by a cache
 * hit, but a change to `.shippo-keyguard.json` or to the verification cache is seen only once the
 * cache file is deleted. Real `eslint` processes: the plugin reads its configuration once per process.
 */
const require = createRequire(import.meta.url);
const BINS = [
  ['ESLint 9', join(dirname(require.resolve('eslint/package.json')), 'bin/eslint.js')],
  ['ESLint 10', join(dirname(require.resolve('eslint10/package.json')), 'bin/eslint.js')],
] as const;

const key = fakeKey('live', 'eslint-cache');
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'skg-eslint-cache-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  readonly messages: string[];
}

for (const [name, bin] of BINS) {
  describe(`${name} --cache`, () => {
    let dir: string;
    let cacheHome: string;
    const entryDir = () => join(cacheHome, 'shippo-keyguard', 'verify', 'v1');
    const verdict = (status: 'live' | 'dead') =>
      writeFileSync(join(entryDir(), `${fingerprintOf(key)}.json`), JSON.stringify({ status, checkedAt: '2026-01-01T00:00:00Z', expiresAt: '2999-01-01T00:00:00Z' }));
    const lint = (): Run => {
      let stdout: string;
      try {
        stdout = execFileSync(process.execPath, [bin, '--cache', '--format', 'json', 'src'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, XDG_CACHE_HOME: cacheHome },
        });
      } catch (error) {
        // Exit code 1 is "problems found"; the output is not shown on failure (ESLint's JSON holds the source).
        const failed = error as { status: number; stdout: string };
        expect(failed.status).toBe(1);
        stdout = failed.stdout;
      }
      const results = JSON.parse(stdout) as { messages: { ruleId: string | null; message: string }[] }[];
      return { messages: results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)) };
    };

    beforeAll(() => {
      dir = join(root, name.replace(' ', ''));
      cacheHome = join(dir, 'xdg');
      mkdirSync(join(dir, 'src'), { recursive: true });
      mkdirSync(entryDir(), { recursive: true });
      execFileSync('git', ['init', '-q'], { cwd: dir });
      writeFileSync(join(dir, 'eslint.config.mjs'), CONFIG_FILE);
      writeFileSync(join(dir, 'src/client.js'), `const k = '${key}';\n`);
    });

    it('a cache hit reports the key again, with the verdict of the first run', () => {
      verdict('live');
      const first = lint();
      expect(first.messages).toHaveLength(1);
      expect(first.messages[0]).toMatch(/^shippo-keyguard\/no-hardcoded-key: .*\(verified live\)/);
      verdict('dead');
      expect(lint().messages).toEqual(first.messages);
      rmSync(join(dir, '.eslintcache'));
      expect(lint().messages[0]).toContain('(verified dead)');
    });

    it('an unchanged file keeps its cached result after .shippo-keyguard.json changes, until the cache is deleted', () => {
      writeFileSync(join(dir, '.shippo-keyguard.json'), JSON.stringify({ ignore: ['src/client.js'] }));
      rmSync(join(dir, '.eslintcache'));
      expect(lint().messages).toEqual([]);
      writeFileSync(join(dir, '.shippo-keyguard.json'), '{}\n');
      expect(lint().messages).toEqual([]);
      rmSync(join(dir, '.eslintcache'));
      expect(lint().messages).toHaveLength(1);
    });
  });
}
