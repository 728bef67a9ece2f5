import { isUtf8 } from 'node:buffer';
import { readdir, lstat, stat, type Dirent } from 'node:fs';
import fg from 'fast-glob';
import { joinFsPath, type FsPath } from './fs-path.js';

export interface GlobListing {
  readonly files: FsPath[];
  /** Directories that could not be read, with the error code (EACCES, ...). */
  readonly unreadable: { path: string; code: string }[];
}

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

/**
 * fast-glob works with string paths, and a name that is not valid UTF-8 does not survive a
 * string. This adapter reads directories as bytes, hands fast-glob the lossy string and
 * remembers the raw bytes behind it, so every such file can still be opened. It also records
 * directories it could not read: fast-glob would otherwise skip them silently.
 */
function rawNameAdapter(unreadable: GlobListing['unreadable']) {
  const raw = new Map<string, Buffer>();
  const real = (path: string): FsPath => raw.get(path) ?? path;
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
          const parent = real(path);
          for (const dirent of dirents) {
            const bytes = dirent.name as unknown as Buffer;
            const name = bytes.toString('utf8');
            if (typeof parent !== 'string' || !isUtf8(bytes)) raw.set(joinFsPath(path, name) as string, joinFsPath(parent, bytes) as Buffer);
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
  const files: FsPath[] = [];
  for (const entry of entries) {
    if (entry.dirent.isDirectory()) continue;
    files.push(adapter.raw.get(entry.path) ?? entry.path);
  }
  return { files, unreadable };
}
