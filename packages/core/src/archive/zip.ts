import AdmZip from 'adm-zip';
import { constants, inflateRawSync } from 'node:zlib';
import { ArchiveError } from './errors.js';

/** One zip entry, inflated only when asked. */
export interface ZipEntry {
  readonly name: string;
  readonly encrypted: boolean;
  /** Inflate (deflate) or view (stored) the content, at most `max` bytes. */
  content(max: number): Buffer;
}

const STORED = 0;
const DEFLATED = 8;
const FLAG_ENCRYPTED = 1;
const AES = 99;

/**
 * The entries of a zip held in memory (jar, war, whl, apk, nupkg, xpi, docx, xlsx are zips).
 * adm-zip reads the central directory and hands out each entry's compressed bytes as a view; node's
 * zlib inflates them with an output limit, so a header that lies about the size changes nothing.
 */
export function* zipEntries(bytes: Buffer): Generator<ZipEntry> {
  let zip: AdmZip;
  try {
    zip = new AdmZip(bytes, { noSort: true, readEntries: true });
  } catch (error) {
    throw new ArchiveError('archive-corrupt', `not a readable zip (${(error as Error).message})`);
  }
  for (const entry of zip.getEntries()) {
    if (entry.isDirectory) continue;
    const header = entry.header;
    const encrypted = (header.flags & FLAG_ENCRYPTED) !== 0 || header.method === AES;
    yield {
      name: entry.entryName,
      encrypted,
      content(max: number): Buffer {
        let compressed: Buffer;
        try {
          compressed = entry.getCompressedData();
        } catch (error) {
          throw new ArchiveError('archive-corrupt', `entry data is cut off or misplaced (${(error as Error).message})`);
        }
        if (header.method === STORED) {
          if (compressed.length > max) throw new ArchiveError('archive-too-large', `${compressed.length} bytes is over the limit of ${max}; not scanned`);
          return compressed;
        }
        if (header.method !== DEFLATED) throw new ArchiveError('archive-unsupported', `compression method ${header.method} is not supported; not scanned`);
        try {
          return inflateRawSync(compressed, { maxOutputLength: Math.max(1, max), chunkSize: 64 * 1024 });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
            throw new ArchiveError('archive-too-large', `inflates to more than ${max} bytes; not scanned`);
          }
          let partial: Buffer | undefined;
          try {
            partial = inflateRawSync(compressed, { maxOutputLength: Math.max(1, max), finishFlush: constants.Z_SYNC_FLUSH });
          } catch {
            partial = undefined;
          }
          throw new ArchiveError('archive-corrupt', `deflate data is corrupt or truncated (${(error as Error).message})`, partial);
        }
      },
    };
  }
}
