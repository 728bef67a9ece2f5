import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { nodeFsPromises } from '../builtins/fs-promises.js';
import { gitText, spawnGit, withGitEnv } from './exec.js';
import { OBJECT_ID_LENGTH, objectFormat } from './repo.js';

/** A pack git refuses as a whole, and how many objects were recovered from it. */
export interface SalvagedPack {
  readonly name: string;
  readonly recovered: number;
}

/** Objects recovered from refused packs, in a temporary object directory; `remove` deletes it. */
export interface Salvage {
  readonly packs: readonly SalvagedPack[];
  /** The environment under which git reads the recovered objects beside the repository's own. */
  readonly env: Readonly<Record<string, string>>;
  remove(): Promise<void>;
}

/**
 * The repository's packs whose trailer does not match their index: a truncated (or cut short)
 * pack. git checks this when it opens a pack and then refuses every object in it, even those
 * whose bytes are intact. Costs two small reads per pack.
 */
export async function refusedPacks(objectsDir: string, hashBytes: number): Promise<string[]> {
  const dir = join(objectsDir, 'pack');
  let names: string[];
  try {
    names = (await nodeFsPromises().readdir(dir)).filter((n) => n.endsWith('.pack'));
  } catch {
    return [];
  }
  const refused: string[] = [];
  for (const name of names) {
    const pack = join(dir, name);
    const idx = pack.replace(/\.pack$/, '.idx');
    // An index ends with the pack's checksum, then its own; a pack ends with its checksum.
    const expected = await tail(idx, 2 * hashBytes, hashBytes);
    if (expected === undefined) continue; // no index: git does not use the pack at all
    const size = (await nodeFsPromises().stat(pack)).size;
    const actual = size >= 12 + hashBytes ? await tail(pack, hashBytes, hashBytes) : undefined;
    if (actual === undefined || !actual.equals(expected)) refused.push(pack);
  }
  return refused;
}

/** `length` bytes starting `fromEnd` bytes before the end of the file; undefined if it is shorter. */
async function tail(file: string, fromEnd: number, length: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await nodeFsPromises().open(file, 'r');
    const size = (await handle.stat()).size;
    if (size < fromEnd) return undefined;
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - fromEnd);
    return buffer;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/**
 * Recover what can be read of the packs git refuses: `git unpack-objects -r` reads each pack
 * from its start and writes every object it can inflate as a loose object, until the data ends.
 * The objects go to a temporary directory (GIT_OBJECT_DIRECTORY), never into the repository;
 * the repository's own store is an alternate, so a delta against one of its objects resolves.
 * Undefined when no pack is refused. The caller must call `remove()`.
 */
export async function salvageRefusedPacks(root: string): Promise<Salvage | undefined> {
  const [objectsPath, format] = await Promise.all([gitText(root, ['rev-parse', '--git-path', 'objects']), objectFormat(root)]);
  const objectsDir = resolve(root, objectsPath.trim());
  const packs = await refusedPacks(objectsDir, OBJECT_ID_LENGTH[format] / 2);
  if (packs.length === 0) return undefined;
  const dir = await nodeFsPromises().mkdtemp(join(tmpdir(), 'shippo-keyguard-salvage-'));
  const remove = () => nodeFsPromises().rm(dir, { recursive: true, force: true });
  try {
    const salvaged: SalvagedPack[] = [];
    for (const pack of packs) {
      const before = await countLoose(dir);
      await withGitEnv({ GIT_OBJECT_DIRECTORY: dir, GIT_ALTERNATE_OBJECT_DIRECTORIES: objectsDir }, () => unpack(root, pack));
      salvaged.push({ name: basename(pack), recovered: (await countLoose(dir)) - before });
    }
    const inherited = process.env['GIT_ALTERNATE_OBJECT_DIRECTORIES'];
    return { packs: salvaged, env: { GIT_ALTERNATE_OBJECT_DIRECTORIES: inherited ? `${dir}${delimiter}${inherited}` : dir }, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Feed one pack to `git unpack-objects -r`; it ends with an error where the data ends, which is expected. */
function unpack(root: string, pack: string): Promise<void> {
  return new Promise((done) => {
    const child = spawnGit(root, ['unpack-objects', '-r', '-q']);
    child.stdout.resume();
    child.stderr.resume();
    child.stdin.on('error', () => {
      /* git stopped reading where the data is damaged */
    });
    child.on('error', () => done());
    child.on('close', () => done());
    const input = createReadStream(pack);
    input.on('error', () => child.stdin.end());
    input.pipe(child.stdin);
  });
}

async function countLoose(dir: string): Promise<number> {
  let count = 0;
  for (const sub of await nodeFsPromises().readdir(dir)) if (/^[0-9a-f]{2}$/.test(sub)) count += (await nodeFsPromises().readdir(join(dir, sub))).length;
  return count;
}
