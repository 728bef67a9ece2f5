import { lstatSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { ScanWarning } from '../report/model.js';
import { displayPath, insideGitDir, isWithin, toPosix, type FsPath } from './fs-path.js';
import { gitDeletedFiles, gitListFiles } from './list-git.js';
import { globListFiles } from './list-glob.js';
import type { Target } from './read-scan.js';

export interface TargetList {
  readonly targets: Target[];
  /** Real paths that targets' `root` indexes refer to. */
  readonly roots: string[];
  readonly warnings: ScanWarning[];
  /** Paths that could not be scanned at all (missing, unreadable directory). */
  failed: number;
  /** Directories listed by git, to tell deleted files from vanished ones. */
  readonly gitDirs: string[];
}

export interface ListOptions {
  readonly paths: readonly string[];
  /** The scan root: finding paths are relative to it. */
  readonly cwd: string;
  readonly gitignore: boolean;
}

/** Report path: relative to the root, `/`-separated (SARIF `%SRCROOT%`-relative URIs). */
function relPath(root: string, path: FsPath): string {
  const rel = toPosix(relative(root, displayPath(path)));
  return rel === '' ? '.' : rel;
}

/**
 * Resolve the command line into files to read. Directories are listed by git inside a work tree
 * (unless --no-gitignore) and by fast-glob otherwise; a file named explicitly is read even when
 * ignored. Problems become warnings; only the caller decides whether they end the run.
 */
export async function listTargets(options: ListOptions): Promise<TargetList> {
  const root = resolve(options.cwd);
  const list: TargetList = { targets: [], roots: [], warnings: [], failed: 0, gitDirs: [] };
  const seen = new Set<string>();
  const rootIndex = (real: string) => {
    const at = list.roots.indexOf(real);
    return at === -1 ? list.roots.push(real) - 1 : at;
  };
  const add = (path: FsPath, index: number, fromGit: boolean, rel = relPath(root, path)) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    list.targets.push({ path, rel, root: index, ...(fromGit ? { fromGit } : {}) });
  };
  const fail = (rel: string, code: string, message: string) => {
    list.failed++;
    list.warnings.push({ code, message: `${rel}: ${message}`, path: rel });
  };

  for (const given of options.paths) {
    const abs = resolve(root, given);
    const rel = relPath(root, abs);
    if (insideGitDir(relative(root, abs)) || insideGitDir(given)) {
      list.warnings.push({ code: 'git-dir', message: `${rel}: skipped, git's own directory is never scanned`, path: rel });
      continue;
    }
    let stats;
    try {
      stats = lstatSync(abs);
      if (stats.isSymbolicLink()) {
        // A link named on the command line is followed, but only to a place inside the root.
        const real = realpathSync(abs);
        if (!isWithin(realpathSync(root), real)) {
          fail(rel, 'symlink-outside-root', 'skipped, symbolic link out of the scan root');
          continue;
        }
        stats = statSync(abs);
        if (stats.isFile()) {
          add(real, rootIndex(realpathSync(root)), false, rel);
          continue;
        }
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      fail(rel, code === 'ENOENT' ? 'not-found' : 'unreadable', code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`);
      continue;
    }
    if (!stats.isDirectory()) {
      add(abs, rootIndex(realpathSync(root)), false);
      continue;
    }
    await listDirectory(abs, rootIndex(realpathSync(abs)), options.gitignore, list, add, fail, root);
  }
  return list;
}

async function listDirectory(
  dir: string,
  index: number,
  gitignore: boolean,
  list: TargetList,
  add: (path: FsPath, index: number, fromGit: boolean) => void,
  fail: (rel: string, code: string, message: string) => void,
  root: string,
): Promise<void> {
  const git = gitignore ? gitListFiles(dir) : undefined;
  if (git !== undefined) {
    list.gitDirs.push(dir);
    for (const file of git.files) add(file, index, true);
    for (const nested of git.nested) await listDirectory(displayPath(nested), index, gitignore, list, add, fail, root);
    return;
  }
  const glob = await globListFiles(dir);
  for (const { path, code } of glob.unreadable) {
    const rel = relPath(root, path);
    if (path === dir) fail(rel, 'unreadable', `cannot read directory (${code})`);
    else list.warnings.push({ code: 'unreadable', message: `${rel}: cannot read directory (${code}), skipped`, path: rel });
  }
  for (const file of glob.files) add(file, index, false);
}

/** Git-listed files that were missing when read: deleted ones are fine, others vanished. */
export function vanishedFromGit(missing: readonly string[], gitDirs: readonly string[], cwd: string): ScanWarning[] {
  if (missing.length === 0) return [];
  const deleted = new Set<string>();
  for (const dir of gitDirs) for (const path of gitDeletedFiles(dir)) deleted.add(relPath(resolve(cwd), path));
  return missing
    .filter((rel) => !deleted.has(rel))
    .map((rel) => ({ code: 'vanished', message: `${rel}: skipped, vanished before it could be read`, path: rel }));
}
