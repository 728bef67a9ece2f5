import { nodeCrypto } from './builtins/crypto.js';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: a file descriptor this process already has. */
const FD_PATH = /^\/(dev\/(stdin|stdout|stderr|fd\/\d+)|proc\/(self|thread-self|\d+)\/fd\/\d+)$/;

/**
 * Write a whole file or nothing: a temp file beside the target, then rename. A reader never
 * sees half a file, a crash leaves the old one in place, and the random temp name keeps two
 * writers (a pre-commit hook and an editor, say) from sharing a temp file. Used for reports,
 * baselines, hooks and verification cache entries.
 *
 * Renaming over a FIFO, a device or a name for an open file descriptor (`-o /dev/stdout`, also
 * when stdout is a file opened for appending) would replace it with a plain file: those are
 * written straight through, as a shell's `>` would. A symbolic link is replaced, never followed:
 * a link committed to a repository must not aim a report or a baseline at another file. A file
 * that is replaced keeps its permissions (a report kept private stays private).
 */
export function writeFileAtomic(path: string, content: string | Buffer, options: { mode?: number } = {}): void {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    stats = undefined; // missing: created below
  }
  if (stats?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (FD_PATH.test(resolve(path))) {
    // Opened anew, so append: truncating would wipe what a `>>` log already holds.
    writeFileSync(path, content, { flag: 'a' });
    return;
  }
  if (stats?.isFIFO() || stats?.isCharacterDevice() || stats?.isBlockDevice()) {
    writeFileSync(path, content);
    return;
  }
  const keep = options.mode === undefined && stats?.isFile() ? stats.mode & 0o777 : undefined;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? keep ?? 0o644);
    try {
      if (keep !== undefined) fchmodSync(fd, keep); // exactly the old mode, whatever the umask
      writeFileSync(fd, content); // loops until every byte is written
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // no temp file to remove (its directory is missing or closed): report the error that stopped the write
    }
    throw error;
  }
}
