import type { DetectorLevel, KeyKind } from '@shippo-keyguard/rules';

/** Where the content of a finding came from. */
export type FindingSource = 'file' | 'stdin' | 'history' | 'staged' | 'commit-message';

/** The git commit that brought a key in (history and staged scans). */
export interface CommitInfo {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  /** ISO 8601. */
  readonly date: string;
  readonly summary?: string;
  /**
   * Set when the commit belongs to a stash entry (its work-tree, index or untracked-files
   * commit): the entry's name as `git stash list` shows it, such as `stash@{0}`.
   */
  readonly stash?: string;
}

/**
 * One step into an archive: the entry's name as the archive gives it (never resolved or cleaned)
 * and the format of the container it was taken from. A container image layer is one step named by
 * its digest (`layer`), so the text report reads `image.tar!sha256:ab12…/app/.env`.
 */
export interface ArchiveStep {
  readonly format: 'gzip' | 'zip' | 'tar' | 'layer';
  readonly path: string;
  /** For `layer`: the layer's digest, `sha256:<64 hex>`. */
  readonly layer?: string;
}

/** Verification outcome for one key (see `@shippo-keyguard/core/verify`). */
export interface Verification {
  readonly status: 'live' | 'dead' | 'unknown' | 'unchecked';
  readonly reason?: string;
  readonly checkedAt?: string;
  readonly cached?: boolean;
}

/**
 * One key at one place. Never holds the key: `fingerprint` is SHA-256 of it, `redacted` a preview.
 * Lines and columns are 1-based; columns count UTF-16 code units (as SARIF and ESLint do);
 * `endColumn` is exclusive. Offsets count bytes for files and UTF-16 units for text.
 */
export interface Finding {
  readonly detector: string;
  readonly kind: KeyKind;
  readonly confidence: 'high' | 'low';
  readonly level: DetectorLevel;
  /** Relative to the scan root, `/`-separated; `-` or the `--stdin-filename` for stdin. */
  readonly path: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly startOffset: number;
  readonly endOffset: number;
  /**
   * Set when the key is inside an archive or compressed file: the entries from the outer file
   * (`path`, which stays the committed file) inward. Lines, columns and offsets are the innermost
   * entry's.
   */
  readonly archive?: readonly ArchiveStep[];
  readonly fingerprint: string;
  readonly redacted: string;
  readonly binary: boolean;
  readonly source: FindingSource;
  /** History: the blob id that holds the key. */
  readonly blob?: string;
  /** History and staged: where the key came from. */
  readonly introduced?: CommitInfo;
  /** History: extra facts (other commits and paths carrying the same key, still at HEAD). */
  readonly history?: {
    readonly otherCommits: number;
    readonly otherPaths: number;
    readonly atHead: boolean;
  };
  readonly verification?: Verification;
  /**
   * Set when something allows this finding. The engine marks inline allows while the content is
   * at hand (`inline`/`inline-foreign`); the CLI decides whether to honour them
   * (`--no-inline-allow`, `--no-foreign-allow`) and adds config and baseline suppressions.
   */
  readonly suppression?: Suppression;
}

export interface Suppression {
  readonly by: 'inline' | 'inline-foreign' | 'config' | 'baseline';
  readonly reason?: string;
}
