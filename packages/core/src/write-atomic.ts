import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: a file descriptor this process already has. */
const FD_PATH = /^\/(dev\/(stdin|stdout|stderr|fd\/\d+)|proc\/(self|thread-self|\d+)\/fd\/\d+)$/;

/**
 * Write a whole file or nothing: a temp file beside the target, then rename. A reader never
 * sees half a file, a crash leaves the old one in place, and the random temp name keeps two
 * writers (a pre-commit hook and an editor, say) from sharing a temp file. Used for reports,
 * baselines, hooks and verification cache entries.
 *
 * Renaming over anything but a plain file would replace it: a device, a FIFO or a name for an
 * open file descriptor (`-o /dev/stdout`, also when stdout is a file opened for appending) is
 * written straight through, as a shell's `>` would; a symbolic link to a file is kept and the
 * file it points to is replaced atomically.
 */
export function writeFileAtomic(path: string, content: string | Buffer, options: { mode?: number } = {}): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    stats = undefined; // missing (or a dangling link): created below
  }
  if (stats?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if ((stats !== undefined && !stats.isFile()) || FD_PATH.test(resolve(path))) {
    writeFileSync(path, content);
    return;
  }
  const target = stats === undefined ? path : realpathSync(path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o644);
    try {
      writeFileSync(fd, content); // loops until every byte is written
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // no temp file to remove (its directory is missing or closed): report the error that stopped the write
    }
    throw error;
  }
}
