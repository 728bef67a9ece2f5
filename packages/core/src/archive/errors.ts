/**
 * Warning codes of the archive reader, grouped as the other sources group theirs: each names what
 * could not be opened, and the scan goes on with the next entry or file.
 */
export const ARCHIVE_WARNING_CODES = [
  /** An entry or the whole archive inflates past a limit (zip bomb, or just big). */
  'archive-too-large',
  /** Truncated or malformed; what could be read before the damage was scanned. */
  'archive-corrupt',
  /** An encrypted zip entry: its content cannot be read without the password. */
  'archive-encrypted',
  /** A zip entry compressed with a method other than stored or deflate (bzip2, LZMA, zstd…). */
  'archive-unsupported',
  /** An archive nested deeper than `--archive-depth`: its bytes were searched as they are. */
  'archive-too-deep',
  /** A symbolic or hard link entry in a tar: nothing to read, never followed. */
  'archive-link',
  /** An entry named with `..` or an absolute path: scanned under that name, never extracted. */
  'archive-unsafe-path',
] as const;

export type ArchiveWarningCode = (typeof ARCHIVE_WARNING_CODES)[number];

/** Warnings that mean some content was not read (`history --strict` fails on them). */
export const ARCHIVE_INCOMPLETE: ReadonlySet<string> = new Set<ArchiveWarningCode>(['archive-too-large', 'archive-corrupt', 'archive-encrypted', 'archive-unsupported']);

/** A container that could not be read, or read only in part. */
export class ArchiveError extends Error {
  constructor(
    readonly code: ArchiveWarningCode,
    message: string,
    /** What could be read before the damage (a truncated gzip stream), to search anyway. */
    readonly partial?: Buffer,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}
