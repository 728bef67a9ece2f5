import { ArchiveError } from './errors.js';

/** One tar entry. `data` is a view into the bytes given, never a copy when it lies in one chunk. */
export interface TarEntry {
  readonly name: string;
  /** `file`, `link` (symbolic or hard), `dir`, or `other` (devices, FIFOs). */
  readonly type: 'file' | 'link' | 'dir' | 'other';
  readonly linkname: string;
  readonly size: number;
  /** Absent when the entry is larger than the parser's limit: its bytes were skipped, not kept. */
  readonly data?: Buffer;
}

const BLOCK = 512;
/** pax and GNU long-name records are metadata: anything larger is not a name. */
const MAX_META = 1 << 20;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** An octal number field, or a base-256 one (GNU, for sizes past 8 GiB). */
function number(block: Buffer, start: number, length: number): number {
  if ((block[start] ?? 0) & 0x80) {
    let value = (block[start] ?? 0) & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[start + i] ?? 0);
    return value;
  }
  const digits = text(block, start, length).trim();
  if (!/^[0-7]*$/.test(digits)) return Number.NaN;
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 8 * 0x20; // the checksum field counts as spaces
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += block[i]!;
  return number(block, 148, 8) === sum;
}

/** `length key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

interface Pending {
  readonly header: Buffer;
  readonly flag: string;
  readonly size: number;
  /** Payload plus padding to the next 512-byte boundary, still to come. */
  remaining: number;
  got: number;
  keep: boolean;
  parts: Buffer[];
}

/**
 * A tar reader fed chunk by chunk (ustar, pax and GNU long names): a tar is a run of 512-byte
 * headers, each followed by its data, so a short state machine reads it as the bytes arrive, from
 * a buffer held in memory or from a gzip stream being inflated. The streaming libraries
 * (tar-stream, node-tar) are asynchronous or event-driven, where the scanner reads synchronously.
 * Only the entry being read is held, and only up to `maxEntryBytes`.
 */
export class TarParser {
  readonly #header = Buffer.alloc(BLOCK);
  #fill = 0;
  #pending: Pending | undefined;
  #offset = 0;
  #ended = false;
  #longName: string | undefined;
  #longLink: string | undefined;
  #pax = new Map<string, string>();
  #global = new Map<string, string>();
  #ready: TarEntry[] = [];

  constructor(private readonly maxEntryBytes: number) {}

  /** True once the end-of-archive marker was read: what follows is not part of the archive. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The entries completed so far, handed over once each. */
  take(): TarEntry[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.#ended) {
      const pending = this.#pending;
      if (pending) {
        const n = Math.min(pending.remaining, chunk.length - at);
        const payload = Math.min(n, Math.max(0, pending.size - pending.got));
        if (payload > 0 && pending.keep) {
          const limit = pending.flag === 'x' || pending.flag === 'g' || pending.flag === 'L' || pending.flag === 'K' ? MAX_META : this.maxEntryBytes;
          if (pending.got + payload > limit) {
            pending.keep = false;
            pending.parts = [];
          } else pending.parts.push(chunk.subarray(at, at + payload));
        }
        pending.got += payload;
        pending.remaining -= n;
        at += n;
        this.#offset += n;
        if (pending.remaining === 0) this.#complete(pending);
        continue;
      }
      const n = Math.min(BLOCK - this.#fill, chunk.length - at);
      chunk.copy(this.#header, this.#fill, at, at + n);
      this.#fill += n;
      at += n;
      if (this.#fill < BLOCK) break;
      this.#fill = 0;
      this.#onHeader();
      this.#offset += BLOCK;
    }
  }

  /** The input is over: an entry or header cut off is damage. */
  end(): void {
    if (this.#ended) return;
    if (this.#pending || this.#fill > 0) throw new ArchiveError('archive-corrupt', `tar is truncated (cut off at byte ${this.#offset + this.#fill})`);
  }

  #onHeader(): void {
    const header = this.#header;
    if (header.every((b) => b === 0)) {
      this.#ended = true; // end-of-archive marker
      return;
    }
    if (!checksumOk(header)) throw new ArchiveError('archive-corrupt', `tar header at byte ${this.#offset} is corrupt`);
    const size = number(header, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new ArchiveError('archive-corrupt', `tar header at byte ${this.#offset} has no valid size`);
    const pending: Pending = {
      header: Buffer.from(header),
      flag: String.fromCharCode(header[156] ?? 0),
      size,
      remaining: Math.ceil(size / BLOCK) * BLOCK,
      got: 0,
      keep: true,
      parts: [],
    };
    if (pending.remaining === 0) this.#complete(pending);
    else this.#pending = pending;
  }

  #complete(pending: Pending): void {
    this.#pending = undefined;
    const { header, flag, size } = pending;
    const data = !pending.keep ? undefined : pending.parts.length === 1 ? pending.parts[0]! : Buffer.concat(pending.parts, size);
    switch (flag) {
      case 'x':
        this.#pax = data ? paxRecords(data) : new Map();
        return;
      case 'g':
        if (data) this.#global = new Map([...this.#global, ...paxRecords(data)]);
        return;
      case 'L':
      case 'K': {
        const value = data?.toString('utf8').replace(/\0+$/, '');
        if (flag === 'L') this.#longName = value;
        else this.#longLink = value;
        return;
      }
    }
    const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? text(header, 345, 155) : '';
    const name = this.#pax.get('path') ?? this.#global.get('path') ?? this.#longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    const linkname = this.#pax.get('linkpath') ?? this.#longLink ?? text(header, 157, 100);
    this.#pax = new Map();
    this.#longName = undefined;
    this.#longLink = undefined;
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '1' || flag === '2' ? 'link' : flag === '5' ? 'dir' : 'other';
    this.#ready.push({ name, type, linkname, size, ...(data ? { data } : {}) });
  }
}

/**
 * The entries of a tar held in memory, each a view into `bytes`. Throws `archive-corrupt` at a
 * bad header or a cut-off entry, after yielding the entries before it.
 */
export function* tarEntries(bytes: Buffer, maxEntryBytes: number): Generator<TarEntry> {
  const parser = new TarParser(maxEntryBytes);
  let damage: unknown;
  try {
    parser.push(bytes);
    parser.end();
  } catch (error) {
    damage = error;
  }
  yield* parser.take();
  if (damage !== undefined) throw damage;
}
