import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint as ESLint9 } from 'eslint';
import { ESLint as ESLint10 } from 'eslint10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { spanOf } from './fixture.js';

/**
 * typescript-eslint's typed linting (`recommendedTypeChecked` with `projectService`) applies its
 * parser and rules to every file, the processor's virtual blocks included; the recipe in docs/eslint.md
 * (`disableTypeChecked` on those blocks) keeps the non-JS files linted for keys.
 */
const require = createRequire(import.meta.url);
const pluginEntry = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../packages/eslint-plugin/dist/index.js')).href;
const tseslintEntry = pathToFileURL(require.resolve('typescript-eslint')).href;

const CONFIG = `import keyguard from '${pluginEntry}';
import tseslint from '${tseslintEntry}';

export default [
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  keyguard.configs.recommended,
  ...keyguard.configs['all-files'],
  // From docs/eslint.md: the processor's blocks are not TypeScript files of the project.
  { files: ['**/*.shippo-keyguard-text'], ...tseslint.configs.disableTypeChecked },
];
`;

const tsKey = fakeKey('live', 'typed-ts');
const envKey = fakeKey('test', 'typed-env');
const files: Record<string, string> = {
  'src/client.ts': `export const key: string = '${tsKey}';\n`,
  '.env': `SHIPPO_API_KEY=${envKey}\n`,
  'config/app.json': `{ "key": "${envKey}" }\n`,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skg-typed-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ['src'] }));
  writeFileSync(join(dir, 'eslint.config.mjs'), CONFIG);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const [name, ESLint] of [
  ['ESLint 9', ESLint9],
  ['ESLint 10', ESLint10],
] as const) {
  describe(`${name} with typescript-eslint's typed linting`, () => {
    it('reports the keys of TS and non-JS files, with no parsing error', async () => {
      const results = (await new ESLint({ cwd: dir }).lintFiles(['src', '.env', 'config'])) as ESLint9.LintResult[];
      const actual = results
        .flatMap((r) => r.messages.map((m) => ({ path: relative(dir, r.filePath), ruleId: m.ruleId ?? `fatal: ${m.fatal === true}`, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn })))
        .sort((a, b) => (a.path < b.path ? -1 : 1));
      const at = (path: string, key: string) => ({ path, ruleId: 'shippo-keyguard/no-hardcoded-key', ...spanOf(files[path] as string, key) });
      expect(actual).toEqual([at('.env', envKey), at('config/app.json', envKey), at('src/client.ts', tsKey)]);
    });
  });
}
