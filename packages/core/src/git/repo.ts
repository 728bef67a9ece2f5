import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadRevisionError, GitError, NotAGitRepositoryError, gitText, runGit } from './exec.js';

/** What the scan needs to know about a repository before reading it. */
export interface RepoInfo {
  /** Where git commands run: the work tree top level, or the git dir of a bare repository. */
  readonly root: string;
  readonly gitDir: string;
  /** The object directory, where loose objects are (known on the common path only). */
  readonly objects?: string;
  readonly bare: boolean;
  readonly shallow: boolean;
  /** HEAD's commit, absent before the first commit. */
  readonly head?: string;
  readonly branch?: string;
  /** `remote.origin.url` without credentials, or the repository's file URL (also when the remote was not asked for). */
  readonly uri: string;
}

export interface OpenRepoOptions {
  /**
   * Read `remote.origin.url` for `uri` (default true). A commit hook whose report never names the
   * repository skips it: one git process fewer to start, each start blocking Node for several ms.
   */
  readonly remote?: boolean;
}

/** Remove `user:password@` from a remote URL: CI tokens live there. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export async function openRepo(dir: string, options: OpenRepoOptions = {}): Promise<RepoInfo> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new NotAGitRepositoryError(abs);
  const remote = options.remote ?? true;
  return (await openWorkTree(abs, remote)) ?? (await openAnyRepo(abs, remote));
}

/** Stands in for `git config`'s answer when the remote was not asked for: no URL, as with no remote. */
const NO_REMOTE = Promise.resolve({ stdout: Buffer.alloc(0), code: 1, stderr: '' });

/**
 * The common cases in one round of git calls instead of up to five in a row: each process start
 * costs a commit hook tens of milliseconds on a busy machine, and a history scan waits for this
 * before its stream starts. A work tree with a commit checked out answers every question; a bare
 * repository answers all but the last (`--show-toplevel`, which git refuses there after printing
 * the earlier answers). Anything else (no commit yet, inside .git, no repository at all) is left
 * to the general path, which tells those cases apart.
 */
async function openWorkTree(abs: string, remote: boolean): Promise<RepoInfo | undefined> {
  // Both at once: the remote is read from any directory of the repository, and a hook waits for
  // one git start instead of two in a row.
  const [out, originOut] = await Promise.all([
    runGit(abs, ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--is-shallow-repository', '--git-path', 'objects', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD', '--show-toplevel'], {
      okCodes: [128],
    }).catch(() => undefined),
    remote ? runGit(abs, ['config', '--get', 'remote.origin.url'], { okCodes: [1] }).catch(() => undefined) : NO_REMOTE,
  ]);
  if (out === undefined || originOut === undefined) return undefined;
  const [bare, gitDir, shallow, objects, head, symbolic, top] = out.stdout.toString('utf8').split('\n');
  if (!gitDir || !objects || !head || !/^[0-9a-f]{40,64}$/.test(head) || !symbolic) return undefined;
  let root: string;
  if (out.code === 0 && bare === 'false' && top) root = top;
  else if (out.code === 128 && bare === 'true' && /must be run in a work tree/.test(out.stderr)) root = gitDir;
  else return undefined;
  const origin = originOut.stdout.toString('utf8').trim();
  const uri = origin ? stripCredentials(origin) : pathToFileURL(root).href;
  // `--symbolic-full-name HEAD` names the branch (refs/heads/x), or says HEAD when it is detached.
  const branch = symbolic === 'HEAD' ? undefined : symbolic.replace(/^refs\/heads\//, '');
  // `--git-path` answers relative to the directory it ran in, and honours GIT_OBJECT_DIRECTORY and linked work trees.
  return { root, gitDir, objects: resolve(abs, objects), bare: bare === 'true', shallow: shallow === 'true', uri, head, ...(branch ? { branch } : {}) };
}

async function openAnyRepo(abs: string, remote: boolean): Promise<RepoInfo> {
  let lines: string[];
  try {
    // One call for a work tree; a bare repository has no top level, so it needs a second.
    lines = (await gitText(abs, ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--is-shallow-repository', '--show-toplevel'])).split('\n');
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    try {
      lines = (await gitText(abs, ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--is-shallow-repository'])).split('\n');
    } catch (refused) {
      // No git at all, or git found a repository but will not use it ("dubious ownership" in a
      // container, a newer format): say so, not "not a git repository".
      if (refused instanceof GitError && refused.exitCode === null) throw refused;
      if (refused instanceof GitError && !/not a git repository/i.test(refused.message)) {
        throw new GitError(`git refused the repository at ${abs}: ${refused.message}`, refused.args, refused.exitCode);
      }
      throw new NotAGitRepositoryError(abs);
    }
  }
  const bare = lines[0] === 'true';
  const gitDir = lines[1] ?? abs;
  const shallow = lines[2] === 'true';
  // Inside the .git directory of a non-bare repository there is no top level: work from the git dir.
  const root = !bare && lines[3] ? lines[3] : gitDir;
  const [headOut, branchOut, originOut] = await Promise.all([
    runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { okCodes: [1] }),
    runGit(root, ['symbolic-ref', '--short', '-q', 'HEAD'], { okCodes: [1] }),
    remote ? runGit(root, ['config', '--get', 'remote.origin.url'], { okCodes: [1] }) : NO_REMOTE,
  ]);
  const head = headOut.stdout.toString('utf8').trim() || undefined;
  const branch = branchOut.stdout.toString('utf8').trim() || undefined;
  const origin = originOut.stdout.toString('utf8').trim();
  const uri = origin ? stripCredentials(origin) : pathToFileURL(root).href;
  return { root, gitDir, bare, shallow, uri, ...(head ? { head } : {}), ...(branch ? { branch } : {}) };
}

/** The commit a revision names, or a BadRevisionError with a one-line reason. */
export async function resolveCommit(root: string, rev: string): Promise<string> {
  if (rev === '' || rev.startsWith('-')) throw new BadRevisionError(`bad revision "${rev}"`, [rev]);
  const out = await runGit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okCodes: [1] });
  const sha = out.stdout.toString('utf8').trim();
  if (out.code !== 0 || sha === '') throw new BadRevisionError(`bad revision "${rev}": no such commit`, [rev]);
  return sha;
}

/** Every stash entry (refs/stash's reflog), not just the newest one that `--all` reaches. */
export async function stashCommits(root: string): Promise<string[]> {
  const out = await runGit(root, ['log', '-g', '--format=%H', 'refs/stash', '--'], { okCodes: [128] });
  if (out.code !== 0) return [];
  return out.stdout.toString('utf8').split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
}

/**
 * The commits of every stash entry, each named as `git stash list` names its entry (`stash@{0}`):
 * the entry's own (work tree) commit and its index and untracked-files parents, not the commit
 * it was made on.
 */
export async function stashEntries(root: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const out = await runGit(root, ['log', '-g', '--format=%H %P', 'refs/stash', '--'], { okCodes: [128] });
  if (out.code !== 0) return names;
  const lines = out.stdout.toString('utf8').split('\n').filter((l) => /^[0-9a-f]{40,64}( |$)/.test(l));
  for (const [n, line] of lines.entries()) {
    const [own = '', , ...stashParents] = line.split(' ');
    for (const commit of [own, ...stashParents]) if (!names.has(commit)) names.set(commit, `stash@{${n}}`);
  }
  return names;
}

/** The merge bases of two commits (for `A...B`). */
export async function mergeBases(root: string, a: string, b: string): Promise<string[]> {
  const out = await runGit(root, ['merge-base', '--all', '--end-of-options', a, b], { okCodes: [1] });
  return out.stdout.toString('utf8').split('\n').filter((l) => l !== '');
}

/** The repository's object id format: `sha1` (40 hex digits) or `sha256` (64). */
export async function objectFormat(root: string): Promise<'sha1' | 'sha256'> {
  const out = await runGit(root, ['rev-parse', '--show-object-format'], { okCodes: [128] });
  return out.stdout.toString('utf8').trim() === 'sha256' ? 'sha256' : 'sha1';
}

/** Hex digits of a full object id in each format. */
export const OBJECT_ID_LENGTH = { sha1: 40, sha256: 64 } as const;

/**
 * The type of each of these objects (`commit`, `tag`, ...), or `missing`: one `git cat-file
 * --batch-check` for all of them. Ids go on stdin, never on the command line.
 */
export async function objectTypes(root: string, ids: readonly string[]): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  if (ids.length === 0) return types;
  const out = await runGit(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: `${ids.join('\n')}\n` });
  const lines = out.stdout.toString('utf8').split('\n');
  ids.forEach((id, i) => {
    const [name, type] = (lines[i] ?? '').split(' ');
    types.set(id, name === id && type ? type : 'missing');
  });
  return types;
}
