import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A git environment that ignores the machine's config and hooks, with a fixed identity and dates. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_') || k.startsWith('PRE_COMMIT') || k.startsWith('GITHUB_') || k.startsWith('INPUT_')) delete env[k];
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z',
    GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z',
    NO_COLOR: '1',
    ...extra,
  };
}

export interface Ran {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function sh(cmd: string, args: readonly string[], options: SpawnSyncOptions & { input?: string } = {}): Ran {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', env: gitEnv(), timeout: 60_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** `sh` without blocking the event loop, for runs that talk to a server in this process. */
export function shAsync(cmd: string, args: readonly string[], options: SpawnOptions = {}): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, [...args], { env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ status: code ?? -1, stdout, stderr }));
  });
}

/** Run git and fail loudly on a non-zero exit. */
export function git(cwd: string, ...args: string[]): string {
  const r = sh('git', args, { cwd });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr}`);
  return r.stdout.trim();
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `skg-${name}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function writeFile(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** A new repository on branch `main` with one commit per entry of `commits` (path -> content). */
export function makeRepo(dir: string, commits: readonly Record<string, string>[] = []): string[] {
  git(dir, 'init', '-q', '-b', 'main');
  const shas: string[] = [];
  commits.forEach((files, i) => {
    for (const [path, content] of Object.entries(files)) writeFile(dir, path, content);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `commit ${i + 1}`);
    shas.push(git(dir, 'rev-parse', 'HEAD'));
  });
  return shas;
}
