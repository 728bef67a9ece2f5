import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Write a whole file or nothing: a temp file beside the target, then rename. A reader never
 * sees half a file, a crash leaves the old one in place, and the random temp name keeps two
 * writers (a pre-commit hook and an editor, say) from sharing a temp file. Used for reports,
 * baselines, hooks and verification cache entries.
 */
export function writeFileAtomic(path: string, content: string | Buffer, options: { mode?: number } = {}): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o644);
    try {
      writeFileSync(fd, content); // loops until every byte is written
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
