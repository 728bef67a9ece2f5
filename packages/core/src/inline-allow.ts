/**
 * Inline allow comments. A finding is allowed by a marker inside a comment on its own line
 * (`shippo-keyguard:allow`) or on the line before (`shippo-keyguard:allow-next-line`).
 * Foreign markers from tools people migrate from are honoured unless turned off:
 * `gitleaks:allow` (same line) and detect-secrets' `pragma: allowlist secret` (same line) and
 * `pragma: allowlist nextline secret` (line before).
 */
export interface InlineAllowOptions {
  /** Honour gitleaks and detect-secrets markers (default true; `--no-foreign-allow`). */
  readonly foreign?: boolean;
}

const SAME_LINE = [/shippo-keyguard:allow(?![-\w])/];
const NEXT_LINE = [/shippo-keyguard:allow-next-line(?![-\w])/];
const FOREIGN_SAME_LINE = [/gitleaks:allow(?![-\w])/, /pragma:\s*allowlist[ -]secret/];
const FOREIGN_NEXT_LINE = [/pragma:\s*allowlist[ -]nextline[ -]secret/];

/** Comment openers of the languages keys live in: C-like, shell/YAML/TOML/Python, HTML/Markdown, SQL/Lua, INI. */
const COMMENT_OPENER = /(\/\/|\/\*|#|<!--|--|;|^\s*\*|%|\bREM\b)/;

function markerInComment(line: string, patterns: readonly RegExp[]): boolean {
  for (const pattern of patterns) {
    const m = pattern.exec(line);
    if (m && COMMENT_OPENER.test(line.slice(0, m.index))) return true;
  }
  return false;
}

function lineBounds(content: Buffer | string, offset: number): [number, number] {
  const before = Math.max(content.lastIndexOf('\n', offset - 1), content.lastIndexOf('\r', offset - 1));
  const start = before + 1;
  let end = content.indexOf('\n', offset);
  if (end === -1) end = content.length;
  const cr = content.indexOf('\r', offset);
  if (cr !== -1 && cr < end) end = cr;
  return [start, end];
}

function lineText(content: Buffer | string, start: number, end: number): string {
  // Markers are ASCII, so a latin1 view of a byte line is enough; without NULs, UTF-16 text reads as ASCII.
  return (typeof content === 'string' ? content.slice(start, end) : content.toString('latin1', start, end)).replace(/\0/g, '');
}

/** Cap on how much of a line is searched for a marker: minified lines can be megabytes. */
const MAX_LINE = 64 * 1024;

/** Which kind of inline marker allows the finding at `offset`, if any: ours first, then foreign ones. */
export function inlineAllowMarker(content: Buffer | string, offset: number): 'native' | 'foreign' | undefined {
  const [start, end] = lineBounds(content, offset);
  const same = lineText(content, Math.max(start, offset - MAX_LINE), Math.min(end, offset + MAX_LINE));
  let previous = '';
  if (start > 0) {
    // The previous line ends at start-1 (LF or CR), start-2 (CRLF) or start-3 (CRLF in UTF-16: CR, NUL, LF).
    let prevEnd = start - 1;
    if (prevEnd > 0 && lineText(content, prevEnd - 1, prevEnd + 1) === '\r\n') prevEnd--;
    else if (prevEnd > 1 && lineText(content, prevEnd - 2, prevEnd + 1) === '\r\n') prevEnd -= 2;
    const [prevStart] = lineBounds(content, prevEnd);
    previous = lineText(content, Math.max(prevStart, prevEnd - MAX_LINE), prevEnd);
  }
  if (markerInComment(same, SAME_LINE) || markerInComment(previous, NEXT_LINE)) return 'native';
  if (markerInComment(same, FOREIGN_SAME_LINE) || markerInComment(previous, FOREIGN_NEXT_LINE)) return 'foreign';
  return undefined;
}

/** True when the finding at `offset` is allowed by an inline comment. */
export function isAllowedInline(content: Buffer | string, offset: number, options: InlineAllowOptions = {}): boolean {
  const marker = inlineAllowMarker(content, offset);
  return marker === 'native' || (marker === 'foreign' && (options.foreign ?? true));
}
