import type { Linter } from 'eslint';
import { COMMENT_CLOSE, COMMENT_OPEN, VIRTUAL_EXTENSION } from './virtual-text.js';

const PLUGIN_PREFIX = 'shippo-keyguard/';

/**
 * Turns any text file into one JS program that every parser accepts and that keeps every
 * character where it was: the whole text inside a single block comment. A byte order mark at the
 * start is dropped (it takes no column, in editors, in ESLint's own JS handling and in the CLI);
 * the other two edits are length-preserving: a star-slash would close the comment early, so its
 * `*` becomes a space (a key never holds `*`); U+2028/U+2029 are line breaks to ESLint but not to
 * the CLI, so they become spaces.
 */
export function toVirtualText(text: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return COMMENT_OPEN + body.replace(/\*\//g, ' /').replace(/[\u2028\u2029]/g, ' ') + COMMENT_CLOSE;
}

/** Undo the opener's shift: only line 1 has it. */
function mapBack(message: Linter.LintMessage): Linter.LintMessage {
  const shift = COMMENT_OPEN.length;
  const mapped: Linter.LintMessage = { ...message };
  if (mapped.line === 1) mapped.column = Math.max(1, mapped.column - shift);
  if (mapped.endLine === 1 && mapped.endColumn !== undefined) mapped.endColumn = Math.max(1, mapped.endColumn - shift);
  delete mapped.fix;
  delete mapped.suggestions;
  return mapped;
}

/**
 * The processor for non-JS files (`.env`, JSON, YAML, TOML, Markdown, Dockerfile, `.properties`).
 * Keeps only this plugin's messages and parse failures: other rules that match the virtual block
 * (say a config without `files`) have nothing to say about a comment.
 */
export const keysProcessor = {
  meta: { name: 'shippo-keyguard/keys', version: '1' },
  preprocess(text: string): Array<{ text: string; filename: string }> {
    return [{ text: toVirtualText(text), filename: `file${VIRTUAL_EXTENSION}` }];
  },
  postprocess(messages: Linter.LintMessage[][]): Linter.LintMessage[] {
    return messages.flat().filter((m) => m.fatal === true || (m.ruleId ?? '').startsWith(PLUGIN_PREFIX)).map(mapBack);
  },
  supportsAutofix: false,
} satisfies Linter.Processor;
