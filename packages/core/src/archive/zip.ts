import type AdmZip from 'adm-zip';
import { nodeZlib } from '../builtins/zlib.js';
import { ArchiveError } from './errors.js';
import { AdmZipClass } from './libs.js';

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
/**
 * The entry count the end-of-central-directory record declares (zip64's when the classic field is
 * saturated), read before the directory is parsed: a zip of a million empty entries would cost
 * far more memory as entry objects than it takes on disk.
 */
function declaredEntries(bytes: Buffer): number | undefined {
  const from = Math.max(0, bytes.length - 0xffff - 22);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]), bytes.length - 22);
  if (end < from || end === -1) return undefined;
  const count = bytes.readUInt16LE(end + 10);
  if (count !== 0xffff) return count;
  const locator = end - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== 0x07064b50) return count;
  const record = Number(bytes.readBigUInt64LE(locator + 8));
  if (record < 0 || record + 40 > bytes.length || bytes.readUInt32LE(record) !== 0x06064b50) return count;
  return Number(bytes.readBigUInt64LE(record + 32));
}

export function* zipEntries(bytes: Buffer, maxEntries = Number.POSITIVE_INFINITY): Generator<ZipEntry> {
  const declared = declaredEntries(bytes);
  if (declared !== undefined && declared > maxEntries) throw new ArchiveError('archive-too-large', `declares ${declared} entries, more than the limit of ${maxEntries}; not opened`);
  let zip: AdmZip;
  try {
    zip = new (AdmZipClass())(bytes, { noSort: true, readEntries: true });
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
          return nodeZlib().inflateRawSync(compressed, { maxOutputLength: Math.max(1, max), chunkSize: 64 * 1024 });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
            throw new ArchiveError('archive-too-large', `inflates to more than ${max} bytes; not scanned`);
          }
          let partial: Buffer | undefined;
          try {
            partial = nodeZlib().inflateRawSync(compressed, { maxOutputLength: Math.max(1, max), finishFlush: nodeZlib().constants.Z_SYNC_FLUSH });
          } catch {
            partial = undefined;
          }
          throw new ArchiveError('archive-corrupt', `deflate data is corrupt or truncated (${(error as Error).message})`, partial);
        }
      },
    };
  }
}
