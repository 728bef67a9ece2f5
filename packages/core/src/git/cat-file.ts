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

/**
 * Stream every blob of the store in pack order (the order git inflates fastest), handing over
 * those `wants` accepts. One `git cat-file --batch-check` lists the store without inflating
 * anything (`--batch-all-objects --unordered`: pack order), and the blob ids it names are relayed,
 * as they come, to `git cat-file --batch` processes that read only those. Trees and commits, most
 * of the objects of a history, are never inflated or sent: on eslint/eslint that is 160,000 of
 * 226,000 objects and 300 MB, and git spends about a quarter less CPU than inflating the whole
 * store (on a history of small edits to large files, where blobs are nearly all of the bytes, it
 * is about even).
 * With `readers` above one, the store is cut into that many consecutive parts of about equal size
 * on disk, one per reader, so git inflates on several cores until the end (one reader is what a
 * full scan waits on once the other git calls are done). Each reader keeps to its own part of the
 * pack and finds nearly every delta base in its own cache: handing out short runs in turn instead
 * cost git a third more CPU, parts of a whole cost it under a tenth.
 * Returns false when git stopped early (a corrupt object, a pack it refuses, or `signal`
 * stopped it): the caller reads what is left by id.
 */
export interface WholeStoreOptions {
  /** Stops git early. */
  readonly signal?: AbortSignal;
  /**
   * Called once every git process is running: a caller that has other git calls to make waits
   * for this first, since every process start holds up the next one and the stream is what the
   * scan waits on.
   */
  readonly onStarted?: () => void;
  /** Each annotated tag object the store lists (rev-list names them among reachable objects). */
  readonly onTag?: (id: string) => void;
  /** `git cat-file --batch` processes inflating at once (default 1); more only with `storeBytes`. */
  readonly readers?: number;
  /** About how many bytes the store takes on disk (its packs): where to cut it into parts. */
  readonly storeBytes?: number;
}

/**
 * Ids queued for one reader before the lister waits. A reader's part arrives while the reader
 * before it is still busy, so ids are queued rather than held up (a reader that waits for the
 * lister to get past its neighbour's part would leave its core idle); the cap bounds the memory
 * on a store of millions of blobs.
 */
const MAX_QUEUED_ID_BYTES = 32 * 1024 * 1024;

export async function readAllBlobs(
  cwd: string,
  wants: (id: string, size: number) => boolean,
  onBlob: BlobHandler,
  { signal, onStarted, onTag, readers = 1, storeBytes = 0 }: WholeStoreOptions = {},
): Promise<boolean> {
  const count = storeBytes > 0 ? Math.max(1, Math.floor(readers)) : 1;
  // Each object's size on disk tells where it lies in the store, and so whose part it is in.
  const format = count > 1 ? '%(objectname) %(objecttype) %(objectsize) %(objectsize:disk)' : '%(objectname) %(objecttype) %(objectsize)';
  const listArgs = ['cat-file', '--batch-all-objects', `--batch-check=${format}`, '--unordered'];
  const part = storeBytes / count;
  // One stop for everything: a reader that fails (or the caller's signal) ends the others and the lister.
  const stopAll = new AbortController();
  const onAbort = () => stopAll.abort();
  if (signal?.aborted) stopAll.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const requested: number[] = new Array<number>(count).fill(0);
  const stdins: (Writable | undefined)[] = new Array<Writable | undefined>(count).fill(undefined);
  let listed: Promise<number | null> = Promise.resolve(null);

  const startLister = (): void => {
    const inputs = stdins as Writable[];
    const lister = spawnGit(cwd, listArgs);
    const stopLister = () => void lister.kill();
    stopAll.signal.addEventListener('abort', stopLister, { once: true });
    lister.stdin.end();
    lister.stderr.resume();
    const pending: string[][] = inputs.map(() => []);
    let current = 0;
    let onDisk = 0;
    // Most listed objects are trees and commits: they are passed over without splitting the line.
    const split = lineSplitter((line) => {
      const space = line.indexOf(' ');
      if (count > 1) {
        onDisk += Number(line.slice(line.lastIndexOf(' ') + 1));
        current = Math.min(count - 1, Math.floor(onDisk / part));
      }
      if (line.startsWith('blob ', space + 1)) {
        const id = line.slice(0, space);
        const size = line.slice(space + 6, count > 1 ? line.indexOf(' ', space + 6) : undefined);
        if (wants(id, Number(size))) (pending[current] as string[]).push(id);
      } else if (line.startsWith('tag ', space + 1)) onTag?.(line.slice(0, space));
    });
    /** Write what is pending to each reader; the reader whose queue is over the cap, if one is. */
    const flush = (): Writable | undefined => {
      let full: Writable | undefined;
      inputs.forEach((stdin, k) => {
        const ids = pending[k] as string[];
        if (ids.length === 0) return;
        requested[k] = (requested[k] as number) + ids.length;
        pending[k] = [];
        // One reader queues what its pipe does not hold (the single reader of a small store
        // never needs to); several readers queue up to the cap (see MAX_QUEUED_ID_BYTES).
        if (!stdin.write(ids.join('\n') + '\n') && (count === 1 || stdin.writableLength > MAX_QUEUED_ID_BYTES)) full ??= stdin;
      });
      return full;
    };
    lister.stdout.on('data', (chunk: Buffer) => {
      split.push(chunk);
      const full = flush();
      if (full) {
        lister.stdout.pause();
        full.once('drain', () => lister.stdout.resume());
      }
    });
    listed = new Promise((resolve) => {
      const end = (code: number | null) => {
        stopAll.signal.removeEventListener('abort', stopLister);
        for (const stdin of inputs) stdin.end();
        resolve(code);
      };
      lister.on('error', () => end(null));
      lister.on('close', (code) => {
        split.end();
        flush();
        end(code);
      });
    });
    onStarted?.();
  };

  const reading = stdins.map((_, k) => {
    // `wants` was asked once, as the lister named each blob: what reaches a reader is wanted.
    const parser = new BatchParser((_id, type) => type === 'blob', onBlob, () => undefined);
    const feed = (stdin: Writable): void => {
      stdins[k] = stdin;
      if (stdins.every((s) => s !== undefined)) startLister();
    };
    return runBatch(cwd, ['cat-file', '--batch', '--buffer'], parser, feed, { viaSocket: true, signal: stopAll.signal }).then(
      (outcome) => {
        // A reader that died early (a corrupt object) leaves the lister waiting on a full pipe.
        if (outcome.code !== 0) stopAll.abort();
        return outcome;
      },
      (error: unknown) => {
        stopAll.abort();
        throw error;
      },
    );
  });
  try {
    // Every reader is waited for (a failed one has stopped the others), so none fails unwatched.
    const settled = await Promise.allSettled(reading);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const outcomes = settled.map((r) => (r as PromiseFulfilledResult<Outcome>).value);
    const listCode = await listed;
    return listCode === 0 && outcomes.every((o, k) => o.code === 0 && o.answered >= (requested[k] as number));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
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
