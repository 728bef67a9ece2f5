import { constants, gunzipSync } from 'node:zlib';
import { ArchiveError } from './errors.js';

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

function isTooLarge(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
}

/**
 * Inflate a gzip stream (all its members) with node's zlib, stopping at `max` bytes: a bomb ends
 * in an error at the limit, not in an allocation of what it claims. A truncated stream yields
 * what could be inflated before the cut, for the caller to search anyway.
 */
export function gunzip(bytes: Uint8Array, max: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, max), chunkSize: 64 * 1024 });
  } catch (error) {
    if (isTooLarge(error)) throw new ArchiveError('archive-too-large', `inflates to more than ${max} bytes; not scanned`);
    let partial: Buffer | undefined;
    try {
      partial = gunzipSync(bytes, { maxOutputLength: Math.max(1, max), finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      partial = undefined;
    }
    throw new ArchiveError('archive-corrupt', `gzip stream is corrupt or truncated (${(error as Error).message})`, partial);
  }
}
