/**
 * The shared fixture set for inline allows: every case holds exactly one key, built at run time
 * (never committed), in a file whose extension picks the comment syntax. The CLI tests here and
 * the ESLint plugin's tests both run every case and must agree on the outcome:
 * - `allowed`: a shippo-keyguard marker allows it;
 * - `foreign`: a gitleaks or detect-secrets marker allows it, unless `--no-foreign-allow`
 *   (ESLint: the rule's `foreignAllow: false` option);
 * - `reported`: nothing allows it.
 * With `--no-inline-allow` every case is reported.
 */
export type AllowOutcome = 'allowed' | 'foreign' | 'reported';

export interface AllowCase {
  readonly name: string;
  /** The file to write the case to; its extension picks the comment syntax (and ESLint's parser or processor). */
  readonly filename: string;
  /** The file's text with `key` in it. */
  source(key: string): string;
  readonly expect: AllowOutcome;
}

/** Builds a case from a template where `@KEY@` stands for the key. */
function c(name: string, filename: string, template: string, expect: AllowOutcome): AllowCase {
  return { name, filename, expect, source: (key) => template.replace('@KEY@', key) };
}

export const allowCases: readonly AllowCase[] = [
  // Each comment syntax, same line and next line.
  c('// same line', 'slash.js', 'const key = "@KEY@"; // shippo-keyguard:allow\n', 'allowed'),
  c('// next line', 'slash-next.js', '// shippo-keyguard:allow-next-line\nconst key = "@KEY@";\n', 'allowed'),
  c('/* */ same line', 'block.js', 'const key = "@KEY@"; /* shippo-keyguard:allow */\n', 'allowed'),
  c('/* */ next line', 'block-next.js', '/* shippo-keyguard:allow-next-line */\nconst key = "@KEY@";\n', 'allowed'),
  c('# same line', 'hash.py', 'KEY_VALUE = "@KEY@"  # shippo-keyguard:allow\n', 'allowed'),
  c('# next line', 'hash-next.py', '# shippo-keyguard:allow-next-line\nKEY_VALUE = "@KEY@"\n', 'allowed'),
  c('# same line in YAML', 'hash.yaml', 'shippo:\n  token: @KEY@ # shippo-keyguard:allow\n', 'allowed'),
  c('# next line in .env', 'hash-next.env', '# shippo-keyguard:allow-next-line\nSHIPPO_TOKEN=@KEY@\n', 'allowed'),
  c('<!-- --> same line', 'html.html', '<meta name="token" content="@KEY@"> <!-- shippo-keyguard:allow -->\n', 'allowed'),
  c('<!-- --> next line', 'html-next.md', '<!-- shippo-keyguard:allow-next-line -->\nUse `@KEY@` in the sandbox.\n', 'allowed'),
  c('-- same line', 'dashes.sql', "INSERT INTO tokens VALUES ('@KEY@'); -- shippo-keyguard:allow\n", 'allowed'),
  c('-- next line', 'dashes-next.sql', "-- shippo-keyguard:allow-next-line\nINSERT INTO tokens VALUES ('@KEY@');\n", 'allowed'),
  c('next line with CRLF line ends', 'crlf.py', '# shippo-keyguard:allow-next-line\r\nKEY_VALUE = "@KEY@"\r\n', 'allowed'),
  c('marker after other words in the comment', 'words.js', 'const key = "@KEY@"; // sandbox key, shippo-keyguard:allow (rotated)\n', 'allowed'),

  // Markers of tools people migrate from.
  c('gitleaks:allow with #', 'gitleaks.env', 'SHIPPO_TOKEN=@KEY@ # gitleaks:allow\n', 'foreign'),
  c('gitleaks:allow with //', 'gitleaks.js', 'const key = "@KEY@"; // gitleaks:allow\n', 'foreign'),
  c('detect-secrets same line', 'pragma.py', 'KEY_VALUE = "@KEY@"  # pragma: allowlist secret\n', 'foreign'),
  c('detect-secrets next line', 'pragma-next.py', '# pragma: allowlist nextline secret\nKEY_VALUE = "@KEY@"\n', 'foreign'),

  // Markers that must allow nothing.
  c('no marker', 'plain.js', 'const key = "@KEY@";\n', 'reported'),
  c('allow-next-line two lines up', 'gap.js', '// shippo-keyguard:allow-next-line\n\nconst key = "@KEY@";\n', 'reported'),
  c('allow-next-line above an unrelated line', 'unrelated.js', '// shippo-keyguard:allow-next-line\nconst other = 1;\nconst key = "@KEY@";\n', 'reported'),
  c('same-line marker on the line before', 'before.py', '# shippo-keyguard:allow\nKEY_VALUE = "@KEY@"\n', 'reported'),
  c('marker on the line after', 'after.js', 'const key = "@KEY@";\n// shippo-keyguard:allow\n', 'reported'),
  c('allow-next-line on the same line', 'same-next.js', 'const key = "@KEY@"; // shippo-keyguard:allow-next-line\n', 'reported'),
  c('marker inside a string, not a comment', 'string.js', 'const key = "@KEY@ shippo-keyguard:allow";\n', 'reported'),
  c('a longer marker name', 'longer.js', 'const key = "@KEY@"; // shippo-keyguard:allowed\n', 'reported'),
  c('a marker for another tool', 'other-tool.js', 'const key = "@KEY@"; // trufflehog:ignore\n', 'reported'),
  c('marker at the end of an unrelated line', 'unrelated-end.py', 'OTHER = 1  # shippo-keyguard:allow\nKEY_VALUE = "@KEY@"\n', 'reported'),
];

/** Outcome with the CLI's switches (or the ESLint rule's options of the same meaning). */
export function expectedOutcome(expect: AllowOutcome, options: { inlineAllow?: boolean; foreignAllow?: boolean } = {}): 'allowed' | 'reported' {
  if (options.inlineAllow === false) return 'reported';
  if (expect === 'foreign') return options.foreignAllow === false ? 'reported' : 'allowed';
  return expect;
}
