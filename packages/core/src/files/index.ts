import { resolve } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive/expand.js';
import type { Finding } from '../finding.js';
import type { ScanStats, ScanWarning } from '../report/model.js';
import type { SecretStore } from '../secret.js';
import type { Worker } from 'node:worker_threads';
import { defaultThreads, PARALLEL_THRESHOLD, scanTargets, startWorkers } from './pool.js';
import { listTargets, vanishedFromGit } from './targets.js';

export { PARALLEL_THRESHOLD } from './pool.js';
export { listTargets, type TargetList, type ListOptions } from './targets.js';
export type { Target } from './read-scan.js';
export { printablePath, toPosix } from './fs-path.js';

export interface FileScanOptions {
  /** Paths given on the command line (files or directories), relative to `cwd`. */
  readonly paths: readonly string[];
  /** The scan root: finding paths are relative to it (SARIF's `%SRCROOT%`). */
  readonly cwd: string;
  /** Inside a git work tree, scan what git would track (default); false walks everything. */
  readonly gitignore?: boolean;
  readonly maxFileSize?: number;
  /** Open archives and compressed files (default: to depth 3 within the default limits). */
  readonly archives?: ArchiveLimits;
  /** Receives every key found, by fingerprint (for verification and --no-redact). */
  readonly secrets?: SecretStore;
  /** Reader threads; default: one per core (up to 4) for large lists, none for small ones. */
  readonly threads?: number;
  readonly onProgress?: (files: number, bytes: number) => void;
}

export interface FileScanResult {
  /** Absolute root that finding paths are relative to. */
  readonly root: string;
  readonly findings: Finding[];
  readonly warnings: ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
  /** Command-line paths that could not be scanned at all (missing, unreadable). */
  readonly failedPaths: number;
}

export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;

/** Scan files and directories for keys: list (git or fast-glob), read and detect, over all cores. */
export async function scanFiles(options: FileScanOptions): Promise<FileScanResult> {
  const root = resolve(options.cwd);
  const threads = options.threads ?? defaultThreads();
  let workers: Worker[] | undefined;
  const list = await listTargets({
    paths: options.paths,
    cwd: root,
    gitignore: options.gitignore ?? true,
    // Start the reader threads as soon as the list is known to be large: their start-up then
    // overlaps building the rest of the list.
    ...(threads >= 2 ? { largeAt: PARALLEL_THRESHOLD, onLarge: () => (workers = startWorkers(threads)) } : {}),
  });
  const result = await scanTargets(
    list.targets,
    {
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      roots: list.roots,
      archives: options.archives ?? DEFAULT_ARCHIVE_LIMITS,
      threads,
      ...(workers ? { workers } : {}),
    },
    options.onProgress,
  );
  for (const [fingerprint, key] of result.keys) {
    if (options.secrets && options.secrets.add(key) !== fingerprint) throw new Error('fingerprint mismatch between threads');
  }
  const warnings = [...list.warnings, ...result.warnings, ...vanishedFromGit(result.missingFromGit, list.gitDirs, root)];
  warnings.sort((a, b) => ((a.path ?? '') < (b.path ?? '') ? -1 : (a.path ?? '') > (b.path ?? '') ? 1 : 0));
  const vanished = warnings.length - list.warnings.length - result.warnings.length;
  return {
    root,
    findings: result.findings,
    warnings,
    stats: { scanned: result.scanned, bytes: result.bytes, skipped: result.skipped + vanished },
    failedPaths: list.failed,
  };
}
