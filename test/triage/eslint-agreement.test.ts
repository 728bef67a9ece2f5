import { ESLint as ESLint9 } from 'eslint';
import { ESLint as ESLint10 } from 'eslint10';
import keyguard from 'eslint-plugin-shippo-keyguard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { allowCases, expectedOutcome } from './allow-cases.js';
import { scanJson, tempRepo } from './support.js';

/**
 * The shared fixture set through real ESLint (9 and 10) with the plugin, against the CLI on the
 * same files: a line allowed for the CLI is allowed in the editor, and the other way round.
 */
const keyFor = (i: number) => fakeKey(i % 2 === 0 ? 'live' : 'test', `eslint-agree-${i}`);
const repo = tempRepo('eslint-agree');
const pathOf = (i: number) => `cases/${String(i).padStart(2, '0')}/${allowCases[i]?.filename}`;
const cliOutcome = new Map<string, string>();

const config = [
  keyguard.configs.recommended,
  ...keyguard.configs['all-files'],
  // The fixture's other languages, through the plugin's processor like any non-JS file.
  { files: ['**/*.py', '**/*.sql', '**/*.html'], plugins: { 'shippo-keyguard': keyguard }, processor: 'shippo-keyguard/keys' },
];

beforeAll(async () => {
  allowCases.forEach((c, i) => repo.write(pathOf(i), c.source(keyFor(i))));
  const { report } = await scanJson(repo.dir, ['cases']);
  for (const f of report.findings) cliOutcome.set(f.path, 'reported');
  for (const f of report.suppressed ?? []) cliOutcome.set(f.path, 'allowed');
});
afterAll(() => repo.cleanup());

for (const [name, ESLint] of [
  ['ESLint 9', ESLint9],
  ['ESLint 10', ESLint10],
] as const) {
  describe(`${name} agrees with the CLI on every shared case`, () => {
    // A control per file type: with the marker gone, ESLint reports the key (so it lints the file at all).
    for (const ext of [...new Set(allowCases.map((c) => c.filename.slice(c.filename.lastIndexOf('.'))))]) {
      it(`lints ${ext} files`, async () => {
        const eslint = new ESLint({ cwd: repo.dir, overrideConfigFile: true, overrideConfig: config as never });
        const [result] = await eslint.lintText(`x = "${keyFor(99)}"\n`, { filePath: `${repo.dir}/control/file${ext}` });
        expect(result?.messages.map((m) => m.ruleId)).toEqual(['shippo-keyguard/no-hardcoded-key']);
      });
    }
    allowCases.forEach((c, i) => {
      it(`${c.name} (${c.filename}) is ${expectedOutcome(c.expect)}`, async () => {
        const eslint = new ESLint({ cwd: repo.dir, overrideConfigFile: true, overrideConfig: config as never });
        const [result] = await eslint.lintText(c.source(keyFor(i)), { filePath: `${repo.dir}/${pathOf(i)}` });
        const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'shippo-keyguard/no-hardcoded-key' || m.fatal);
        expect(messages.filter((m) => m.fatal)).toEqual([]);
        expect(result?.messages.filter((m) => /ignored/i.test(m.message))).toEqual([]);
        const fromEslint = messages.length === 0 ? 'allowed' : 'reported';
        expect(messages.length).toBeLessThanOrEqual(1);
        expect(fromEslint).toBe(cliOutcome.get(pathOf(i)));
        expect(fromEslint).toBe(expectedOutcome(c.expect));
      });
    });
  });
}
