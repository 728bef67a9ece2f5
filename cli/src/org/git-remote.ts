import { nodeChildProcess } from '@shippo-keyguard/core/builtins';

/** A git command against a remote failed: git's first error line (never a credential: none is in a URL or argument). */
export class RemoteGitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteGitError';
  }
}

/**
 * The environment that lets git authenticate to `serverUrl` with a token, the way actions/checkout
 * does (an `http.<url>.extraheader`), but through GIT_CONFIG_COUNT/KEY/VALUE variables: the token is
 * never written to a config file, a URL, an argument (visible in `ps`) or a log, and is sent only
 * to that server.
 */
export function gitAuthEnv(serverUrl: string, token: string | undefined, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  if (!token || !/^https?:\/\//.test(serverUrl)) return env;
  const n = Number(base['GIT_CONFIG_COUNT'] ?? 0) || 0;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  env['GIT_CONFIG_COUNT'] = String(n + 1);
  env[`GIT_CONFIG_KEY_${n}`] = `http.${serverUrl}/.extraheader`;
  env[`GIT_CONFIG_VALUE_${n}`] = `AUTHORIZATION: basic ${basic}`;
  return env;
}

export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    const child = nodeChildProcess().spawn('git', [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => fail(new RemoteGitError(`git ${args[0]}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return done(Buffer.concat(out).toString('utf8'));
      const line = err.split('\n').map((l) => l.trim()).find((l) => /^(fatal|error):/.test(l)) ?? err.trim().split('\n')[0] ?? '';
      fail(new RemoteGitError(`git ${args[0]} failed: ${line.replace(/^(fatal|error):\s*/, '') || `exit ${code}`}`));
    });
  });
}

/** GitHub recomputes `refs/pull/N/merge` whenever a base branch moves: not history of its own, and never "moved". */
export function isTrackedRef(ref: string): boolean {
  return ref.startsWith('refs/') && !/^refs\/pull\/[^/]+\/merge$/.test(ref);
}

export interface RemoteRefs {
  /** Ref name -> commit (or tag object) id, tracked refs only. */
  readonly refs: Record<string, string>;
  /** The ref HEAD points to (the default branch), when the server says. */
  readonly head?: string;
}

/** `git ls-remote --symref`: every ref's tip, without cloning. */
export async function listRemoteRefs(url: string, env: NodeJS.ProcessEnv, cwd: string): Promise<RemoteRefs> {
  const out = await git(cwd, ['ls-remote', '--symref', url], env);
  const refs: Record<string, string> = {};
  let head: string | undefined;
  for (const line of out.split('\n')) {
    const sym = /^ref: (\S+)\tHEAD$/.exec(line);
    if (sym) {
      head = sym[1];
      continue;
    }
    const m = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line);
    if (m && !m[2]!.endsWith('^{}') && isTrackedRef(m[2]!)) refs[m[2]!] = m[1]!;
  }
  return { refs, ...(head ? { head } : {}) };
}

/**
 * A bare clone with every tracked ref (branches, tags, notes, pull request heads; full history):
 * `git clone --mirror` without GitHub's synthetic merge refs. The origin remote is recorded (it
 * holds no credential) so reports name the repository.
 */
export async function cloneBare(url: string, dir: string, head: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  await git(cwd, ['init', '--bare', '--quiet', dir], env);
  await git(dir, ['config', 'remote.origin.url', url], env);
  await git(dir, ['fetch', '--quiet', '--no-write-fetch-head', 'origin', '+refs/*:refs/*', '^refs/pull/*/merge'], env);
  if (head) await git(dir, ['symbolic-ref', 'HEAD', head], env);
}

/** The commits among `ids` that the clone has (an old tip may be gone after a force push). */
export async function presentCommits(dir: string, ids: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const present: string[] = [];
  for (const id of new Set(ids)) {
    try {
      await git(dir, ['cat-file', '-e', `${id}^{commit}`], env);
      present.push(id);
    } catch {
      // Not in the clone: the ref was rewritten; its history is scanned again.
    }
  }
  return present;
}
