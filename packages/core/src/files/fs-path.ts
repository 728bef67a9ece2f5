import { isUtf8 } from 'node:buffer';
import { sep } from 'node:path';

export { printablePath } from '../printable.js';

/**
 * A path as the file system knows it. File names are bytes on Linux; a name that is not valid
 * UTF-8 cannot round-trip through a JS string, so such paths stay Buffers for every fs call.
 */
export type FsPath = string | Buffer;

/** Join a directory and a relative name, keeping raw bytes when either side has them. */
export function joinFsPath(dir: FsPath, name: FsPath): FsPath {
  if (typeof dir === 'string' && typeof name === 'string') return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
  const d = Buffer.from(dir);
  const slash = d.length > 0 && d[d.length - 1] === 0x2f ? Buffer.alloc(0) : Buffer.from('/');
  return Buffer.concat([d, slash, Buffer.from(name)]);
}

/** The string form of raw path bytes: exact when valid UTF-8, otherwise with U+FFFD for bad bytes. */
export function fsPathFromBytes(bytes: Buffer): FsPath {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes;
}

export function displayPath(path: FsPath): string {
  return typeof path === 'string' ? path : path.toString('utf8');
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** True when `path` has a `.git` segment: git's own store is never scanned. */
export function insideGitDir(path: string): boolean {
  return toPosix(path).split('/').includes('.git');
}

/** True when `child` is `parent` or below it (both absolute, resolved). */
export function isWithin(parent: string, child: string): boolean {
  if (child === parent) return true;
  const base = parent.endsWith('/') ? parent : `${parent}/`;
  return child.startsWith(base);
}
