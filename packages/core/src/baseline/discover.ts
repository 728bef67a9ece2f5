import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { redactKeys } from '../config/settings-file.js';
import type { FilterRules } from '../filter.js';
import { readBaseline } from './file.js';
import { BASELINE_FILE_NAME, type Baseline } from './model.js';

/**
 * The repository root for `startDir`: the nearest directory walking up that holds `.git` (a
 * directory, or the file of a linked worktree or submodule), else `startDir` itself. A file
 * lookup, no git process: the ESLint plugin calls it too.
 */
export function repositoryRoot(startDir: string): string {
  const start = resolve(startDir);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/**
 * Where the baseline is for a scan that starts in `startDir`, the same for every face (`scan`,
 * `history`, the hooks, the Action, the ESLint plugin):
 * - the configuration's `baseline: false` turns it off; `baseline: "path"` names a file relative
 *   to the configuration file's directory (it must exist);
 * - else `.shippo-keyguard-baseline.json` at the repository root, if it exists.
 * `--baseline FILE` / `--no-baseline` on the command line win over both (the CLI decides that).
 */
export function findBaselineFile(startDir: string, config?: { readonly dir: string; readonly config: { readonly baseline?: string | false } }): string | undefined {
  const setting = config?.config.baseline;
  if (setting === false) return undefined;
  if (typeof setting === 'string') return resolve(config!.dir, setting);
  const file = join(repositoryRoot(startDir), BASELINE_FILE_NAME);
  return existsSync(file) ? file : undefined;
}

/** The baseline's part of the filter (see `filter.ts`): keys it holds, with their reasons (redacted). */
const NO_RULES: FilterRules = {};
const filters = new WeakMap<Baseline, FilterRules>();

export function baselineFilter(baseline: Baseline | undefined): FilterRules {
  if (baseline === undefined || baseline.entries.length === 0) return NO_RULES;
  const made = filters.get(baseline);
  if (made !== undefined) return made;
  const known = new Map(baseline.entries.map((e) => [e.fingerprint, e.reason !== undefined ? { reason: redactKeys(e.reason) } : {}]));
  const rules: FilterRules = { baselined: (fingerprint) => known.get(fingerprint) };
  filters.set(baseline, rules);
  return rules;
}

const memo = new Map<string, { baseline?: Baseline; error?: unknown }>();

/**
 * The baseline for `startDir` (see `findBaselineFile`), read and validated once per process and
 * file, errors too: the ESLint plugin calls this for every file that may hold a key, and must not
 * read the file per keystroke. Undefined when there is none.
 */
export function loadBaselineSync(startDir: string, config?: Parameters<typeof findBaselineFile>[1]): Baseline | undefined {
  const file = findBaselineFile(startDir, config);
  if (file === undefined) return undefined;
  let entry = memo.get(file);
  if (entry === undefined) {
    try {
      entry = { baseline: readBaseline(file) };
    } catch (error) {
      entry = { error };
    }
    memo.set(file, entry);
  }
  if (entry.error !== undefined) throw entry.error;
  return entry.baseline;
}

/** Forget what `loadBaselineSync` remembered (tests; a long-lived process that watches the file). */
export function clearBaselineCache(): void {
  memo.clear();
}
