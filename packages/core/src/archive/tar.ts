import { ArchiveError } from './errors.js';

/** One tar entry; `data` is a view into the archive's bytes, never a copy. */
export interface TarEntry {
  readonly name: string;
  /** `file`, `link` (symbolic or hard), `dir`, or `other` (devices, FIFOs). */
  readonly type: 'file' | 'link' | 'dir' | 'other';
  readonly linkname: string;
  readonly data: Buffer;
}

const BLOCK = 512;

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

/**
 * The entries of a tar archive held in memory (ustar, pax and GNU long names). A tar is a run of
 * 512-byte headers, each followed by its data: reading it from a buffer we already hold is a short
 * loop, where the streaming libraries (tar-stream, node-tar) are asynchronous or event-driven and
 * would copy every entry. Throws `archive-corrupt` at a bad header or a cut-off entry, after
 * yielding the entries before it.
 */
export function* tarEntries(bytes: Buffer): Generator<TarEntry> {
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let global = new Map<string, string>();
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return; // end-of-archive marker
    if (!checksumOk(header)) throw new ArchiveError('archive-corrupt', `tar header at byte ${at} is corrupt`);
    const size = number(header, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new ArchiveError('archive-corrupt', `tar header at byte ${at} has no valid size`);
    const start = at + BLOCK;
    if (start + size > bytes.length) throw new ArchiveError('archive-corrupt', `tar is truncated (an entry runs past its end at byte ${bytes.length})`);
    const data = bytes.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    const flag = String.fromCharCode(header[156] ?? 0);
    if (flag === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (flag === 'g') {
      global = new Map([...global, ...paxRecords(data)]);
      continue;
    }
    if (flag === 'L' || flag === 'K') {
      const value = data.toString('utf8').replace(/\0+$/, '');
      if (flag === 'L') longName = value;
      else longLink = value;
      continue;
    }
    const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? text(header, 345, 155) : '';
    const name = pax.get('path') ?? global.get('path') ?? longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    const linkname = pax.get('linkpath') ?? longLink ?? text(header, 157, 100);
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '1' || flag === '2' ? 'link' : flag === '5' ? 'dir' : 'other';
    yield { name, type, linkname, data };
  }
  if (at < bytes.length) throw new ArchiveError('archive-corrupt', `tar is truncated (a header is cut off at byte ${at})`);
}
