/**
 * Every warning code a scan can report, in one place: reports, `--strict` and the Action read
 * their groups from here, and `docs/reports.md#warnings` documents each one (a test checks it).
 * A code is part of the JSON and SARIF output, so a code once shipped keeps its name.
 */
export const WARNINGS = [
  // Listing and reading files.
  { code: 'not-found', incomplete: false },
  { code: 'unreadable', incomplete: true, unreadHistory: true },
  { code: 'vanished', incomplete: false },
  { code: 'not-regular', incomplete: false },
  { code: 'too-large', incomplete: true },
  { code: 'not-utf8', incomplete: false },
  { code: 'symlink-outside-root', incomplete: false },
  { code: 'git-dir', incomplete: false },
  { code: 'git-refused', incomplete: false },
  // Git history, staged changes and pushed ranges.
  { code: 'shallow-clone', incomplete: true },
  { code: 'missing-object', incomplete: true, unreadHistory: true },
  { code: 'attribution-failed', incomplete: true, unreadHistory: true },
  { code: 'submodule-not-checked-out', incomplete: true },
  // Archives (docs/archives.md).
  /** An entry or the whole archive inflates past a limit (zip bomb, or just big). */
  { code: 'archive-too-large', incomplete: true },
  /** Truncated or malformed; what could be read before the damage was scanned. */
  { code: 'archive-corrupt', incomplete: true },
  /** An encrypted zip entry: its content cannot be read without the password. */
  { code: 'archive-encrypted', incomplete: true },
  /** A zip entry compressed with a method other than stored or deflate (bzip2, LZMA, zstd…). */
  { code: 'archive-unsupported', incomplete: true },
  /** An archive nested deeper than `--archive-depth`: its bytes were searched as they are. */
  { code: 'archive-too-deep', incomplete: false },
  /** A symbolic or hard link entry in a tar: nothing to read, never followed. */
  { code: 'archive-link', incomplete: false },
  /** An entry named with `..` or an absolute path: scanned under that name, never extracted. */
  { code: 'archive-unsafe-path', incomplete: false },
  // Baseline, verification and sharded scans.
  { code: 'stale-baseline-entry', incomplete: false },
  { code: 'custom-api-base-url', incomplete: false },
  { code: 'verify-cache-corrupt', incomplete: false },
  { code: 'verify-cache-unwritable', incomplete: false },
  { code: 'not-scanned', incomplete: false },
] as const satisfies readonly {
  readonly code: string;
  /** Some content was not read: `history --strict` exits 2 on it. */
  readonly incomplete: boolean;
  /** In a history scan, commits or blobs were not read (a shallow or partial clone): the Action suggests `fetch-depth: 0`. */
  readonly unreadHistory?: true;
}[];

export type WarningCode = (typeof WARNINGS)[number]['code'];

/** Something the scan could not do or wants the reader to know; never silent. */
export interface ScanWarning {
  /** Stable machine-readable code, e.g. `too-large`, `unreadable`, `shallow-clone`, `missing-object`. */
  readonly code: WarningCode;
  readonly message: string;
  readonly path?: string;
}

/** A warning read back from a JSON report: a report of another version may carry a code this one does not know. */
export interface ReportedWarning extends Omit<ScanWarning, 'code'> {
  readonly code: string;
}

export const WARNING_CODES: readonly WarningCode[] = WARNINGS.map((w) => w.code);

/** Warnings that mean some content was not read (`history --strict` fails on them). */
export const INCOMPLETE_WARNINGS: ReadonlySet<WarningCode> = new Set(WARNINGS.filter((w) => w.incomplete).map((w) => w.code));

/** Warnings of a history scan that mean commits or blobs were not read. */
export const UNREAD_HISTORY_WARNINGS: ReadonlySet<WarningCode> = new Set(WARNINGS.filter((w) => 'unreadHistory' in w).map((w) => w.code));
