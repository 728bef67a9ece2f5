import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script, constants } from 'node:vm';

/**
 * Runs a CommonJS file of the CLI bundle with V8's compiled code kept on disk between runs, as
 * v8-compile-cache does for older Node: compiling the commands was about a tenth of a commit
 * hook's time, and Node 20 has no compile cache of its own (`module.enableCompileCache` came
 * in 22.1). The cache holds compiled code of the bundle only, never anything a scan read.
 *
 * Where: `$XDG_CACHE_HOME/shippo-keyguard/v8` (`~/.cache/...`), one file per version of the
 * bundle file (see `identityKey`), Node version and architecture. V8 checks the rest and refuses
 * data it cannot use, which is then replaced. Any failure to read or write it only costs the
 * time it would have saved.
 */

export type CacheUse = 'hit' | 'miss' | 'rejected' | 'off';

/**
 * `$XDG_CACHE_HOME/shippo-keyguard/v8`, else under `~/.cache`, by the rule of the verification
 * cache (core's cache/index.ts): a relative `XDG_CACHE_HOME` or home is none. Here more than
 * anywhere, since code from a cache runs: a relative one would let the scanned directory supply it.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'shippo-keyguard', 'v8');
  let home = '';
  try {
    home = homedir();
  } catch {
    // No HOME and no passwd entry for the user (a container running as an arbitrary uid).
  }
  return isAbsolute(home) ? join(home, '.cache', 'shippo-keyguard', 'v8') : undefined;
}

/**
 * The file's `module.exports`, and whether compiled code from an earlier run was used. The file's
 * dynamic imports call `__skgImport` (given here) instead of `import()`: on Node 20, code that
 * V8 took from a cache has lost the callback `import()` needs (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
 */
export function runWithCodeCache(
  file: string,
  importModule: (specifier: string) => Promise<unknown>,
  dir: string | undefined = codeCacheDir(),
): { exports: unknown; cache: CacheUse } {
  // Stat and read through one descriptor, so the key describes the bytes that run.
  const fd = openSync(file, 'r');
  let source: string;
  let key: string;
  try {
    key = identityKey(fstatSync(fd, { bigint: true }));
    const bytes = readFileSync(fd);
    // The bundle is ASCII (scripts/bundle.mjs escapes the rest): taken as Latin-1 it becomes V8's
    // one-byte string without a UTF-8 decoder, about 1.5 ms sooner for the 0.5 MB of commands.
    source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
  const cacheFile = dir === undefined ? undefined : join(dir, `${basename(file)}.${key}.bin`);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The wrapper of Node's CommonJS loader, and the stand-in for import().
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __skgImport) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache: CacheUse = cacheFile === undefined ? 'off' : cachedData === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importModule);
  if (cacheFile !== undefined && cache !== 'hit') {
    // Written when the run ends, so the functions the command compiled on the way are in it too.
    process.once('exit', () => saveQuietly(cacheFile, () => script.createCachedData()));
  }
  return { exports: module.exports, cache };
}

/** What `identityKey` reads of a file's status: the fields that change whenever its content does. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/**
 * The name of a bundle file's code cache: the file's identity as the file system gives it, with
 * the Node version and architecture, in 32 hex digits. Hashing the whole 0.5 MB source for the
 * name cost a commit hook about 8 ms (loading `node:crypto`, then SHA-256); the identity costs one
 * `fstat`. It must change whenever the content does: V8 checks only the source's length against
 * its data, and runs stale code for a different source of the same length. Size, modification
 * time and inode alone miss a rewrite in place that keeps the length and the time (`cp -p`,
 * `touch -r`, an unpacked archive); the status change time (`ctime`) cannot be set from user
 * space and moves with every write, so a changed file always gets a new name.
 */
export function identityKey(stat: FileIdentity, runtime: string = `${process.version}\0${process.arch}`): string {
  const text = `${runtime}\0${stat.dev}\0${stat.ino}\0${stat.size}\0${stat.mtimeNs}\0${stat.ctimeNs}`;
  // Four FNV-1a 32-bit hashes with different offsets: a name, not a defence (the directory is
  // the user's own), spread over 128 bits so that two versions never share one by accident.
  let hex = '';
  for (const offset of [0x811c9dc5, 0x050c5d1f, 0x2b3c4d5e, 0x6a09e667]) {
    let h = offset;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    hex += (h >>> 0).toString(16).padStart(8, '0');
  }
  return hex;
}

function saveQuietly(file: string, data: () => Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, data());
    // Readers see the whole file or none: a rename replaces it at once.
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing to clean up, or no right to: the next run tries again.
    }
  }
}
