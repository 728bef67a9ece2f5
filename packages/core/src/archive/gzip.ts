import { ArchiveError } from './errors.js';
import { GunzipClass } from './libs.js';

const FEXTRA = 4;
const FNAME = 8;

/** The file name a gzip header records (`gzip file` stores it, `gzip -n` and streams do not). */
export function gzipName(bytes: Uint8Array): string | undefined {
  const flags = bytes[3] ?? 0;
  if (!(flags & FNAME)) return undefined;
  let at = 10;
  if (flags & FEXTRA) at += 2 + ((bytes[10] ?? 0) | ((bytes[11] ?? 0) << 8));
  const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(0, at);
  if (end === -1 || end - at > 1024) return undefined;
  const name = Buffer.from(bytes.subarray(at, end)).toString('latin1');
  return name.split('/').pop() || undefined;
}

/**
 * A gzip stream inflated piece by piece, synchronously (minizlib drives node's zlib one input
 * slice at a time): a `.tar.gz` is read entry by entry without ever holding the whole tar.
 */
export class GunzipStream {
  readonly #gz = new (GunzipClass())({});
  #out: Buffer[] = [];
  #error: Error | undefined;
  #at = 0;
  #ended = false;

  /** `slice`: compressed bytes per step; what one step inflates to is at most about 1032 times it. */
  constructor(
    private readonly input: Uint8Array,
    private readonly slice = 16 * 1024,
  ) {
    this.#gz.on('data', (chunk: Buffer) => this.#out.push(chunk));
    this.#gz.on('error', (error: unknown) => (this.#error ??= error instanceof Error ? error : new Error(String(error))));
  }

  /**
   * The next inflated pieces (maybe none yet), or undefined at the end of the stream. Damage
   * throws `archive-corrupt`, after the pieces inflated before it were handed out.
   */
  next(): Buffer[] | undefined {
    if (this.#error === undefined && !this.#ended) {
      if (this.#at >= this.input.length) {
        this.#ended = true;
        this.#gz.end();
      } else {
        this.#gz.write(Buffer.from(this.input.buffer, this.input.byteOffset + this.#at, Math.min(this.slice, this.input.length - this.#at)));
        this.#at += this.slice;
      }
    }
    const out = this.#out;
    this.#out = [];
    if (out.length > 0) return out;
    const error = this.#error;
    if (error) {
      this.#error = undefined;
      this.#ended = true;
      throw new ArchiveError('archive-corrupt', `gzip stream is corrupt or truncated (${error.message.replace(/^zlib: /, '')})`);
    }
    return this.#ended ? undefined : out;
  }
}
