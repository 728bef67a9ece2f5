import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error ESLint 8 ships no types of its own
import { ESLint as ESLint8 } from 'eslint8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, reportedSpans, writeFixture, type Expected } from './fixture.js';

/**
 * Real ESLint 8.57 with `.eslintrc.json` (no flat config): the plugin is found by ESLint 8's own
 * loader (a require() from the test package, where the workspace links it) and the legacy configs
 * report exactly what ESLint 9 and 10 report with the flat ones.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface LintResult8 {
  filePath: string;
  messages: { ruleId: string | null; message: string; messageId?: string; line: number; column: number; endLine?: number; endColumn?: number }[];
}

let dir: string;
let expected: Expected[];
let results: LintResult8[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skg-eslint8-'));
  expected = writeFixture(dir, false);
  const rc = {
    root: true,
    parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    extends: ['plugin:shippo-keyguard/legacy-recommended', 'plugin:shippo-keyguard/legacy-all-files'],
    // ESLint 8 skips dotfiles unless told otherwise; .env files are where keys live.
    ignorePatterns: ['!.env*'],
    overrides: [{ files: ['*.ts', '*.tsx'], parser: require.resolve('@typescript-eslint/parser'), parserOptions: { ecmaFeatures: { jsx: true } } }],
  };
  writeFileSync(join(dir, '.eslintrc.json'), JSON.stringify(rc, null, 2));
  // No `extensions`: ESLint 8 then lints *.js and every file an `overrides` entry names (*.ts,
  // *.tsx above; .env, JSON, YAML, ... from legacy-all-files), as `eslint .` does.
  const eslint = new ESLint8({ cwd: dir, useEslintrc: true, resolvePluginsRelativeTo: join(HERE, '..') });
  results = (await eslint.lintFiles(['.'])) as LintResult8[];
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ESLint 8.57 with .eslintrc', () => {
  it('is really ESLint 8.57', () => {
    expect(ESLint8.version).toBe('8.57.1');
  });

  it('reports every key and unsafe read at the exact span, as ESLint 9 and 10 do', () => {
    const actual = reportedSpans(results.filter((r) => !r.filePath.endsWith('.eslintrc.json')), dir);
    expect(actual).toEqual(expected);
  });

  it('never puts a key in a message', () => {
    const messages = results.flatMap((r) => r.messages.map((m) => m.message));
    expect(messages.length).toBeGreaterThan(10);
    for (const key of Object.values(keys)) for (const message of messages) expect(message).not.toContain(key);
  });
});
