import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies inside the engine point one way: sources (`files/`, `git/`) and the baseline
 * depend on small shared modules (`warnings.ts`, `stats.ts`, `limits.ts`, `printable.ts`,
 * `git/result.ts`, `config/settings-file.ts`), never on the report writers, the configuration
 * loader, or each other. The detector catalogue (`rules/`) imports nothing of ours.
 */

const coreSrc = dirname(fileURLToPath(import.meta.url));
const rulesSrc = join(coreSrc, '../../../rules/src');

/** Every module (tests left out) under `dir`, as paths relative to it with `/`. */
function modules(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => p.split('\\').join('/'))
    .filter((p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts'))
    .sort();
}

/** What a module imports (static, `export … from`, dynamic), as TypeScript reads it. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** A relative import as a module path under the same root, without `.js`; other specifiers as they are. */
function target(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '');
}

const edges = modules(coreSrc).flatMap((from) => importsOf(join(coreSrc, from)).map((spec) => ({ from: from.replace(/\.ts$/, ''), to: target(from, spec) })));

const FORBIDDEN: readonly { readonly rule: string; readonly from: RegExp; readonly to: RegExp }[] = [
  { rule: 'files -> report', from: /^files\//, to: /^report\// },
  { rule: 'baseline -> config/load', from: /^baseline\//, to: /^config\/load$/ },
  { rule: 'git/staged -> git/history', from: /^git\/staged$/, to: /^git\/history$/ },
  { rule: 'git -> files', from: /^git\//, to: /^files\// },
  // The pipeline composes the readers; a reader importing it would make a cycle of the layers.
  { rule: 'readers -> pipeline', from: /^(files|git|archive)\//, to: /^pipeline\// },
];

describe('layering of the engine', () => {
  it('reads the imports of every module', () => {
    // The reader sees what is there: a known edge of each kind, so an empty list cannot pass.
    expect(edges).toContainEqual({ from: 'git/history', to: 'git/repo' });
    expect(edges).toContainEqual({ from: 'git/staged', to: 'git/result' });
    expect(edges).toContainEqual({ from: 'files/index', to: 'limits' });
    expect(edges).toContainEqual({ from: 'baseline/file', to: 'config/settings-file' });
    expect(edges).toContainEqual({ from: 'index', to: '@shippo-keyguard/rules' });
    expect(edges).toContainEqual({ from: 'pipeline/source-history', to: 'git/history' });
  });

  for (const { rule, from, to } of FORBIDDEN) {
    it(`has no import ${rule}`, () => {
      expect(edges.filter((e) => from.test(e.from) && to.test(e.to))).toEqual([]);
    });
  }

  it('keeps the detector catalogue free of imports of ours', () => {
    const files = modules(rulesSrc);
    expect(files).toContain('index.ts');
    const outside = files.flatMap((file) =>
      importsOf(join(rulesSrc, file))
        .filter((spec) => (spec.startsWith('.') ? relative(rulesSrc, join(rulesSrc, dirname(file), spec)).startsWith('..') : !spec.startsWith('node:')))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(outside).toEqual([]);
  });
});
