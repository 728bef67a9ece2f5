import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { nodeChildProcess } from '../builtins/child-process.js';
import { spawnWithSocketStdout, type SocketStdoutChild } from './socket-stdout.js';

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
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_LAZY_FETCH: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    LC_ALL: 'C',
    ...extraEnv.getStore(),
  };
}

/**
 * Extra environment for every git child started inside `withGitEnv`: a scan of a damaged
 * repository reruns with the objects recovered from a truncated pack as an alternate object
 * directory, and every git call of that scan (deep in many modules) must see them. Scoped to the
 * async call tree, so a concurrent scan of another repository is not affected.
 */
const extraEnv = new AsyncLocalStorage<Readonly<Record<string, string>>>();

export function withGitEnv<T>(env: Readonly<Record<string, string>>, run: () => Promise<T>): Promise<T> {
  return extraEnv.run({ ...extraEnv.getStore(), ...env }, run);
}

/**
 * Settings of the user's that would change output we parse: quoted paths, the signature check
 * that `log.showSignature` prints into `git log`'s stdout (and that runs gpg or ssh per commit),
 * and names and messages re-encoded away from UTF-8 by `i18n.logOutputEncoding`.
 */
const BASE_ARGS = ['-c', 'core.quotePath=false', '-c', 'log.showSignature=false', '-c', 'i18n.logOutputEncoding=UTF-8', '--no-pager'];

export function spawnGit(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return nodeChildProcess().spawn('git', [...BASE_ARGS, ...args], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** As `spawnGit`, with stdout read through a socket into one reused buffer (see `spawnWithSocketStdout`); undefined where unavailable. */
export function spawnGitSocketStdout(cwd: string, args: readonly string[], onChunk: (chunk: Buffer) => void): Promise<SocketStdoutChild | undefined> {
  return spawnWithSocketStdout('git', [...BASE_ARGS, ...args], { cwd, env: gitEnv() }, onChunk);
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
  /** What git wrote to stderr (its first 64 KiB), for an exit code the caller allowed. */
  readonly stderr: string;
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
      if (exit === 0 || options.okCodes?.includes(exit)) return resolve({ stdout: Buffer.concat(out), code: exit, stderr: err });
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
 * The pieces of a long line are kept apart and joined once, so a line of 100 MB (a commit subject)
 * costs its size, not its size times the number of chunks it spans.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  return {
    push(chunk) {
      const text = decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const part = text.slice(start, nl);
        if (pending.length > 0) {
          pending.push(part);
          onLine(pending.join(''));
          pending = [];
        } else onLine(part);
        start = nl + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
    },
    end() {
      pending.push(decoder.end());
      const rest = pending.join('');
      pending = [];
      if (rest !== '') onLine(rest);
    },
  };
}

/** A token over a splitter's limit: only its size is known, its bytes were dropped as they came. */
export interface OversizedToken {
  readonly size: number;
}

/**
 * Split a stream on NUL bytes into UTF-8 tokens, in time linear in the input: the pieces of a
 * token are joined once it ends. A token longer than `maxToken()` bytes (asked as each token starts) is never held: its bytes are
 * dropped as they arrive and `onToken` gets its size instead (a 100 MB commit message past
 * `--max-file-size`).
 */
export function nulSplitter(
  onToken: (token: string) => void,
  limit?: { readonly maxToken: () => number; readonly onOversized: (token: OversizedToken) => void },
): { push(chunk: Buffer): void; end(): void } {
  let max = limit?.maxToken() ?? Number.POSITIVE_INFINITY;
  let pieces: Buffer[] = [];
  let size = 0;
  const take = (part: Buffer) => {
    size += part.length;
    if (size > max) pieces = [];
    else if (part.length > 0) pieces.push(part);
  };
  const emit = () => {
    if (size > max) limit?.onOversized({ size });
    else onToken(pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces, size).toString('utf8'));
    pieces = [];
    size = 0;
    max = limit?.maxToken() ?? Number.POSITIVE_INFINITY;
  };
  return {
    push(chunk) {
      let start = 0;
      for (let nul = chunk.indexOf(0); nul !== -1; nul = chunk.indexOf(0, start)) {
        take(chunk.subarray(start, nul));
        emit();
        start = nul + 1;
      }
      // Copied: a view would keep the whole pipe chunk alive for a few bytes.
      if (start < chunk.length) take(Buffer.from(chunk.subarray(start)));
    },
    end() {
      if (size > 0) emit();
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
