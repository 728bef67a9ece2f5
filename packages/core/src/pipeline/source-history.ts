import { scanHistory, type HistoryScanOptions } from '../git/history.js';
import { repositoryNameOf } from '../report/repository-name.js';
import { INCOMPLETE_WARNINGS } from '../warnings.js';
import type { Source } from './source.js';

export interface HistorySourceOptions extends Omit<HistoryScanOptions, 'secrets'> {
  /** `owner/name` for the report; default: from the origin remote. */
  readonly repositoryName?: string;
  /** Anything that could not be read (shallow clone, missing objects, oversized blobs) fails the run. */
  readonly strict?: boolean;
}

/** The git history (all refs, or the given revisions), through the tuned reader (`git/history.ts`): each blob read once. */
export function historySource(options: HistorySourceOptions): Source {
  const { repositoryName, strict, ...scan } = options;
  return {
    kind: 'history',
    async read(secrets) {
      const result = await scanHistory({ ...scan, secrets });
      const name = repositoryName ?? repositoryNameOf(result.repository.uri);
      const failed = strict === true && result.warnings.some((w) => INCOMPLETE_WARNINGS.has(w.code));
      return {
        root: result.root,
        findings: result.findings,
        warnings: result.warnings,
        stats: result.stats,
        repository: name ? { ...result.repository, name } : result.repository,
        ...(failed ? { failed } : {}),
      };
    },
  };
}
