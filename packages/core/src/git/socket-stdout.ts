import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeChildProcess } from '../builtins/child-process.js';
import { nodeFsPromises } from '../builtins/fs-promises.js';
import { nodeNet } from '../builtins/net.js';

/** A child whose stdout is read into one reused buffer; `drained` settles once all of it was handed over. */
export interface SocketStdoutChild {
  readonly child: ChildProcess;
  readonly drained: Promise<void>;
  /** Stop reading (after a parse error); the child then dies of a broken socket or is killed. */
  stop(): void;
}

/**
 * Size of the reused read buffer: more than the kernel queues on a Unix socket by default
 * (`net.core.wmem_default`, about 208 KiB), so one read takes whatever is waiting.
 */
const READ_BUFFER_SIZE = 512 * 1024;

/**
 * After a read smaller than this, the reader waits `COALESCE_MS` before it reads again. git
 * writes a blob in 16 KiB pieces and the kernel wakes the reader for each one, so without a
 * pause the scanner reads about 140,000 times for the 1.9 GB of eslint/eslint's history, each
 * read a system call, an event-loop turn and a context switch, competing for the same two cores
 * as git. With the pause: about 34,000 reads of 55 KiB on average, and 40% less CPU in the
 * scanner for reading (git's own system time drops too: fewer wake-ups). The pause is short
 * enough that git, writing at up to 1 GB/s, does not fill the socket's queue (about 200 KiB)
 * meanwhile, so it does not wait on the scanner.
 */
const COALESCE_BELOW = 64 * 1024;
const COALESCE_MS = 0.1;

/**
 * Spawn `command` with its stdout connected to a Unix socket that Node reads with
 * `onread`, into one buffer allocated once. Through a pipe, each read (about 140,000 of them for
 * the 1.9 GB a large history streams) allocates a fresh Buffer and goes through the stream
 * machinery: that costs the scanner about a CPU-second and keeps the garbage collector busy.
 * `onChunk` gets a view of the shared buffer, valid only during the call.
 *
 * Node has no socketpair(), so the pair is made by a listening socket in a private temporary
 * directory (mode 0700: no other user can connect to it), removed as soon as both ends exist.
 * Resolves to undefined where this is not available (other systems than Linux, or no writable
 * temporary directory): the caller then uses a plain pipe.
 */
export async function spawnWithSocketStdout(
  command: string,
  args: readonly string[],
  options: Pick<SpawnOptions, 'cwd' | 'env'>,
  onChunk: (chunk: Buffer) => void,
): Promise<SocketStdoutChild | undefined> {
  // Linux only: macOS queues 8 KiB on a Unix socket by default, less than a pipe holds, and on
  // Windows `net` paths are named pipes.
  if (process.platform !== 'linux') return undefined;
  const { spawn } = nodeChildProcess();
  const { mkdtemp, rm } = nodeFsPromises();
  const { createServer, connect } = nodeNet();
  let dir: string | undefined;
  let server: Server | undefined;
  let reader: Socket | undefined;
  let writer: Socket | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'skg-'));
    const path = join(dir, 'out');
    // sun_path holds 104 bytes on macOS, 108 on Linux.
    if (Buffer.byteLength(path) > 100) return undefined;
    const listening = createServer({ pauseOnConnect: true });
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(path, () => resolve());
    });
    const accepted = new Promise<Socket>((resolve) => listening.once('connection', resolve));
    const buffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const client = connect({
      path,
      onread: {
        buffer,
        callback: (nread: number, buf: Uint8Array) => {
          onChunk((buf as Buffer).subarray(0, nread));
          if (nread < COALESCE_BELOW) Atomics.wait(pause, 0, 0, COALESCE_MS);
          return true;
        },
      },
    });
    reader = client;
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      client.once('connect', () => resolve());
    });
    writer = await accepted;
    // Both ends exist: the name is no longer needed. (Done before the spawn: nothing may be
    // awaited between the spawn and the caller's listeners, or a quick child's exit is missed.)
    listening.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
    dir = undefined;
    const drained = new Promise<void>((resolve, reject) => {
      client.removeAllListeners('error');
      client.once('error', reject);
      client.once('end', () => resolve());
      client.once('close', () => resolve());
    });
    const child = spawn(command, [...args], { ...options, stdio: ['pipe', writer, 'pipe'] });
    // The child holds its own copy of the writing end: ours must go, or the end is never seen.
    writer.destroy();
    return {
      child,
      drained,
      stop: () => {
        client.destroy();
      },
    };
  } catch {
    reader?.destroy();
    writer?.destroy();
    return undefined;
  } finally {
    server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
