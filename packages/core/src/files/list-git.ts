import { spawnSync } from 'node:child_process';
import { fsPathFromBytes, joinFsPath, type FsPath } from './fs-path.js';

/** Enough for the path list of a very large monorepo. */
const MAX_LIST_BYTES = 1024 * 1024 * 1024;

function git(dir: string, args: readonly string[]): { status: number | null; stdout: Buffer } | undefined {
  const result = spawnSync('git', args, { cwd: dir, maxBuffer: MAX_LIST_BYTES, stdio: ['ignore', 'pipe', 'ignore'] });
  if (result.error) return undefined; // git not installed, or the list did not fit
  return { status: result.status, stdout: result.stdout };
}

function splitNul(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let nul = bytes.indexOf(0); nul !== -1; nul = bytes.indexOf(0, start)) {
    if (nul > start) parts.push(bytes.subarray(start, nul));
    start = nul + 1;
  }
  if (start < bytes.length) parts.push(bytes.subarray(start));
  return parts;
}

export interface GitListing {
  /** Files git would track under `dir` (tracked plus untracked-not-ignored), as fs paths. */
  readonly files: FsPath[];
  /** Nested repositories that git lists as `dir/`; the caller lists them on their own. */
  readonly nested: FsPath[];
}

/**
 * What git would track under `dir`: `git ls-files -co --exclude-standard -z` is exact (every
 * .gitignore, .git/info/exclude, core.excludesFile) and fast. Undefined outside a work tree.
 * A directory that git ignores as a whole is listed in full: naming it is asking for it.
 */
export function gitListFiles(dir: string): GitListing | undefined {
  const listed = git(dir, ['ls-files', '-co', '--exclude-standard', '-z']);
  if (listed === undefined || listed.status !== 0) return undefined;
  let names = splitNul(listed.stdout);
  if (names.length === 0 && git(dir, ['check-ignore', '-q', '.'])?.status === 0) {
    names = splitNul(git(dir, ['ls-files', '-co', '-z'])?.stdout ?? Buffer.alloc(0));
  }
  const files: FsPath[] = [];
  const nested: FsPath[] = [];
  for (const name of names) {
    if (name[name.length - 1] === 0x2f) nested.push(joinFsPath(dir, fsPathFromBytes(name.subarray(0, -1))));
    else files.push(joinFsPath(dir, fsPathFromBytes(name)));
  }
  return { files, nested };
}

/** Tracked files deleted from the work tree: ls-files -c still lists them, they are not "vanished". */
export function gitDeletedFiles(dir: string): Set<string> {
  const listed = git(dir, ['ls-files', '-d', '-z']);
  if (listed === undefined || listed.status !== 0) return new Set();
  return new Set(splitNul(listed.stdout).map((name) => String(joinFsPath(dir, fsPathFromBytes(name)))));
}
