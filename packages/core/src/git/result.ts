import type { Finding } from '../finding.js';
import type { ScanWarning } from '../warnings.js';
import type { RepoInfo } from './repo.js';

/** What a git source (history or staged) hands back. */
export interface GitScanResult {
  /** The work tree top level (or the git dir of a bare repository): finding paths are relative to it. */
  readonly root: string;
  readonly findings: Finding[];
  readonly warnings: ScanWarning[];
  readonly stats: { scanned: number; bytes: number; skipped: number };
  readonly repository: { uri?: string; revision?: string; branch?: string };
  readonly shallow: boolean;
}

export function repositoryOf(info: RepoInfo): GitScanResult['repository'] {
  return { uri: info.uri, ...(info.head ? { revision: info.head } : {}), ...(info.branch ? { branch: info.branch } : {}) };
}
