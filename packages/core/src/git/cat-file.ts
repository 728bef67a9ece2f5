import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { GitError, gitErrorLine, lineSplitter, spawnGit, spawnGitSocketStdout } from './exec.js';

/** Called for each blob read; `content` is only valid during the call (it may view a pipe chunk). */
export type BlobHandler = (id: string, content: Buffer) => void;

const LF = 10;

/** Largest assembly buffer kept between blobs. */
const MAX_KEPT_SCRATCH = 16 * 1024 * 1024;

/**
 * Parser of `git cat-file --batch` output. Contents are never decoded: a blob that sits inside
 * one pipe chunk is handed over as a view, a larger one is assembled into a buffer of exactly its
 * size, and objects nobody wants (trees, commits, oversized blobs) are skipped without being held,
 * so memory is one blob at a time.
 */
class BatchParser {
  #header: Buffer | undefined;
  #body: Buffer | undefined;
  #filled = 0;
  #need = 0;
  #keep = false;
  #id = '';
  #skipLf = false;
  #scratch: Buffer = Buffer.allocUnsafe(1024 * 1024);
  /** Objects fully answered (read, skipped or missing). */
  answered = 0;

  constructor(
    private readonly wants: (id: string, type: string, size: number) => boolean,
    private readonly onBlob: BlobHandler,
    private readonly onMissing: (id: string, reason: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#skipLf) {
        this.#skipLf = false;
        if (chunk[pos] === LF) pos++;
        continue;
      }
      if (this.#need > 0) {
        const available = chunk.length - pos;
        if (!this.#keep) {
          const take = Math.min(available, this.#need);
          pos += take;
          this.#need -= take;
          if (this.#need === 0) this.#done();
          continue;
        }
        if (this.#body === undefined && available >= this.#need) {
          this.onBlob(this.#id, chunk.subarray(pos, pos + this.#need));
          pos += this.#need;
          this.#need = 0;
          this.#done();
          continue;
        }
        const body = (this.#body ??= this.#scratchFor(this.#need));
        const take = Math.min(available, body.length - this.#filled);
        chunk.copy(body, this.#filled, pos, pos + take);
        this.#filled += take;
        pos += take;
        if (this.#filled === body.length) {
          this.#body = undefined;
          this.#filled = 0;
          this.#need = 0;
          this.onBlob(this.#id, body);
          // Do not keep a buffer sized for one huge blob.
          if (this.#scratch.length > MAX_KEPT_SCRATCH) this.#scratch = Buffer.allocUnsafe(0);
          this.#done();
        }
        continue;
      }
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        this.#header = this.#header ? Buffer.concat([this.#header, chunk.subarray(pos)]) : Buffer.from(chunk.subarray(pos));
        return;
      }
      const part = chunk.subarray(pos, nl);
      const line = (this.#header ? Buffer.concat([this.#header, part]) : part).toString('latin1');
      this.#header = undefined;
      pos = nl + 1;
      this.#onHeader(line);
    }
  }

  /**
   * A blob spread over several pipe chunks is assembled in one reused buffer (handlers never keep
   * it): allocating a fresh one per blob churns external memory and keeps the GC busy.
   */
  #scratchFor(size: number): Buffer {
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(Math.max(size, Math.min(2 * this.#scratch.length, MAX_KEPT_SCRATCH)));
    return this.#scratch.subarray(0, size);
  }

  #onHeader(line: string): void {
    const [id = '', type = '', size = ''] = line.split(' ');
    if (type === 'missing' || type === 'ambiguous' || size === '') {
      this.onMissing(id, type || 'unreadable');
      this.answered++;
      return;
    }
    this.#id = id;
    this.#need = Number(size);
    this.#keep = this.wants(id, type, this.#need);
    if (this.#need === 0) {
      if (this.#keep) this.onBlob(id, Buffer.alloc(0));
      this.#done();
    }
  }

  #done(): void {
    this.answered++;
    this.#skipLf = true;
  }
}

interface Outcome {
  readonly code: number | null;
  readonly answered: number;
  readonly stderr: string;
}

/**
 * Run one `git cat-file --batch*`, with `feed` writing its stdin (and ending it), and parse its stdout.
 * `viaSocket`: read stdout through a socket into one reused buffer where the platform allows
 * (a whole-store stream of gigabytes); a plain pipe otherwise. `signal` stops git early.
 */
async function runBatch(
  cwd: string,
  args: readonly string[],
  parser: BatchParser,
  feed: (stdin: Writable) => void,
  { viaSocket = false, signal }: { viaSocket?: boolean; signal?: AbortSignal } = {},
): Promise<Outcome> {
  let failure: Error | undefined;
  let stop = (): void => undefined;
  const onChunk = (chunk: Buffer) => {
    if (failure) return;
    try {
      parser.push(chunk);
    } catch (error) {
      failure = error as Error;
      stop();
    }
  };
  const socketed = viaSocket ? await spawnGitSocketStdout(cwd, args, onChunk) : undefined;
  const child: ChildProcess = socketed?.child ?? spawnGit(cwd, args);
  if (socketed === undefined) child.stdout!.on('data', onChunk);
  stop = () => {
    child.kill();
    socketed?.stop();
  };
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', () => stop(), { once: true });
  const stdin = child.stdin!;
  const exited = new Promise<Outcome>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 16 * 1024) stderr += chunk.toString('utf8');
    });
    stdin.on('error', () => {
      /* git died; the caller decides what to do from the exit code */
    });
    child.on('error', (error) => reject(new GitError(`cannot run git: ${error.message}`, args, null)));
    child.on('close', (code) => resolve({ code, answered: parser.answered, stderr }));
  });
  feed(stdin);
  const [outcome] = await Promise.all([exited, socketed?.drained.catch((error: Error) => void (failure ??= error))]);
  if (failure) throw failure;
  return { ...outcome, answered: parser.answered };
}

/** Feed ids in slices so a huge list never becomes one giant string; the pipe applies backpressure. */
function feedIds(ids: readonly string[]): (stdin: Writable) => void {
  return (stdin) => {
    const write = (i: number): void => {
      while (i < ids.length) {
        const slice = ids.slice(i, i + 4096).join('\n') + '\n';
        i += 4096;
        if (!stdin.write(slice)) {
          stdin.once('drain', () => write(i));
          return;
        }
      }
      stdin.end();
    };
    write(0);
  };
}

/**
 * Read the given blobs through one long-lived `git cat-file --batch --buffer`, in the order given.
 * Ids git reports missing go to `onMissing`; if git dies on a corrupt object, that object is
 * reported and the rest is read by a fresh process.
 */
export function readBlobs(
  cwd: string,
  ids: readonly string[],
  onBlob: BlobHandler,
  onMissing: (id: string, reason: string) => void,
  wants: (id: string, size: number) => boolean = () => true,
): Promise<void> {
  return readObjects(cwd, ids, 'blob', onBlob, onMissing, wants);
}

/** As `readBlobs`, for objects of another type (the tag objects a push sends); others are skipped unread. */
export async function readObjects(
  cwd: string,
  ids: readonly string[],
  type: 'blob' | 'tag' | 'commit',
  onObject: BlobHandler,
  onMissing: (id: string, reason: string) => void,
  wants: (id: string, size: number) => boolean = () => true,
): Promise<void> {
  let from = 0;
  while (from < ids.length) {
    const rest = from === 0 ? ids : ids.slice(from);
    const parser = new BatchParser((id, t, size) => t === type && wants(id, size), onObject, (id, reason) => onMissing(id, reason));
    const outcome = await runBatch(cwd, ['cat-file', '--batch', '--buffer'], parser, feedIds(rest));
    if (outcome.answered >= rest.length) return;
    if (outcome.code === 0 && outcome.answered === 0) throw new GitError('git cat-file ended without answering', ['cat-file'], 0);
    const stuck = rest[outcome.answered] as string;
    onMissing(stuck, gitErrorLine(outcome.stderr, `git cat-file exited with code ${outcome.code}`));
    from += outcome.answered + 1;
  }
}

/** How `readAllBlobs` is stopped, and what it tells besides the blobs. */
export interface WholeStoreOptions {
  /** Stops git early. */
  readonly signal?: AbortSignal;
  /**
   * Called once both git processes (the lister and the reader) are running: a caller that has
   * other git calls to make waits for this first, since every process start holds up the next
   * one and the stream is what the scan waits on.
   */
  readonly onStarted?: () => void;
  /** Each annotated tag object the store lists (rev-list names them among reachable objects). */
  readonly onTag?: (id: string) => void;
}

/**
 * Stream every blob of the store in pack order (the order git inflates fastest), handing over
 * those `wants` accepts. One `git cat-file --batch-check` lists the store without inflating
 * anything (`--batch-all-objects --unordered`: pack order), and the blob ids it names are relayed,
 * as they come, to a `git cat-file --batch` that reads only those. Trees and commits, most of the
 * objects of a history, are never inflated or sent: on eslint/eslint that is 160,000 of 226,000
 * objects and 300 MB, and git spends about a quarter less CPU than inflating the whole store
 * (on a history of small edits to large files, where blobs are nearly all of the bytes, it is
 * about even).
 * Returns false when git stopped early (a corrupt object, a pack it refuses, or `signal`
 * stopped it): the caller reads what is left by id.
 */
export async function readAllBlobs(
  cwd: string,
  wants: (id: string, size: number) => boolean,
  onBlob: BlobHandler,
  { signal, onStarted, onTag }: WholeStoreOptions = {},
): Promise<boolean> {
  // `wants` was asked once, as the lister named each blob: what reaches the reader is wanted.
  const parser = new BatchParser((_id, type) => type === 'blob', onBlob, () => undefined);
  const listArgs = ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)', '--unordered'];
  let requested = 0;
  let listed: Promise<number | null> = Promise.resolve(null);
  let stopLister = (): void => undefined;
  const relay = (stdin: Writable): void => {
    const lister = spawnGit(cwd, listArgs);
    stopLister = () => void lister.kill();
    signal?.addEventListener('abort', stopLister, { once: true });
    lister.stdin.end();
    lister.stderr.resume();
    let ids: string[] = [];
    // Most listed objects are trees and commits: they are passed over without splitting the line.
    const split = lineSplitter((line) => {
      const space = line.indexOf(' ');
      if (line.startsWith('blob ', space + 1)) {
        const id = line.slice(0, space);
        if (wants(id, Number(line.slice(space + 6)))) ids.push(id);
      } else if (line.startsWith('tag ', space + 1)) onTag?.(line.slice(0, space));
    });
    const flush = (): boolean => {
      if (ids.length === 0) return true;
      requested += ids.length;
      const text = ids.join('\n') + '\n';
      ids = [];
      return stdin.write(text);
    };
    lister.stdout.on('data', (chunk: Buffer) => {
      split.push(chunk);
      if (!flush()) {
        lister.stdout.pause();
        stdin.once('drain', () => lister.stdout.resume());
      }
    });
    listed = new Promise((resolve) => {
      lister.on('error', () => {
        stdin.end();
        resolve(null);
      });
      lister.on('close', (code) => {
        signal?.removeEventListener('abort', stopLister);
        split.end();
        flush();
        stdin.end();
        resolve(code);
      });
    });
    onStarted?.();
  };
  let outcome: Outcome;
  try {
    outcome = await runBatch(cwd, ['cat-file', '--batch', '--buffer'], parser, relay, {
      viaSocket: true,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    stopLister();
    throw error;
  }
  // A reader that died early (a corrupt object) leaves the lister waiting on a full pipe.
  if (outcome.code !== 0) stopLister();
  const listCode = await listed;
  return listCode === 0 && outcome.code === 0 && outcome.answered >= requested;
}

/** Split `items` into at most `parts` contiguous slices of about equal total `weight`. */
export function balancedSlices<T>(items: readonly T[], weight: (item: T) => number, parts: number): T[][] {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  const slices: T[][] = [];
  let current: T[] = [];
  let acc = 0;
  for (const item of items) {
    current.push(item);
    acc += weight(item);
    if (slices.length < parts - 1 && acc >= (total * (slices.length + 1)) / parts) {
      slices.push(current);
      current = [];
    }
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
