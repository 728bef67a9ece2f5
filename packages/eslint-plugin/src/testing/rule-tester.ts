import tsParser from '@typescript-eslint/parser';
import { RuleTester as RuleTester9 } from 'eslint';
import { RuleTester as RuleTester10 } from 'eslint10';
import { describe, it } from 'vitest';

export { fakeHex, fakeKey, keyPrefix } from '../../../../test/support/fake-keys.js';

/** ESLint's own RuleTester of both supported majors, reporting through vitest. */
const TESTERS = [
  ['eslint 9', RuleTester9],
  ['eslint 10', RuleTester10],
] as const;
for (const [, Tester] of TESTERS) {
  Tester.describe = describe;
  Tester.it = it;
  Tester.itOnly = it.only;
}

type Cases = { valid: unknown[]; invalid: unknown[] };

export const jsx = { languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } };
export const ts = { filename: 'file.ts', languageOptions: { parser: tsParser } };
export const tsx = { filename: 'file.tsx', languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } };

/**
 * Runs the cases under ESLint 9 and 10, once with the default parser (espree) and once with
 * typescript-eslint's parser for cases marked `ts`/`tsx` (spread those presets into a case).
 */
export function runRuleTests(name: string, rule: unknown, cases: Cases): void {
  for (const [major, Tester] of TESTERS) {
    describe(major, () => {
      new Tester().run(name, rule as never, cases as never);
    });
  }
}

/** 1-based line/column of `needle` in `code` (UTF-16 columns, LF/CRLF/CR lines), and its end. */
export function spanOf(code: string, needle: string, from = 0) {
  const start = code.indexOf(needle, from);
  if (start === -1) throw new Error('needle not in code');
  const pos = (offset: number) => {
    const lines = code.slice(0, offset).split(/\r\n|\r|\n/);
    return { line: lines.length, column: (lines.at(-1) as string).length + 1 };
  };
  const s = pos(start);
  const e = pos(start + needle.length);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}
