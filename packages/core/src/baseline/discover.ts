import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BASELINE_FILE_NAME } from './model.js';

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
