import { isUtf8 } from 'node:buffer';
import { nodeChildProcess } from '../builtins/child-process.js';
import { fsPathFromBytes, joinFsPath, type FsPath } from './fs-path.js';

/** Enough for the path list of a very large monorepo. */
const MAX_LIST_BYTES = 1024 * 1024 * 1024;

function git(dir: string, args: readonly string[]): { status: number | null; stdout: Buffer; stderr: string } | undefined {
  const result = nodeChildProcess().spawnSync('git', args, { cwd: dir, maxBuffer: MAX_LIST_BYTES, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) return undefined; // git not installed, or the list did not fit
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** NUL-separated names: one decode for the usual all-UTF-8 list, bytes kept only when needed. */
function splitNames(bytes: Buffer): FsPath[] {
  if (isUtf8(bytes)) return bytes.toString('utf8').split('\0').filter((name) => name !== '');
  return splitNul(bytes).map(fsPathFromBytes);
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

/** Git is there but refused the work tree (e.g. "dubious ownership" in a container): say so. */
export interface GitRefusal {
  readonly refused: string;
}

export interface GitListing {
  /** Files git would track under `dir` (tracked plus untracked-not-ignored), relative to it. */
  readonly files: FsPath[];
  /** Nested repositories that git lists as `dir/`; the caller lists them on their own. */
  readonly nested: FsPath[];
}

/**
 * What git would track under `dir`: `git ls-files -co --exclude-standard -z` is exact (every
 * .gitignore, .git/info/exclude, core.excludesFile) and fast. Undefined outside a work tree.
 * A directory that git ignores as a whole is listed in full: naming it is asking for it.
 */
export function gitListFiles(dir: string): GitListing | GitRefusal | undefined {
  const listed = git(dir, ['ls-files', '-co', '--exclude-standard', '-z']);
  if (listed === undefined) return undefined;
  if (listed.status !== 0) {
    const reason = listed.stderr.split('\n').find((l) => l.startsWith('fatal:')) ?? '';
    return /not a git repository/.test(reason) || reason === '' ? undefined : { refused: reason.replace(/^fatal:\s*/, '') };
  }
  let names = splitNames(listed.stdout);
  if (names.length === 0 && git(dir, ['check-ignore', '-q', '.'])?.status === 0) {
    names = splitNames(git(dir, ['ls-files', '-co', '-z'])?.stdout ?? Buffer.alloc(0));
  }
  const files: FsPath[] = [];
  const nested: FsPath[] = [];
  for (const name of names) {
    if (typeof name === 'string' ? name.endsWith('/') : name[name.length - 1] === 0x2f) {
      nested.push(joinFsPath(dir, typeof name === 'string' ? name.slice(0, -1) : name.subarray(0, -1)));
    } else files.push(name);
  }
  return { files, nested };
}

/** Tracked files deleted from the work tree: ls-files -c still lists them, they are not "vanished". */
export function gitDeletedFiles(dir: string): Set<string> {
  const listed = git(dir, ['ls-files', '-d', '-z']);
  if (listed === undefined || listed.status !== 0) return new Set();
  return new Set(splitNames(listed.stdout).map((name) => String(joinFsPath(dir, name))));
}

/**
 * Env files under `dir` that git ignores (`.env`, `.env.local`, `prod.env`), relative to it. An
 * ignored directory is not entered (`--directory`), so `node_modules/` costs nothing.
 */
export function gitIgnoredEnvFiles(dir: string): string[] {
  const listed = git(dir, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ':(glob)**/.env*', ':(glob)**/*.env']);
  if (listed === undefined || listed.status !== 0) return [];
  return splitNames(listed.stdout).filter((name): name is string => typeof name === 'string' && !name.endsWith('/'));
}
