import { INCOMPLETE_WARNINGS, WARNING_CODES, type WarningCode } from '../warnings.js';

/**
 * Warning codes of the archive reader (declared with every other code in `warnings.ts`): each
 * names what could not be opened, and the scan goes on with the next entry or file.
 */
export type ArchiveWarningCode = Extract<WarningCode, `archive-${string}`>;

const isArchiveCode = (code: WarningCode): code is ArchiveWarningCode => code.startsWith('archive-');

export const ARCHIVE_WARNING_CODES: readonly ArchiveWarningCode[] = WARNING_CODES.filter(isArchiveCode);

/** Warnings that mean some content was not read (`history --strict` fails on them). */
export const ARCHIVE_INCOMPLETE: ReadonlySet<ArchiveWarningCode> = new Set(ARCHIVE_WARNING_CODES.filter((c) => INCOMPLETE_WARNINGS.has(c)));

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
