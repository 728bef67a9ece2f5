import { GitError, gitErrorLine, spawnGit } from './exec.js';

/** Called for each blob read; `content` is only valid during the call (it may view a pipe chunk). */
export type BlobHandler = (id: string, content: Buffer) => void;

const LF = 10;

/**
 * Read objects through one long-lived `git cat-file --batch --buffer`, in the order given.
 * Contents are never decoded: a blob that sits inside one pipe chunk is handed over as a view,
 * a larger one is assembled into a buffer of exactly its size, so memory is one blob at a time.
 * Ids git reports as missing go to `onMissing`; if git dies (a corrupt object), the object being
 * read is reported missing and the rest is read by a fresh process.
 */
export async function readBlobs(
  cwd: string,
  ids: readonly string[],
  onBlob: BlobHandler,
  onMissing: (id: string, reason: string) => void,
): Promise<void> {
  let next = 0;
  while (next < ids.length) {
    const done = await readSome(cwd, ids, next, onBlob, onMissing);
    if (done.completed) return;
    // git died while reading ids[done.at]: report it and carry on after it.
    const id = ids[done.at];
    if (id !== undefined) onMissing(id, done.reason);
    next = done.at + 1;
  }
}

interface ReadOutcome {
  readonly completed: boolean;
  readonly at: number;
  readonly reason: string;
}

function readSome(
  cwd: string,
  ids: readonly string[],
  from: number,
  onBlob: BlobHandler,
  onMissing: (id: string, reason: string) => void,
): Promise<ReadOutcome> {
  return new Promise((resolve, reject) => {
    const args = ['cat-file', '--batch', '--buffer'];
    const child = spawnGit(cwd, args);
    let at = from;
    let header: Buffer | undefined;
    let body: Buffer | undefined;
    let bodyId = '';
    let bodyFilled = 0;
    let need = 0; // bytes of the current body still to come (then one LF)
    let skipLf = false;
    let failure: Error | undefined;
    let stderr = '';

    const onHeader = (line: string) => {
      const parts = line.split(' ');
      const id = parts[0] ?? '';
      if (parts[1] === 'missing' || parts[1] === 'ambiguous' || parts.length < 3) {
        onMissing(ids[at] ?? id, parts[1] ?? 'unreadable');
        at++;
        return;
      }
      bodyId = id;
      need = Number(parts[2]);
      bodyFilled = 0;
      body = undefined;
      if (need === 0) {
        onBlob(bodyId, Buffer.alloc(0));
        at++;
        skipLf = true;
      }
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        let pos = 0;
        while (pos < chunk.length) {
          if (skipLf) {
            skipLf = false;
            if (chunk[pos] === LF) pos++;
            continue;
          }
          if (need > 0) {
            const available = chunk.length - pos;
            if (body === undefined && available >= need) {
              onBlob(bodyId, chunk.subarray(pos, pos + need));
              pos += need;
              need = 0;
              at++;
              skipLf = true;
              continue;
            }
            body ??= Buffer.allocUnsafe(need);
            const take = Math.min(available, body.length - bodyFilled);
            chunk.copy(body, bodyFilled, pos, pos + take);
            bodyFilled += take;
            pos += take;
            if (bodyFilled === body.length) {
              const full = body;
              body = undefined;
              need = 0;
              onBlob(bodyId, full);
              at++;
              skipLf = true;
            }
            continue;
          }
          const nl = chunk.indexOf(LF, pos);
          if (nl === -1) {
            header = header ? Buffer.concat([header, chunk.subarray(pos)]) : Buffer.from(chunk.subarray(pos));
            break;
          }
          const part = chunk.subarray(pos, nl);
          const line = (header ? Buffer.concat([header, part]) : part).toString('latin1');
          header = undefined;
          pos = nl + 1;
          onHeader(line);
        }
      } catch (error) {
        failure = error as Error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 16 * 1024) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {
      /* git died; the close handler restarts after the object it choked on */
    });
    child.on('error', (error) => reject(new GitError(`cannot run git: ${error.message}`, args, null)));
    child.on('close', (code) => {
      if (failure) return reject(failure);
      if (at >= ids.length) return resolve({ completed: true, at, reason: '' });
      if (code === 0 && at === from) {
        return reject(new GitError('git cat-file ended without answering', args, code));
      }
      resolve({ completed: false, at, reason: gitErrorLine(stderr, `git cat-file exited with code ${code}`) });
    });
    // Feed ids in slices so a huge list never becomes one giant string; the pipe applies backpressure.
    const write = (i: number): void => {
      while (i < ids.length) {
        const slice = ids.slice(i, i + 4096).join('\n') + '\n';
        i += 4096;
        if (!child.stdin.write(slice)) {
          child.stdin.once('drain', () => write(i));
          return;
        }
      }
      child.stdin.end();
    };
    write(from);
  });
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
