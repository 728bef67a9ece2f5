import { resolve } from 'node:path';
import { nulSplitter, runGit } from './exec.js';
import { openRepo, type RepoInfo } from './repo.js';

/**
 * The git reads a staged scan starts with, begun at once: the repository's description and the
 * index against HEAD (`git diff-index` reads the whole index, tens of milliseconds in a large
 * repository, so it does not wait for the description). A commit hook's entry starts them before
 * it loads the commands (`startStaged`), so git works while Node compiles; `scanStaged` takes them
 * over when they are for its repository and ask for what it needs, and starts its own otherwise.
 */
export interface StagedStart {
  /** The directory they run in, absolute. */
  readonly dir: string;
  /** Whether `info` read the remote's URL (see `OpenRepoOptions.remote`). */
  readonly remote: boolean;
  readonly info: Promise<RepoInfo>;
  /** The staged changes against HEAD; undefined when that failed (no commit yet: the scan asks again). */
  readonly againstHead: Promise<StagedEntry[] | undefined>;
}

export function startStaged(dir: string, options: { readonly remote: boolean }): StagedStart {
  const abs = resolve(dir);
  const againstHead = stagedChanges(abs, 'HEAD').catch(() => undefined);
  const info = openRepo(abs, { remote: options.remote });
  // Its failure (not a repository) is the scan's to report when it awaits this; until then it
  // must not count as an unhandled rejection, which would end the process first.
  info.catch(() => undefined);
  return { dir: abs, remote: options.remote, info, againstHead };
}

export interface StagedEntry {
  readonly id: string;
  readonly path: string;
  readonly mode: string;
}

/**
 * Every added, copied, modified, renamed or type-changed path of the index against `against`,
 * with the index's object id. Paths are relative to the top level from any directory of the
 * work tree. Submodule pointers and entries not in the index (a merge conflict) are left out.
 */
export async function stagedChanges(cwd: string, against: string): Promise<StagedEntry[]> {
  // `:old_mode new_mode old_id new_id status\0path\0`; with --no-renames a rename is an add.
  const entries: StagedEntry[] = [];
  let header: string | undefined;
  const split = nulSplitter((token) => {
    if (header === undefined) {
      header = token;
      return;
    }
    const fields = header.replace(/^:/, '').split(' ');
    header = undefined;
    const mode = fields[1] ?? '';
    const id = fields[3] ?? '';
    if (mode === '160000' || /^0+$/.test(id)) return; // a submodule pointer, or not in the index
    entries.push({ id, path: token, mode });
  });
  await runGit(cwd, ['diff-index', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMRT', against, '--'], {
    onData: (c) => split.push(c),
  });
  split.end();
  return entries;
}
