import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import type { Finding } from '../finding.js';
import type { ScanWarning, WarningCode } from '../warnings.js';
import { detectors as catalogue } from '@shippo-keyguard/rules';
import { scanArchiveContent } from '../archive/scan.js';
import { sniff } from '../archive/sniff.js';
import type { ArchiveLimits } from '../archive/expand.js';
import { mayHoldKey, searchPart } from '../detect.js';
import { scanContent } from '../scan-content.js';
import { SecretStore } from '../secret.js';
import { isWithin, printablePath, type FsPath } from './fs-path.js';

/** One file to read: where it is, what to call it in reports, and the root links must stay in. */
export interface Target {
  readonly path: FsPath;
  /** Relative to the scan root, `/`-separated. */
  readonly rel: string;
  /** Index into the batch's `roots`: symbolic links are not followed out of it. */
  readonly root: number;
  /** Listed by git: a missing file may just be deleted from the work tree. */
  readonly fromGit?: boolean;
  /**
   * The listing saw a regular file (or git listed it, and git lists no FIFOs or devices): read
   * it without an fstat, which is a third of the per-file cost on many small files.
   */
  readonly regular?: boolean;
}

export interface BatchOptions {
  readonly maxFileSize: number;
  /** Real paths of the roots that targets refer to by index. */
  readonly roots: readonly string[];
  /** Open archives and compressed files to this depth and within these limits; absent: none. */
  readonly archives?: ArchiveLimits;
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

/**
 * For the pack search, the rarer part of each catalogue needle (the detectors' `rarerParts`). A
 * file that holds a needle holds its part, so this only widens the net; the engine confirms.
 */
const NEEDLES: readonly Buffer[] = [...new Set(catalogue.flatMap((d) => d.needles))].map((needle) => Buffer.from(searchPart(needle), 'latin1'));
/**
 * Small files are packed into this buffer, NUL-separated. The UTF-16 needle holds NUL bytes, so a
 * hit may run from one file over the separator into the next: it only makes the first file go
 * through the engine for nothing, and the search goes on from the next file's start.
 */
const PACK_SIZE = 4 << 20;
/**
 * The pack is searched once it holds this much: small enough to still be in the CPU cache from
 * the reads (one big search over cold memory measured 3x slower than per-file searches).
 */
const PACK_FLUSH_AT = 64 << 10;

interface Packed {
  readonly target: Target;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads files with reusable buffers (no allocation per file) and scans the bytes. Small regular
 * files are read back to back into one pack and the needles are searched once per pack, not
 * once per file: on many small files the per-call cost of the search, not the search, dominates.
 */
export class BatchScanner {
  #buffer = Buffer.allocUnsafe(CHUNK);
  readonly #pack = Buffer.allocUnsafe(PACK_SIZE);
  #used = 0;
  #packed: Packed[] = [];
  readonly #secrets = new SecretStore();

  constructor(private readonly options: BatchOptions) {}

  scan(targets: readonly Target[]): BatchResult {
    const out = emptyResult();
    for (const target of targets) this.#scanOne(target, out);
    this.#flush(out);
    for (const fp of new Set(out.findings.map((f) => f.fingerprint))) {
      const key = this.#secrets.get(fp);
      if (key !== undefined) out.keys.push([fp, key]);
    }
    return out;
  }

  /** Search the pack once per needle; only files that hold a hit are scanned in full. */
  #flush(out: BatchResult): void {
    const packed = this.#packed;
    if (packed.length === 0) return;
    const data = this.#pack.subarray(0, this.#used);
    const hit = new Uint8Array(packed.length);
    for (const needle of NEEDLES) {
      let at = data.indexOf(needle);
      while (at !== -1) {
        let low = 0;
        let high = packed.length - 1;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if (packed[mid]!.start <= at) low = mid;
          else high = mid - 1;
        }
        hit[low] = 1;
        at = data.indexOf(needle, packed[low]!.end + 1);
      }
    }
    packed.forEach((p, i) => {
      if (hit[i]) this.#detect(p.target, data.subarray(p.start, p.end), out);
    });
    this.#packed = [];
    this.#used = 0;
  }

  #detect(target: Target, content: Buffer, out: BatchResult): void {
    const findings = scanContent(content, { path: target.rel, secrets: this.#secrets });
    if (findings.length === 0) return;
    out.findings.push(...findings);
    if (!findings[0]?.binary && !isUtf8(content)) {
      out.warnings.push({
        code: 'not-utf8',
        message: `${printablePath(target.rel)}: not valid UTF-8; columns count each bad byte as one character`,
        path: target.rel,
      });
    }
  }

  /** A few byte compares on bytes already read: is this an archive to open? */
  #opensArchive(content: Buffer): boolean {
    return this.options.archives !== undefined && this.options.archives.depth > 0 && sniff(content) !== undefined;
  }

  #archive(target: Target, content: Buffer, out: BatchResult): void {
    const result = scanArchiveContent(content, { path: target.rel, secrets: this.#secrets }, this.options.archives!);
    out.findings.push(...result.findings);
    out.warnings.push(...result.warnings);
  }

  /** Read a regular file into the pack; false when it does not fit (or is over the limit). */
  #packFile(fd: number, target: Target, out: BatchResult): boolean {
    if (this.#used >= PACK_FLUSH_AT) this.#flush(out);
    const room = PACK_SIZE - this.#used - 1;
    const n = readSync(fd, this.#pack, this.#used, room, 0);
    if (n >= room || n > this.options.maxFileSize) return false;
    if (this.#opensArchive(this.#pack.subarray(this.#used, this.#used + n))) {
      // Scanned here, entry by entry; the pack space is reused by the next file.
      out.scanned++;
      out.bytes += n;
      this.#archive(target, this.#pack.subarray(this.#used, this.#used + n), out);
      return true;
    }
    this.#packed.push({ target, start: this.#used, end: this.#used + n });
    this.#pack[this.#used + n] = 0;
    this.#used += n + 1;
    out.scanned++;
    out.bytes += n;
    return true;
  }

  #scanOne(target: Target, out: BatchResult): void {
    const warn = (code: WarningCode, why: string) => out.warnings.push({ code, message: `${printablePath(target.rel)}: ${why}`, path: target.rel });
    let fd: number;
    try {
      fd = openSync(target.path, OPEN_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      if (code === 'ELOOP') return this.#symlink(target, warn);
      if (code === 'ENXIO') {
        // A socket (or a device with no driver) cannot be opened at all: say what it is.
        out.skipped++;
        let what = 'not a regular file';
        try {
          what = special(lstatSync(target.path));
        } catch {
          // gone meanwhile: the generic words will do
        }
        warn('not-regular', `skipped, ${what}`);
        return;
      }
      if (code === 'ENOENT' && target.fromGit) {
        out.missingFromGit.push(target.rel);
        return;
      }
      out.skipped++;
      warn(code === 'ENOENT' ? 'vanished' : 'unreadable', `skipped, ${REASONS[code] ?? code}`);
      return;
    }
    try {
      if (target.regular && this.#packFile(fd, target, out)) return;
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
      // The needle search alone, without allocating: most files stop here.
      if (this.#opensArchive(content)) this.#archive(target, content, out);
      else if (NEEDLES.some((needle) => content.includes(needle)) && mayHoldKey(content)) this.#detect(target, content, out);
      // Do not keep a huge buffer alive for the rest of the scan after one big file.
      if (this.#buffer.length > 16 * CHUNK) this.#buffer = Buffer.allocUnsafe(CHUNK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      out.skipped++;
      if (code === 'EISDIR') warn('not-regular', 'skipped, a directory (git submodule?); name it to scan it');
      else warn('unreadable', `skipped, ${REASONS[code] ?? code}`);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Read what fstat promised (a file that shrinks ends early; one that grows is read to the size
   * it had, which saves a read per file that would only confirm the end).
   */
  #read(fd: number, size: number): Buffer {
    if (this.#buffer.length < size) this.#buffer = Buffer.allocUnsafe(Math.max(size, this.#buffer.length * 2));
    let length = 0;
    while (length < size) {
      const n = readSync(fd, this.#buffer, length, size - length, length);
      if (n === 0) break;
      length += n;
    }
    return this.#buffer.subarray(0, length);
  }

  /** A link found in a walk is not followed; one that leads out of the root is worth a word. */
  #symlink(target: Target, warn: (code: WarningCode, why: string) => void): void {
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
