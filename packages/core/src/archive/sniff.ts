/** Container formats opened by content, whatever the file is called. */
export type ArchiveFormat = 'gzip' | 'zip' | 'tar';

/**
 * The container format of `bytes`, from its first bytes (magic numbers): a few byte compares on
 * content already read, so a tree without archives pays nothing measurable for the check.
 * tar has no magic at the start; POSIX (ustar) and GNU tar write `ustar` at offset 257.
 */
export function sniff(bytes: Uint8Array): ArchiveFormat | undefined {
  const b0 = bytes[0];
  if (b0 === 0x1f) return bytes[1] === 0x8b && bytes[2] === 8 ? 'gzip' : undefined;
  if (b0 === 0x50) return bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4 ? 'zip' : undefined;
  if (bytes.length >= 512 && bytes[257] === 0x75 && bytes[258] === 0x73 && bytes[259] === 0x74 && bytes[260] === 0x61 && bytes[261] === 0x72) return 'tar';
  return undefined;
}
