import { isUtf8 } from 'node:buffer';
import { readdir, lstat, stat, type Dirent } from 'node:fs';
import { joinFsPath, type FsPath } from './fs-path.js';

export interface GlobFile {
  /** The path as the file system knows it (raw bytes for names that are not UTF-8). */
  readonly path: FsPath;
  /** The true name as text, for reports. */
  readonly display: string;
  /** A regular file (not a link, FIFO, socket or device). */
  readonly regular: boolean;
}

export interface GlobListing {
  readonly files: GlobFile[];
  /** Directories that could not be read, with the error code (EACCES, ...). */
  readonly unreadable: { path: string; code: string }[];
}

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

/**
 * fast-glob works with string paths and its matcher never matches a line break; a name that is
 * not valid UTF-8 does not survive a string at all. This adapter reads directories as bytes,
 * hands fast-glob a stand-in name (U+FFFD for bad bytes and line breaks) and remembers the real
 * path behind it, so every file can still be opened and reported by its true name. It also
 * records directories it could not read: fast-glob would otherwise skip them silently.
 */
function rawNameAdapter(unreadable: GlobListing['unreadable']) {
  const raw = new Map<string, { path: FsPath; display: string }>();
  const real = (path: string): FsPath => raw.get(path)?.path ?? path;
  return {
    raw,
    fs: {
      readdir(path: string, _options: unknown, callback: Callback<Dirent[]>) {
        readdir(real(path), { withFileTypes: true, encoding: 'buffer' }, (error, dirents) => {
          if (error) {
            unreadable.push({ path, code: error.code ?? 'EIO' });
            callback(error, []);
            return;
          }
          const parent = raw.get(path);
          for (const dirent of dirents) {
            const bytes = dirent.name as unknown as Buffer;
            const text = bytes.toString('utf8');
            const name = text.replace(/[\r\n]/g, '\uFFFD');
            if (parent !== undefined || name !== text || !isUtf8(bytes)) {
              raw.set(joinFsPath(path, name) as string, {
                path: isUtf8(bytes) && typeof (parent?.path ?? path) === 'string' ? joinFsPath(parent?.path ?? path, text) : joinFsPath(parent?.path ?? path, bytes),
                display: joinFsPath(parent?.display ?? path, text) as string,
              });
            }
            (dirent as unknown as { name: string }).name = name;
          }
          callback(null, dirents as unknown as Dirent[]);
        });
      },
      lstat: (path: string, callback: Callback<unknown>) => lstat(real(path), callback),
      stat: (path: string, callback: Callback<unknown>) => stat(real(path), callback),
    },
  };
}

/**
 * Every entry under `dir` but directories and `.git`, without following symbolic links (the
 * reader decides about links and special files, so nothing is dropped without a word).
 */
export async function globListFiles(dir: string): Promise<GlobListing> {
  const unreadable: GlobListing['unreadable'] = [];
  const adapter = rawNameAdapter(unreadable);
  // Loaded on first use: it costs more to import than git takes to list a large work tree.
  const { default: fg } = await import('fast-glob');
  const entries = await fg.glob('**', {
    cwd: dir,
    dot: true,
    absolute: true,
    onlyFiles: false,
    objectMode: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    ignore: ['**/.git', '**/.git/**'],
    fs: adapter.fs as never,
  });
  const files: GlobFile[] = [];
  for (const entry of entries) {
    if (entry.dirent.isDirectory()) continue;
    const regular = entry.dirent.isFile();
    const known = adapter.raw.get(entry.path);
    files.push(known ? { ...known, regular } : { path: entry.path, display: entry.path, regular });
  }
  return { files, unreadable };
}
