import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const pluginTypes = join(here, '../../packages/eslint-plugin/dist/index.d.ts');

/** What a TypeScript user writes in `eslint.config.ts`: the configs as they are, and the plugin registered by hand. */
const USER_CONFIG = `import keyguard, { ALL_FILES_PATTERNS, PUBLIC_ENV_PREFIXES, type RuleName } from 'eslint-plugin-shippo-keyguard';
import type { ESLint, Linter } from 'eslint';
import { defineConfig } from 'eslint/config';

const rule: RuleName = 'no-public-env-key';
const asPlugin: ESLint.Plugin = keyguard;

export const flat: Linter.Config[] = [
  keyguard.configs.recommended,
  ...keyguard.configs['all-files'],
  {
    files: ['**/*.ts'],
    plugins: { 'shippo-keyguard': keyguard },
    rules: { [\`shippo-keyguard/\${rule}\`]: ['error', { prefixes: [...PUBLIC_ENV_PREFIXES, 'MY_'] }] },
  },
  { files: ALL_FILES_PATTERNS, plugins: { keyguard: asPlugin }, processor: 'keyguard/keys' },
];

export default defineConfig([
  { extends: [keyguard.configs.recommended] },
  { plugins: { 'shippo-keyguard': keyguard }, rules: { 'shippo-keyguard/no-hardcoded-key': ['error', { envVar: 'SHIPPO_KEY' }] } },
  keyguard.configs['all-files'],
]);
`;

/** The type declarations of each supported ESLint major, as a user's install would resolve `eslint`. */
const MAJORS = [
  ['ESLint 9', dirname(require.resolve('eslint/package.json'))],
  ['ESLint 10', dirname(require.resolve('eslint10/package.json'))],
] as const;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skg-types-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'eslint.config.ts'), USER_CONFIG);
  writeFileSync(join(dir, 'eslint.config.mts'), USER_CONFIG);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const [name, eslintDir] of MAJORS) {
  describe(name, () => {
    it('a user\'s eslint.config.ts and eslint.config.mts type-check with tsc --strict, library declarations included', () => {
      const program = ts.createProgram([join(dir, 'eslint.config.ts'), join(dir, 'eslint.config.mts')], {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: [],
        // Every `eslint` import, the plugin's own declarations included, gets this major's types.
        paths: {
          'eslint-plugin-shippo-keyguard': [pluginTypes],
          eslint: [join(eslintDir, 'lib/types/index.d.ts')],
          'eslint/config': [join(eslintDir, 'lib/types/config-api.d.ts')],
        },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
        return where + ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0];
      });
      expect(program.getSourceFiles().map((f) => f.fileName)).toContain(join(eslintDir, 'lib/types/index.d.ts'));
      expect(diagnostics).toEqual([]);
      // A whole type-check with library declarations: tens of seconds on a busy two-core machine.
    }, 180_000);
  });
}
