import { lstatSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { ScanWarning, WarningCode } from '../warnings.js';
import { displayPath, insideGitDir, isWithin, joinFsPath, printablePath, toPosix, type FsPath } from './fs-path.js';
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
  /** Called once when the list grows past `largeAt` files, before the listing is finished. */
  readonly onLarge?: () => void;
  readonly largeAt?: number;
  /** Paths (relative to `cwd`, `/`-separated) never listed: the configuration's `ignore`, applied before anything is read. */
  readonly ignore?: (rel: string) => boolean;
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
  // Paths named twice (or a file inside a named directory) are read once; one path needs no check.
  const single = options.paths.length === 1;
  let large = false;
  const sizeHint = (more: number) => {
    if (!large && options.onLarge && list.targets.length + more >= (options.largeAt ?? Infinity)) {
      large = true;
      options.onLarge();
    }
  };
  const ignore = options.ignore;
  const add = (path: FsPath, index: number, fromGit: boolean, rel = relPath(root, path), regular = fromGit) => {
    if (ignore?.(rel)) return;
    if (!single) {
      if (seen.has(rel)) return;
      seen.add(rel);
    }
    list.targets.push(fromGit ? { path, rel, root: index, fromGit, regular } : regular ? { path, rel, root: index, regular } : { path, rel, root: index });
  };
  const fail = (rel: string, code: WarningCode, message: string) => {
    list.failed++;
    list.warnings.push({ code, message: `${printablePath(rel)}: ${message}`, path: rel });
  };

  for (const given of options.paths) {
    const abs = resolve(root, given);
    const rel = relPath(root, abs);
    if (insideGitDir(relative(root, abs)) || insideGitDir(given)) {
      fail(rel, 'git-dir', "skipped, git's own directory is never scanned");
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
    await listDirectory(abs, rootIndex(realpathSync(abs)), options.gitignore, list, add, fail, root, sizeHint);
  }
  return list;
}

async function listDirectory(
  dir: string,
  index: number,
  gitignore: boolean,
  list: TargetList,
  add: (path: FsPath, index: number, fromGit: boolean, rel?: string, regular?: boolean) => void,
  fail: (rel: string, code: WarningCode, message: string) => void,
  root: string,
  sizeHint: (more: number) => void,
): Promise<void> {
  let git = gitignore ? gitListFiles(dir) : undefined;
  if (git !== undefined && 'refused' in git) {
    const rel = relPath(root, dir);
    list.warnings.push({
      code: 'git-refused',
      message: `${printablePath(rel)}: git refused to list this work tree (${git.refused}); walking it without .gitignore rules`,
      path: rel,
    });
    git = undefined;
  }
  if (git !== undefined) {
    sizeHint(git.files.length);
    list.gitDirs.push(dir);
    // git gives clean relative paths: join them to the directory's report path without
    // path.relative per file (it dominates listing time on 50k files).
    const base = relPath(root, dir);
    const at = base === '.' ? '' : `${base}/`;
    for (const file of git.files) add(joinFsPath(dir, file), index, true, at + displayPath(file));
    for (const nested of git.nested) await listDirectory(displayPath(nested), index, gitignore, list, add, fail, root, sizeHint);
    return;
  }
  const glob = await globListFiles(dir);
  sizeHint(glob.files.length);
  for (const { path, code } of glob.unreadable) {
    const rel = relPath(root, path);
    if (path === dir) fail(rel, 'unreadable', `cannot read directory (${code})`);
    else list.warnings.push({ code: 'unreadable', message: `${printablePath(rel)}: cannot read directory (${code}), skipped`, path: rel });
  }
  for (const file of glob.files) add(file.path, index, false, relPath(root, file.display), file.regular);
}

/** Git-listed files that were missing when read: deleted ones are fine, others vanished. */
export function vanishedFromGit(missing: readonly string[], gitDirs: readonly string[], cwd: string): ScanWarning[] {
  if (missing.length === 0) return [];
  const deleted = new Set<string>();
  for (const dir of gitDirs) for (const path of gitDeletedFiles(dir)) deleted.add(relPath(resolve(cwd), path));
  return missing
    .filter((rel) => !deleted.has(rel))
    .map((rel) => ({ code: 'vanished', message: `${printablePath(rel)}: skipped, vanished before it could be read`, path: rel }));
}
