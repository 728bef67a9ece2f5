import { isAscii } from 'node:buffer';
import { detectors } from '@shippo-keyguard/rules';
import type { WindowAt } from './expand.js';

/** Bytes searched at once in a stream too long to hold. */
export const WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * Bytes each window repeats from the end of the one before: more than any detector looks at
 * around a key (the widest is wrapped base64; UTF-16 doubles a key's bytes), so a key across a
 * window edge lies whole in the next window. Even, so every window keeps the stream's UTF-16
 * alignment (the detectors' UTF-16 matcher starts at even offsets).
 */
export const WINDOW_OVERLAP = Math.max(4096, 2 * Math.max(...detectors.map((d) => d.window.before + d.window.after + 64)));

const CR = 0x0d;
const LF = 0x0a;

/**
 * Line breaks in `bytes` (LF, CRLF and a lone CR, as the line index counts them) and the columns
 * (UTF-16 units) after the last one: native searches, and a decode only of a last line that is not
 * ASCII, so a window of a stream with no line break costs no string of megabytes.
 */
function advanceOver(bytes: Buffer): { breaks: number; column: number; broke: boolean } {
  let breaks = 0;
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) breaks++;
  for (let at = bytes.indexOf(CR); at !== -1; at = bytes.indexOf(CR, at + 1)) if (bytes[at + 1] !== LF) breaks++;
  const last = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR));
  const tail = bytes.subarray(last + 1);
  return { breaks, column: isAscii(tail) ? tail.length : tail.toString('utf8').length, broke: last !== -1 };
}

/**
 * Cuts a stream that arrives piece by piece into overlapping windows of about `size` bytes, each
 * told where it lies in the stream (offset, line, column), so findings in it are placed as in the
 * whole stream. Holds one window at a time.
 */
export class Windows {
  #parts: Buffer[] = [];
  #size = 0;
  #at: WindowAt = { offset: 0, line: 1, column: 0, searched: 0 };

  constructor(
    private readonly size = WINDOW_BYTES,
    private readonly overlap = WINDOW_OVERLAP + (WINDOW_OVERLAP % 2),
  ) {}

  /** The windows completed by this piece (usually none). */
  *push(piece: Buffer): Generator<{ bytes: Buffer; at: WindowAt }> {
    this.#parts.push(piece);
    this.#size += piece.length;
    while (this.#size >= this.size + this.overlap) yield this.#cut();
  }

  /** The last window, if anything is left that was not searched yet. */
  *end(): Generator<{ bytes: Buffer; at: WindowAt }> {
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    if (this.#at.offset + bytes.length > this.#at.searched || this.#at.offset === 0) yield { bytes, at: this.#at };
  }

  #cut(): { bytes: Buffer; at: WindowAt } {
    const whole = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#size);
    const bytes = whole.subarray(0, this.size + this.overlap);
    const at = this.#at;
    // The next window starts `overlap` bytes before this one ends, at an even offset, and never
    // between the CR and LF of one line break (which would count as two).
    let advance = bytes.length - this.overlap;
    advance -= (at.offset + advance) % 2;
    if (bytes[advance - 1] === CR) advance -= 2;
    const moved = advanceOver(bytes.subarray(0, advance));
    // A byte order mark at the very start takes no column, as the line index counts it.
    const bom = at.offset === 0 && !moved.broke && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 1 : 0;
    this.#at = {
      offset: at.offset + advance,
      line: at.line + moved.breaks,
      column: (moved.broke ? 0 : at.column) + moved.column - bom,
      searched: at.offset + bytes.length,
    };
    // A copy of the rest, so the window just searched can be freed.
    const rest = Buffer.from(whole.subarray(advance));
    this.#parts = [rest];
    this.#size = rest.length;
    return { bytes, at };
  }
}
