import { scanFiles, type FileScanOptions } from '../files/index.js';
import type { Source } from './source.js';

/**
 * Files and directories, through the tuned reader (`files/`): listed as git would track them,
 * the configuration's `ignore` applied while listing, read and searched over worker threads.
 * Nothing scanned while a path failed or was skipped is a failed run (exit 2).
 */
export function filesSource(options: Omit<FileScanOptions, 'secrets'>): Source {
  return {
    kind: 'files',
    async read(secrets) {
      const result = await scanFiles({ ...options, secrets });
      const failed = result.stats.scanned === 0 && (result.failedPaths > 0 || result.stats.skipped > 0);
      return { root: result.root, findings: result.findings, warnings: result.warnings, stats: result.stats, ...(failed ? { failed } : {}) };
    },
  };
}
