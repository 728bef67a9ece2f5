/** A 1-based line and a 1-based column in UTF-16 code units. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Turns offsets into lines and columns. Line breaks are LF, CRLF and a lone CR, as ESLint and
 * SARIF count them. For a Buffer, offsets are bytes and columns are UTF-16 code units of the
 * UTF-8 text, so columns after multi-byte characters agree with editors. A byte order mark at
 * the start takes no column, as in editors and ESLint (which strips it). Built lazily: a file
 * without findings never pays for it.
 */
export class LineIndex {
  readonly #content: Buffer | string;
  #lineStarts: number[] | undefined;
  /** The last Buffer position asked for: findings come in order, so the next one on the same line decodes only the bytes between. */
  #last = { line: 0, offset: 0, column: 0 };

  constructor(content: Buffer | string) {
    this.#content = content;
  }

  position(offset: number): Position {
    const starts = (this.#lineStarts ??= computeLineStarts(this.#content));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    const lineStart = starts[low] as number;
    let column: number;
    if (typeof this.#content === 'string') {
      column = offset - lineStart;
    } else {
      // Many keys on one minified line of megabytes: without this, each would decode the line from its start.
      const last = this.#last;
      const from = last.line === low + 1 && last.offset <= offset ? last : { offset: lineStart, column: 0 };
      column = from.column + this.#content.toString('utf8', from.offset, offset).length;
      this.#last = { line: low + 1, offset, column };
    }
    return { line: low + 1, column: column + 1 - (low === 0 && offset > 0 && startsWithBom(this.#content) ? 1 : 0) };
  }
}

/** U+FEFF at the start: the bytes EF BB BF, or the one UTF-16 unit. */
function startsWithBom(content: Buffer | string): boolean {
  return typeof content === 'string' ? content.charCodeAt(0) === 0xfeff : content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf;
}

function computeLineStarts(content: Buffer | string): number[] {
  const starts = [0];
  const length = content.length;
  // Next LF and next CR at or after a position; each is searched again only once passed,
  // so a file without CR costs one failed search, not one per line.
  let lf = content.indexOf('\n');
  let cr = content.indexOf('\r');
  while (lf !== -1 || cr !== -1) {
    let next: number;
    if (cr !== -1 && (lf === -1 || cr < lf)) next = cr + 1 === lf ? lf + 1 : cr + 1;
    else next = (lf as number) + 1;
    starts.push(next);
    if (lf !== -1 && lf < next) lf = next < length ? content.indexOf('\n', next) : -1;
    if (cr !== -1 && cr < next) cr = next < length ? content.indexOf('\r', next) : -1;
  }
  return starts;
}
