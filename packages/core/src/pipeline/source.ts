import type { Finding } from '../finding.js';
import type { RepositoryRef } from '../report/model.js';
import type { SecretStore } from '../secret.js';
import type { ScanStats } from '../stats.js';
import type { ScanWarning } from '../warnings.js';

/** The five places keys are read from. */
export type SourceKind = 'files' | 'stdin' | 'history' | 'staged' | 'pushed';

/**
 * What a source yields: the keys it found, each with its origin (path, `source`, the commit that
 * introduced it, the archive it sits in), what it could not read (warnings) and what it read
 * (stats). Detection runs inside the source, while the bytes are at hand: the files and history
 * readers search many files per worker thread and never hand the content back.
 */
export interface SourceOutput {
  /** Absolute directory that finding paths are relative to (SARIF's `%SRCROOT%`). */
  readonly root: string;
  readonly findings: readonly Finding[];
  readonly warnings: readonly ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
  readonly repository?: RepositoryRef;
  /** The source could not do what was asked (nothing at all readable, or `--strict` with gaps): the run ends with exit 2. */
  readonly failed?: boolean;
}

/** One source of the pipeline: `read` lists, reads and detects, and hands every key it sees to `secrets`. */
export interface Source {
  readonly kind: SourceKind;
  read(secrets: SecretStore): Promise<SourceOutput>;
}
