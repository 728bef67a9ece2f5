import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import type { Finding } from '../finding.js';
import type { ScanWarning } from '../report/model.js';
import { scanContent } from '../scan-content.js';
import { SecretStore } from '../secret.js';
import { isWithin, type FsPath } from './fs-path.js';

/** One file to read: where it is, what to call it in reports, and the root links must stay in. */
export interface Target {
  readonly path: FsPath;
  /** Relative to the scan root, `/`-separated. */
  readonly rel: string;
  /** Index into the batch's `roots`: symbolic links are not followed out of it. */
  readonly root: number;
  /** Listed by git: a missing file may just be deleted from the work tree. */
  readonly fromGit?: boolean;
}

export interface BatchOptions {
  readonly maxFileSize: number;
  /** Real paths of the roots that targets refer to by index. */
  readonly roots: readonly string[];
}

export interface BatchResult {
  findings: Finding[];
  /** Fingerprint and key of each key found, for verification and --no-redact; in memory only. */
  keys: [string, string][];
  warnings: ScanWarning[];
  scanned: number;
  bytes: number;
  skipped: number;
  /** Git-listed files that were gone when read (deleted, or vanished mid-scan). */
  missingFromGit: string[];
}

export function emptyResult(): BatchResult {
  return { findings: [], keys: [], warnings: [], scanned: 0, bytes: 0, skipped: 0, missingFromGit: [] };
}

// O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOFOLLOW: links are judged, not followed.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
const CHUNK = 1 << 20;

function special(mode: ReturnType<typeof fstatSync>): string {
  if (mode.isFIFO()) return 'a FIFO';
  if (mode.isSocket()) return 'a socket';
  if (mode.isCharacterDevice()) return 'a character device';
  if (mode.isBlockDevice()) return 'a block device';
  if (mode.isDirectory()) return 'a directory (git submodule?); name it to scan it';
  return 'not a regular file';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'vanished before it could be read',
  EIO: 'I/O error',
};

/** Reads files with one reusable buffer (no allocation per file) and scans the bytes. */
export class BatchScanner {
  #buffer = Buffer.allocUnsafe(CHUNK);
  readonly #secrets = new SecretStore();

  constructor(private readonly options: BatchOptions) {}

  scan(targets: readonly Target[]): BatchResult {
    const out = emptyResult();
    for (const target of targets) this.#scanOne(target, out);
    for (const fp of new Set(out.findings.map((f) => f.fingerprint))) {
      const key = this.#secrets.get(fp);
      if (key !== undefined) out.keys.push([fp, key]);
    }
    return out;
  }

  #scanOne(target: Target, out: BatchResult): void {
    const warn = (code: string, why: string) => out.warnings.push({ code, message: `${target.rel}: ${why}`, path: target.rel });
    let fd: number;
    try {
      fd = openSync(target.path, OPEN_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      if (code === 'ELOOP') return this.#symlink(target, warn);
      if (code === 'ENOENT' && target.fromGit) {
        out.missingFromGit.push(target.rel);
        return;
      }
      out.skipped++;
      warn(code === 'ENOENT' ? 'vanished' : 'unreadable', `skipped, ${REASONS[code] ?? code}`);
      return;
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) {
        out.skipped++;
        warn('not-regular', `skipped, ${special(stats)}`);
        return;
      }
      if (stats.size > this.options.maxFileSize) {
        out.skipped++;
        warn('too-large', `skipped, ${stats.size} bytes is over the size limit of ${this.options.maxFileSize} (--max-file-size)`);
        return;
      }
      const content = this.#read(fd, stats.size);
      out.scanned++;
      out.bytes += content.length;
      const findings = scanContent(content, { path: target.rel, secrets: this.#secrets });
      if (findings.length > 0) {
        out.findings.push(...findings);
        if (!findings[0]?.binary && !isUtf8(content)) {
          warn('not-utf8', 'not valid UTF-8; columns count each bad byte as one character');
        }
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      out.skipped++;
      warn('unreadable', `skipped, ${REASONS[code] ?? code}`);
    } finally {
      closeSync(fd);
    }
  }

  /** Read to the end: a file may grow or shrink between fstat and read. */
  #read(fd: number, size: number): Buffer {
    if (this.#buffer.length < size + 1) this.#buffer = Buffer.allocUnsafe(Math.max(size + 1, this.#buffer.length * 2));
    let length = 0;
    for (;;) {
      if (length === this.#buffer.length) {
        if (length >= this.options.maxFileSize) break;
        const grown = Buffer.allocUnsafe(length * 2);
        this.#buffer.copy(grown, 0, 0, length);
        this.#buffer = grown;
      }
      const n = readSync(fd, this.#buffer, length, this.#buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return this.#buffer.subarray(0, length);
  }

  /** A link found in a walk is not followed; one that leads out of the root is worth a word. */
  #symlink(target: Target, warn: (code: string, why: string) => void): void {
    const root = this.options.roots[target.root];
    let real: string;
    try {
      real = realpathSync(target.path as string);
    } catch {
      return; // dangling link: nothing to read
    }
    if (root !== undefined && !isWithin(root, real)) warn('symlink-outside-root', 'symbolic link out of the scan root, not followed');
  }
}
