import type { Finding } from '../finding.js';
import type { ScanStats } from '../stats.js';
import type { ReportedWarning, ScanWarning } from '../warnings.js';

export type { ReportedWarning, ScanWarning } from '../warnings.js';
export type { ScanStats } from '../stats.js';

/** The repository a report is about (history and staged scans, and scans inside a git work tree). */
export interface RepositoryRef {
  /** The remote (origin) without credentials, or the repository's file URL. */
  readonly uri?: string;
  readonly revision?: string;
  readonly branch?: string;
  /**
   * `owner/name`: from `--repo-name`, else the path of an http(s) or ssh origin remote. It names the
   * repository when reports of many repositories are merged.
   */
  readonly name?: string;
  /** The tips of the refs the report covers, by ref name (organisation scans keep them to scan only what moved). */
  readonly refs?: Readonly<Record<string, string>>;
}

/** Everything a report writer needs: the same model feeds text, JSON and SARIF. */
export interface ScanReport {
  readonly tool: { readonly name: string; readonly version: string; readonly informationUri: string };
  readonly command: 'scan' | 'history' | 'staged' | string;
  /** Absolute scan root; SARIF's `%SRCROOT%`. */
  readonly root: string;
  readonly findings: readonly Finding[];
  /** The scan's own warnings; a merged report's SARIF run carries those read back from each repository's report. */
  readonly warnings: readonly (ScanWarning | ReportedWarning)[];
  readonly stats: ScanStats;
  /** Findings suppressed by inline allows, the config or a baseline. */
  readonly suppressed?: readonly Finding[];
  /** For history scans: where the history came from. */
  readonly repository?: RepositoryRef;
  /** ISO 8601 start and end of the run. */
  readonly startedAt: string;
  readonly endedAt: string;
  /** The process exit code the run ends with (SARIF's `invocation.executionSuccessful` follows it). */
  readonly exitCode: number;
}

/** Options every writer takes. */
export interface WriteOptions {
  /** Full keys by fingerprint; given only with `--no-redact`. */
  readonly reveal?: (fingerprint: string) => string | undefined;
}
