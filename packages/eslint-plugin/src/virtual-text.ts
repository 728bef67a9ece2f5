import type { TSESLint } from '@typescript-eslint/utils';

/**
 * Non-JS files (`.env`, JSON, YAML, ...) reach the rules as one virtual JS program: the whole
 * file inside a single block comment, so it always parses and every character keeps its line and
 * column (only line 1 is shifted by the 2-character opener, which the processor maps back).
 */
export const VIRTUAL_EXTENSION = '.shippo-keyguard-text';
export const COMMENT_OPEN = '/*';
export const COMMENT_CLOSE = '*/';

/** The text the rules should search, and where it starts in `sourceCode.text`. */
export interface ScanText {
  readonly text: string;
  readonly base: number;
  /** True for a processor block (a non-JS file), false for real JS/TS source. */
  readonly virtual: boolean;
}

export function isVirtualFilename(filename: string): boolean {
  return filename.endsWith(VIRTUAL_EXTENSION);
}

export function scanTextOf(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): ScanText {
  const full = context.sourceCode.text;
  if (
    isVirtualFilename(context.filename) &&
    full.startsWith(COMMENT_OPEN) &&
    full.endsWith(COMMENT_CLOSE) &&
    full.length >= COMMENT_OPEN.length + COMMENT_CLOSE.length
  ) {
    return { text: full.slice(COMMENT_OPEN.length, full.length - COMMENT_CLOSE.length), base: COMMENT_OPEN.length, virtual: true };
  }
  return { text: full, base: 0, virtual: false };
}
