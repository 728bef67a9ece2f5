import { BadRevisionError, GitError, lineSplitter, runGit } from './exec.js';
import { revisionInput } from './revisions.js';

/** A blob to read: its id, size and one path it is reachable under. */
export interface BlobEntry {
  readonly id: string;
  readonly size: number;
  readonly path: string;
}

export interface Reachable {
  /** Every distinct blob reachable from the revisions, with one path it appears under. */
  readonly paths: Map<string, string>;
  /** Objects git could not find (partial clone, broken pack). */
  readonly missing: string[];
  /**
   * Set when git stopped walking (a corrupt commit or tree, a truncated pack): `paths` then holds
   * only what it listed before; the objects named in its message are in `missing`.
   */
  readonly broken?: string;
}

/**
 * Every distinct blob reachable from `revs`, once. `git rev-list --objects` walks only the commits
 * the arguments select, so a range costs what the range holds, not what the repository holds.
 */
export async function listReachable(root: string, revs: readonly string[], options: { tolerant?: boolean } = {}): Promise<Reachable> {
  const paths = new Map<string, string>();
  const missing: string[] = [];
  const split = lineSplitter((line) => {
    if (line.startsWith('?')) {
      missing.push(line.slice(1));
      return;
    }
    const space = line.indexOf(' ');
    if (space === -1) return; // a commit
    paths.set(line.slice(0, space), line.slice(space + 1));
  });
  const { args, input } = revisionInput(revs);
  try {
    await runGit(root, ['rev-list', '--objects', '--missing=print', '--filter=object:type=blob', ...args, '--'], {
      onData: (c) => split.push(c),
      ...(input !== undefined ? { input } : {}),
    });
  } catch (error) {
    if (error instanceof GitError && /^usage:/.test(error.message)) {
      throw new BadRevisionError(`bad revision arguments (git rev-list rejected them): ${revs.join(' ')}`, revs);
    }
    const refused = revisionError(error);
    if (!options.tolerant || refused instanceof BadRevisionError || !(error instanceof GitError) || error.exitCode === null) throw refused;
    split.end();
    for (const id of namedObjects(error.message)) if (!missing.includes(id)) missing.push(id);
    return { paths, missing, broken: error.message };
  }
  split.end();
  return { paths, missing };
}

/**
 * Sizes of the given blobs (`git cat-file --batch-check`), in the order given. rev-list also names
 * annotated tags; anything that is not a blob is dropped, anything absent is missing.
 */
export async function sizeBlobs(root: string, paths: ReadonlyMap<string, string>): Promise<{ blobs: BlobEntry[]; missing: string[] }> {
  const blobs: BlobEntry[] = [];
  const missing: string[] = [];
  if (paths.size === 0) return { blobs, missing };
  const split = lineSplitter((line) => {
    const [id, type, size] = line.split(' ');
    if (id === undefined) return;
    if (type === 'missing') missing.push(id);
    else if (type === 'blob') blobs.push({ id, size: Number(size), path: paths.get(id) ?? '' });
  });
  await runGit(root, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
    input: [...paths.keys()].join('\n') + '\n',
    onData: (c) => split.push(c),
  });
  split.end();
  return { blobs, missing };
}

/** rev-list's complaint about an argument, as a BadRevisionError. */
export function revisionError(error: unknown): unknown {
  if (
    error instanceof GitError &&
    /bad revision|unknown revision|ambiguous argument|bad object|not a valid|unrecognized argument|invalid option|needed a single revision/i.test(error.message)
  ) {
    return new BadRevisionError(error.message, error.args);
  }
  return error;
}

/** Object ids a git error message names (`loose object <id> ... is corrupt`, `unable to read tree <id>`). */
function namedObjects(message: string): string[] {
  return [...new Set(message.match(/(?<!pack-)\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b/g) ?? [])];
}

/**
 * Every object id the store lists (pack indexes and loose objects), without reading one: a
 * damaged store still lists what it holds, and each id can then be tried on its own.
 */
export async function listStore(root: string): Promise<string[]> {
  const ids: string[] = [];
  const split = lineSplitter((line) => {
    if (line !== '') ids.push(line);
  });
  await runGit(root, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { onData: (c) => split.push(c) });
  split.end();
  return ids;
}
