import { readFileSync } from 'node:fs';
import { findKeys } from '../detect.js';
import { redact } from '../secret.js';
import type { ConfigProblem } from './validation.js';

/*
 * Reading a settings file and saying what is wrong with it, shared by the configuration
 * (`load.ts`) and the baseline: neither loader depends on the other.
 */

/** A configuration that cannot be used. One problem per line: `file: field.path: what was expected`. */
export class ConfigError extends Error {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];
  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }

  /** The problems as lines, naming the file as `display` says (e.g. relative to the working directory). */
  lines(display: (file: string) => string = (f) => f): string[] {
    return this.problems.map((p) => formatProblem(display(this.file), p));
  }
}

function formatProblem(file: string, p: ConfigProblem): string {
  // Parsers quote the source, validators the value, and a field path may be a key pasted as a
  // field name: a key in the file must not reach the terminal.
  return redactKeys(p.path === '' ? `${file}: ${p.message}` : `${file}: ${p.path}: ${p.message}`);
}

/** Text with every key in it replaced by its redacted preview. */
export function redactKeys(text: string): string {
  let out = text;
  let limit = Infinity;
  for (const { match } of findKeys(text).reverse()) {
    if (match.end > limit) continue; // overlaps a match already replaced
    out = `${out.slice(0, match.start)}${redact(match.key)}${out.slice(match.end)}`;
    limit = match.start;
  }
  return out;
}

/**
 * What `JSON.parse` says is wrong, on one line and without the source: V8 quotes the text
 * around the error (`Unexpected token 's', ..."ignore":\nshippo_liv"... is not valid JSON`),
 * line breaks and a piece of whatever stands there included.
 */
export function jsonSyntaxMessage(error: unknown): string {
  const message = (error as Error).message.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
  return message.split('\n')[0] ?? '';
}

/** A file's text, or a `ConfigError` that names it and says why it could not be read. */
export function readTextOrThrow(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '', message: `cannot read the ${what}${code ? ` (${code})` : ''}` }]);
  }
}
