import type { CommitInfo } from '../finding.js';
import { lineSplitter, runGit, unquotePath } from './exec.js';
import { revisionInput } from './revisions.js';
import { redactKeysIn, summaryOf } from './redact-text.js';
import { stashEntries } from './repo.js';

/** One commit that put a blob at a path. `seq` grows towards older commits (topological order). */
export interface Occurrence {
  readonly commit: string;
  readonly path: string;
  readonly seq: number;
}

export interface Attribution {
  /** By blob id: every commit and path that introduced it, newest first. */
  readonly occurrences: Map<string, Occurrence[]>;
  readonly commits: Map<string, CommitInfo>;
}

/**
 * Which commits brought the given blobs in, at which paths: one `git log --raw` pass over the
 * same revisions, each merge diffed against each parent so blobs that first appear through a
 * merge are seen (`--diff-merges=separate`, not `-m`, whose format `log.diffMerges` can turn into
 * a combined diff), in topological order so the last occurrence is the earliest. Run only when
 * some blob holds a finding.
 */
export async function attribute(root: string, revs: readonly string[], blobIds: ReadonlySet<string>): Promise<Attribution> {
  const occurrences = new Map<string, Occurrence[]>();
  const commits = new Map<string, CommitInfo>();
  let current: CommitInfo | undefined;
  let seq = 0;
  const seen = new Set<string>();
  const split = lineSplitter((line) => {
    if (line.startsWith('\x01')) {
      const [commit = '', author = '', email = '', date = '', summary = ''] = line.slice(1).split('\x00');
      current = { commit, author: redactKeysIn(author), email: redactKeysIn(email), date, summary: summaryOf(summary) };
      seq++;
      return;
    }
    if (!line.startsWith(':') || current === undefined) return;
    // :old_mode new_mode old_id new_id status<TAB>path
    const tab = line.indexOf('\t');
    const fields = line.slice(1, tab).split(' ');
    const id = fields[3];
    const status = fields[4] ?? '';
    if (id === undefined || status.startsWith('D') || !blobIds.has(id)) return;
    const path = unquotePath(line.slice(tab + 1));
    const key = `${current.commit}\0${id}\0${path}`;
    if (seen.has(key)) return; // the same change seen from another parent of a merge
    seen.add(key);
    commits.set(current.commit, current);
    const list = occurrences.get(id) ?? [];
    list.push({ commit: current.commit, path, seq });
    occurrences.set(id, list);
  });
  const { args, input } = revisionInput(revs);
  const [stash] = await Promise.all([
    stashEntries(root),
    runGit(
      root,
      ['log', '--raw', '--diff-merges=separate', '--root', '--no-abbrev', '--no-renames', '--topo-order', '--format=%x01%H%x00%an%x00%ae%x00%aI%x00%s', ...args, '--'],
      { onData: (c) => split.push(c), ...(input !== undefined ? { input } : {}) },
    ),
  ]);
  split.end();
  // A stash commit looks like any other ("WIP on main: ..."): say which stash entry it is.
  for (const [id, info] of commits) {
    const entry = stash.get(id);
    if (entry !== undefined) commits.set(id, { ...info, stash: entry });
  }
  return { occurrences, commits };
}

/** Blob ids of every file in HEAD's tree (to say whether a key is still there). */
export async function headBlobs(root: string, head: string | undefined): Promise<Set<string>> {
  const ids = new Set<string>();
  if (head === undefined) return ids;
  const split = lineSplitter((line) => {
    // mode SP type SP id TAB path
    const parts = line.split(/[ \t]/);
    if (parts[1] === 'blob' && parts[2]) ids.add(parts[2]);
  });
  await runGit(root, ['ls-tree', '-r', '--full-tree', '--end-of-options', head], { onData: (c) => split.push(c) });
  split.end();
  return ids;
}
