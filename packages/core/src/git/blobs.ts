import { BadRevisionError, GitError, lineSplitter, runGit } from './exec.js';

/** A blob to read: its id, size and one path it is reachable under. */
export interface BlobEntry {
  readonly id: string;
  readonly size: number;
  readonly path: string;
}

export interface BlobList {
  /** In reading order: pack order for a full-history scan, rev-list order otherwise. */
  readonly blobs: BlobEntry[];
  /** Objects git could not find (partial clone, broken pack), with the path they were expected at. */
  readonly missing: { id: string; path?: string }[];
}

/**
 * Every distinct blob reachable from `revs`, once. `git rev-list --objects` walks only the
 * commits the arguments select (so a range costs what the range holds); a full-history scan
 * then reads blobs in pack order, which `git cat-file --batch-all-objects --unordered` gives.
 */
export async function listBlobs(root: string, revs: readonly string[], packOrder: boolean): Promise<BlobList> {
  const paths = new Map<string, string>();
  const missing: { id: string; path?: string }[] = [];
  const split = lineSplitter((line) => {
    if (line.startsWith('?')) {
      missing.push({ id: line.slice(1) });
      return;
    }
    const space = line.indexOf(' ');
    if (space === -1) return; // a commit
    paths.set(line.slice(0, space), line.slice(space + 1));
  });
  try {
    await runGit(root, ['rev-list', '--objects', '--missing=print', '--filter=object:type=blob', ...revs, '--'], {
      onData: (c) => split.push(c),
    });
  } catch (error) {
    if (error instanceof GitError && /^usage:/.test(error.message)) {
      throw new BadRevisionError(`bad revision arguments (git rev-list rejected them): ${revs.join(' ')}`, revs);
    }
    throw revisionError(error);
  }
  split.end();

  const blobs: BlobEntry[] = [];
  if (paths.size === 0) return { blobs, missing };
  if (packOrder) {
    const seen = new Set<string>();
    const order = lineSplitter((line) => {
      const [id, type, size] = line.split(' ');
      if (id === undefined || seen.has(id)) return;
      const path = paths.get(id);
      if (path === undefined) return;
      seen.add(id);
      // rev-list names annotated tags too; only blobs are read.
      if (type === 'blob') blobs.push({ id, size: Number(size), path });
    });
    await runGit(root, ['cat-file', '--batch-all-objects', '--unordered', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
      onData: (c) => order.push(c),
    });
    order.end();
    // Reachable but not in the object store: missing.
    if (seen.size < paths.size) for (const [id, path] of paths) if (!seen.has(id)) missing.push({ id, path });
  } else {
    const ids = [...paths.keys()];
    const sized = lineSplitter((line) => {
      const [id, type, size] = line.split(' ');
      if (id === undefined) return;
      const path = paths.get(id) ?? '';
      if (type === 'missing') missing.push({ id, path });
      else if (type === 'blob') blobs.push({ id, size: Number(size), path });
    });
    await runGit(root, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
      input: ids.join('\n') + '\n',
      onData: (c) => sized.push(c),
    });
    sized.end();
  }
  for (const m of missing) if (m.path === undefined && paths.has(m.id)) m.path = paths.get(m.id) as string;
  return { blobs, missing };
}

/** rev-list's complaint about an argument, as a BadRevisionError. */
export function revisionError(error: unknown): unknown {
  if (error instanceof GitError && /bad revision|unknown revision|ambiguous argument|bad object|not a valid|unrecognized argument|invalid option|needed a single revision/i.test(error.message)) {
    return new BadRevisionError(error.message, error.args);
  }
  return error;
}
