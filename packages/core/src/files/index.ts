import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive/expand.js';
import type { Finding } from '../finding.js';
import { DEFAULT_MAX_FILE_SIZE } from '../limits.js';
import type { ScanStats } from '../stats.js';
import type { ScanWarning } from '../warnings.js';
import type { SecretStore } from '../secret.js';
import type { Worker } from 'node:worker_threads';
import { defaultThreads, PARALLEL_THRESHOLD, scanTargets, startWorkers } from './pool.js';
import { listTargets, vanishedFromGit } from './targets.js';
import { gitIgnoredEnvFiles } from './list-git.js';
import { publicKeyFindings } from '../public-env.js';
import { scanContent } from '../scan-content.js';
import { toPosix } from './fs-path.js';

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
  /** Paths (relative to `cwd`, `/`-separated) skipped while listing: never read, never counted. */
  readonly ignore?: (rel: string) => boolean;
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

export { DEFAULT_MAX_FILE_SIZE };

/** Scan files and directories for keys: list (git or fast-glob), read and detect, over all cores. */
export async function scanFiles(options: FileScanOptions): Promise<FileScanResult> {
  const root = resolve(options.cwd);
  const threads = options.threads ?? defaultThreads();
  let workers: Worker[] | undefined;
  const list = await listTargets({
    paths: options.paths,
    cwd: root,
    gitignore: options.gitignore ?? true,
    ...(options.ignore ? { ignore: options.ignore } : {}),
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
  const publicEnv = (options.gitignore ?? true) ? publicKeysInIgnoredEnvFiles(list.gitDirs, root, options) : { findings: [], scanned: 0, bytes: 0 };
  result.findings.push(...publicEnv.findings);
  const warnings = [...list.warnings, ...result.warnings, ...vanishedFromGit(result.missingFromGit, list.gitDirs, root)];
  warnings.sort((a, b) => ((a.path ?? '') < (b.path ?? '') ? -1 : (a.path ?? '') > (b.path ?? '') ? 1 : 0));
  const vanished = warnings.length - list.warnings.length - result.warnings.length;
  return {
    root,
    findings: result.findings,
    warnings,
    stats: { scanned: result.scanned + publicEnv.scanned, bytes: result.bytes + publicEnv.bytes, skipped: result.skipped + vanished },
    failedPaths: list.failed,
  };
}

/**
 * The one exception to "git-ignored files are not scanned": in a git-ignored env file, a key
 * assigned to a public variable (`NEXT_PUBLIC_SHIPPO_KEY=…`, `VITE_…`) is still reported, since
 * build tools inline it into the browser bundle whether git tracks the file or not.
 */
function publicKeysInIgnoredEnvFiles(dirs: readonly string[], root: string, options: FileScanOptions): { findings: Finding[]; scanned: number; bytes: number } {
  const out = { findings: [] as Finding[], scanned: 0, bytes: 0 };
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  for (const dir of dirs) {
    for (const name of gitIgnoredEnvFiles(dir)) {
      const file = join(dir, name);
      const rel = toPosix(relative(root, file));
      if (options.ignore?.(rel)) continue;
      let text: string;
      try {
        if (!statSync(file).isFile() || statSync(file).size > limit) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // gone or unreadable: git ignores it, so it was never part of what is scanned
      }
      out.scanned++;
      out.bytes += Buffer.byteLength(text);
      const found = scanContent(text, { path: rel, source: 'file', ...(options.secrets ? { secrets: options.secrets } : {}) });
      out.findings.push(...publicKeyFindings(text, found));
    }
  }
  return out;
}
