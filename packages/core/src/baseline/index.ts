/**
 * Baselines: the keys a team has already looked at, recorded by fingerprint so that moving,
 * editing or copying the line that holds a key changes nothing (peers key baselines by line
 * number, which churns on every edit and conflicts on every merge). Reads and writes files, so
 * it lives behind the `@shippo-keyguard/core/baseline` entry.
 */
export {
  BASELINE_FILE_NAME,
  BASELINE_VERSION,
  baselineSchema,
  type Baseline,
  type BaselineEntry,
} from './model.js';
export { formatBaseline, parseBaseline, readBaseline } from './file.js';
export { baselineFilter, clearBaselineCache, findBaselineFile, loadBaselineSync, repositoryRoot } from './discover.js';
export { entriesFromFindings, updateBaseline, staleEntries, type BaselineUpdate, type FindingLike } from './update.js';
