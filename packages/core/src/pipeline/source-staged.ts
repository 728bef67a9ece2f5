import { scanStaged, type StagedScanOptions } from '../git/staged.js';
import type { Source } from './source.js';

/** What is staged for the next commit (the index, not the work tree), and a commit message file if named. */
export function stagedSource(options: Omit<StagedScanOptions, 'secrets'>): Source {
  return {
    kind: 'staged',
    async read(secrets) {
      const result = await scanStaged({ ...options, secrets });
      return { root: result.root, findings: result.findings, warnings: result.warnings, stats: result.stats, repository: result.repository };
    },
  };
}
