import type { Finding } from '@shippo-keyguard/core';
import type { ScanReport } from '@shippo-keyguard/core/report';

/** The parts of the JSON report model (core's `jsonReport`, what `--json-file` holds) the action reads. */
export interface JsonReport {
  readonly command: string;
  readonly exitCode: number;
  readonly summary: {
    readonly findings: number;
    readonly keys: number;
    readonly live: number;
    readonly dead: number;
    readonly unknown: number;
    readonly unchecked: number;
    readonly suppressed: number;
    readonly scanned: number;
  };
  readonly findings: readonly Finding[];
  readonly warnings: ScanReport['warnings'];
}

/** Where GitHub shows links: the run's repository on its server. */
export interface RepoLinks {
  readonly server: string;
  readonly repository: string;
  /** The commit files were scanned at (GITHUB_SHA or the pull request head). */
  readonly sha: string;
  /** Finding paths are relative to the scan root; this prefix makes them relative to the repository. */
  readonly prefix: string;
}

export function repoPath(f: Finding, links: Pick<RepoLinks, 'prefix'>): string {
  return links.prefix ? `${links.prefix}/${f.path}` : f.path;
}
