/**
 * Checks a gitignore-style pattern. The `ignore` package accepts any string and silently never
 * matches a broken one, so a typo would quietly scan what the user meant to skip (or the other
 * way round); we name the problem instead. Returns undefined for a good pattern.
 */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'a pattern cannot be empty';
  if (pattern.includes('\0')) return 'a pattern cannot contain a NUL character';
  if (pattern.startsWith('#')) return 'a leading "#" makes the pattern a comment that matches nothing; write "\\#" for a literal #';
  if (/^[A-Za-z]:[\\/]/.test(pattern) || pattern.startsWith('\\\\')) {
    return 'expected a pattern relative to the configuration file, got an absolute Windows path';
  }
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body.split('/').includes('..')) return 'a pattern cannot reach outside the directory of the configuration file ("..")';
  if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) return 'a trailing "\\" escapes nothing';
  // Both silently match nothing: a Windows path's separators ("\." is left alone: it matches ".") and a leading "./".
  if (body.startsWith('./')) return `a leading "./" matches nothing in gitignore-style patterns; write "/${body.slice(2)}" for the one next to this file`;
  const escaped = /(?:^|[^\\])(?:\\\\)*\\([A-Za-z0-9])/.exec(pattern)?.[1];
  if (escaped !== undefined) {
    return `"\\" is an escape in gitignore-style patterns, not a separator ("\\${escaped}" matches "${escaped}"); write "/" between directories`;
  }
  // Character classes: every unescaped "[" needs a "]", and ranges must not run backwards.
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '[') continue;
    let j = i + 1;
    if (pattern[j] === '!' || pattern[j] === '^') j++;
    if (pattern[j] === ']') j++;
    const start = j;
    while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
    if (j >= pattern.length) return `unclosed "[" at position ${i + 1}`;
    const cls = pattern.slice(start, j);
    for (const m of cls.matchAll(/(.)-(.)/g)) {
      const [, from, to] = m as unknown as [string, string, string];
      if (from > to) return `reversed range "${from}-${to}" in "[...]"`;
    }
    i = j;
  }
  return undefined;
}
