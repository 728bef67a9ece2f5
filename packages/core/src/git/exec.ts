import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

/** A git command failed: `message` is git's first error line, never a stack or the full stderr. */
export class GitError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  constructor(message: string, args: readonly string[], exitCode: number | null) {
    super(message);
    this.name = 'GitError';
    this.args = args;
    this.exitCode = exitCode;
  }
}

/** Not inside a git repository (or the directory does not exist). */
export class NotAGitRepositoryError extends GitError {
  constructor(dir: string) {
    super(`not a git repository: ${dir}`, [], 128);
    this.name = 'NotAGitRepositoryError';
  }
}

/** A revision, range or rev-list argument that git rejected. */
export class BadRevisionError extends GitError {
  constructor(message: string, args: readonly string[]) {
    super(message, args, 128);
    this.name = 'BadRevisionError';
  }
}

/**
 * Environment for every git child: never prompt, never fetch missing objects of a partial clone
 * behind the user's back (git 2.44+ honours GIT_NO_LAZY_FETCH), stable messages, and the objects
 * as stored: a `git replace` stand-in must not hide the commit that a clone gets (the stand-ins
 * themselves are under refs/replace/, which `--all` reads too).
 */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1', GIT_OPTIONAL_LOCKS: '0', GIT_NO_REPLACE_OBJECTS: '1', LC_ALL: 'C' };
}

/**
 * Settings of the user's that would change output we parse: quoted paths, the signature check
 * that `log.showSignature` prints into `git log`'s stdout (and that runs gpg or ssh per commit),
 * and names and messages re-encoded away from UTF-8 by `i18n.logOutputEncoding`.
 */
const BASE_ARGS = ['-c', 'core.quotePath=false', '-c', 'log.showSignature=false', '-c', 'i18n.logOutputEncoding=UTF-8', '--no-pager'];

export function spawnGit(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn('git', [...BASE_ARGS, ...args], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** First meaningful line of git's stderr, without the `fatal: ` / `error: ` prefix. */
export function gitErrorLine(stderr: string, fallback: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(fatal|error):/.test(l)) ?? stderr.split('\n').find((l) => l.trim() !== '');
  return (line ?? fallback).replace(/^(fatal|error):\s*/, '').trim() || fallback;
}

export interface GitRunOptions {
  readonly input?: string;
  /** Exit codes that are not errors (e.g. 1 for `symbolic-ref -q`). */
  readonly okCodes?: readonly number[];
  /** Called with each stdout chunk instead of collecting it. */
  readonly onData?: (chunk: Buffer) => void;
}

export interface GitOutput {
  readonly stdout: Buffer;
  readonly code: number;
}

/** Run git to completion; collects stdout (unless `onData` streams it) and turns failure into a GitError. */
export function runGit(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(cwd, args);
    const out: Buffer[] = [];
    let err = '';
    let failed: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      if (options.onData) {
        try {
          options.onData(chunk);
        } catch (error) {
          failed = error as Error;
          child.kill();
        }
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new GitError(`cannot run git: ${error.message}`, args, null)));
    child.stdin.on('error', () => {
      /* git exited before reading all input; the close handler reports why */
    });
    child.on('close', (code) => {
      if (failed) return reject(failed);
      const exit = code ?? -1;
      if (exit === 0 || options.okCodes?.includes(exit)) return resolve({ stdout: Buffer.concat(out), code: exit });
      reject(new GitError(gitErrorLine(err, `git ${args[0] ?? ''} failed with exit code ${exit}`), args, code));
    });
    child.stdin.end(options.input ?? '');
  });
}

export async function gitText(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<string> {
  return (await runGit(cwd, args, options)).stdout.toString('utf8');
}

/**
 * Split a stream into lines (LF), calling `onLine` for each complete one; returns a flush for the tail.
 * A pipe chunk can end inside a UTF-8 character (a path, an author): the decoder keeps its bytes.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  return {
    push(chunk) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    },
    end() {
      rest += decoder.end();
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

/** Split a stream on NUL bytes into UTF-8 tokens. */
export function nulSplitter(onToken: (token: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nul = data.indexOf(0); nul !== -1; nul = data.indexOf(0, start)) {
        onToken(data.toString('utf8', start, nul));
        start = nul + 1;
      }
      rest = Buffer.from(data.subarray(start));
    },
    end() {
      if (rest.length > 0) onToken(rest.toString('utf8'));
      rest = Buffer.alloc(0);
    },
  };
}

/** Undo git's C-style quoting of a path (`"a\tb"`), used when a path holds special characters. */
export function unquotePath(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const bytes: number[] = [];
  // Escapes are ASCII, so undo them on the bytes: raw UTF-8 (core.quotePath=false) passes as is.
  const body = Buffer.from(path.slice(1, -1), 'utf8');
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c !== 92) {
      bytes.push(c);
      continue;
    }
    const next = String.fromCharCode(body[i + 1] ?? 0);
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.toString('latin1', i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
