import { spawnSync } from 'node:child_process';
import { isAbsolute, relative, sep } from 'node:path';
import { repositoryRoot } from '@shippo-keyguard/core/baseline';

/**
 * Which files of a repository git ignores, as the CLI's `scan .` skips them: one
 * `git ls-files --others --ignored --exclude-standard --directory` per repository and process
 * (an ignored directory is one line, so `node_modules/` costs nothing), asked only once a file may
 * hold a key. Outside a git work tree, or when git cannot say, nothing is ignored.
 */
const memo = new Map<string, { files: Set<string>; dirs: string[] } | undefined>();

function listIgnored(root: string): { files: Set<string>; dirs: string[] } | undefined {
  if (memo.has(root)) return memo.get(root);
  let listed: { files: Set<string>; dirs: string[] } | undefined;
  // A repository's own configuration must not run anything here (core.fsmonitor is a command).
  const r = spawnSync('git', ['-c', 'core.fsmonitor=false', 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 30_000,
  });
  if (r.status === 0 && typeof r.stdout === 'string') {
    const entries = r.stdout.split('\0').filter((e) => e !== '');
    listed = { files: new Set(entries.filter((e) => !e.endsWith('/'))), dirs: entries.filter((e) => e.endsWith('/')) };
  }
  memo.set(root, listed);
  return listed;
}

/** Is this file (absolute path) one git ignores in its repository? */
export function isGitIgnored(absoluteFile: string, cwd: string): boolean {
  const root = repositoryRoot(cwd);
  const rel = relative(root, absoluteFile);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  const posix = sep === '/' ? rel : rel.split(sep).join('/');
  const listed = listIgnored(root);
  if (listed === undefined) return false;
  return listed.files.has(posix) || listed.dirs.some((d) => posix.startsWith(d));
}
