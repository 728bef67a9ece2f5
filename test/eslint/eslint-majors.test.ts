import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ESLint as ESLint9 } from 'eslint';
import { ESLint as ESLint10 } from 'eslint10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, reportedSpans, writeFixture, type Expected } from './fixture.js';

/** Real ESLint of each supported major, loading a real flat config file from a fixture project. */
const MAJORS = [
  ['ESLint 9', ESLint9],
  ['ESLint 10', ESLint10],
] as const;

let dir: string;
let expected: Expected[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skg-eslint-'));
  expected = writeFixture(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const [name, ESLint] of MAJORS) {
  describe(name, () => {
    let results: ESLint9.LintResult[];
    beforeAll(async () => {
      const eslint = new ESLint({ cwd: dir });
      results = (await eslint.lintFiles(['.'])) as ESLint9.LintResult[];
    });

    it(`is really ESLint ${name.split(' ')[1]}`, () => {
      expect(ESLint.version.split('.')[0]).toBe(name.split(' ')[1]);
    });

    it('lints JS, TS, TSX and every non-JS file type of all-files', () => {
      const linted = results.map((r) => relative(dir, r.filePath)).sort();
      expect(linted).toEqual(
        ['.env', '.envrc', 'Dockerfile', 'README.md', 'app.properties', 'config/bom.json', 'config/escaped.json', 'config/settings.json', 'deploy/Dockerfile-dev', 'deploy/api.Dockerfile', 'deploy/secret.yaml', 'deploy/wrapped-secret.yaml', 'docs/setup.md', 'eslint.config.mjs', 'pyproject.toml', 'src/app.tsx', 'src/bom.js', 'src/client.js', 'src/crlf.js', 'src/server.ts'].sort(),
      );
    });

    it('reports every key and unsafe read at the exact span, and nothing else', () => {
      const actual = reportedSpans(results, dir);
      expect(actual).toEqual(expected);
    });

    it('never puts a key in a message', () => {
      const messages = results.flatMap((r) => r.messages.map((m) => m.message));
      expect(messages.length).toBeGreaterThan(10);
      for (const key of Object.values(keys)) for (const message of messages) expect(message).not.toContain(key);
      expect(messages.join('\n')).not.toMatch(/shippo_(live|test)_[0-9a-f]{24,}/);
    });
  });
}
