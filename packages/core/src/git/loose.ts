import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeCrypto } from '../builtins/crypto.js';
import { nodeZlib } from '../builtins/zlib.js';

/**
 * Blobs read straight from the loose object files under `objectsDir`, without starting
 * `git cat-file`: what `git add` just wrote is stored loose, so a commit hook with a few staged
 * files reads them all here and starts one git process fewer (tens of milliseconds on a busy
 * machine). Only blobs of at most `maxSize` bytes whose file inflates to exactly `blob <size>\0`
 * and the content that hashes to the id are handed to `onBlob`; every other id (packed, in an
 * alternate object store, larger, damaged, not a blob) is returned, in the order given, for
 * `git cat-file` to read or report.
 */
export function readLooseBlobs(
  objectsDir: string,
  ids: readonly string[],
  maxSize: number,
  onBlob: (id: string, content: Buffer) => void,
): string[] {
  const rest: string[] = [];
  for (const id of ids) {
    const content = looseBlob(objectsDir, id, maxSize);
    if (content === undefined) rest.push(id);
    else onBlob(id, content);
  }
  return rest;
}

/** Room for the `blob <size>\0` header in front of the content. */
const HEADER_ROOM = 32;

function looseBlob(objectsDir: string, id: string, maxSize: number): Buffer | undefined {
  const algorithm = id.length === 40 ? 'sha1' : id.length === 64 ? 'sha256' : undefined;
  if (algorithm === undefined || !/^[0-9a-f]+$/.test(id)) return undefined;
  let object: Buffer;
  try {
    // Past maxOutputLength the inflate throws: a large blob is left to cat-file, which skips it unread when it is over the limit.
    object = nodeZlib().inflateSync(readFileSync(join(objectsDir, id.slice(0, 2), id.slice(2))), { maxOutputLength: maxSize + HEADER_ROOM });
  } catch {
    return undefined;
  }
  const nul = object.indexOf(0);
  if (nul === -1 || nul > HEADER_ROOM) return undefined;
  const header = /^blob (0|[1-9][0-9]*)$/.exec(object.toString('latin1', 0, nul));
  if (!header || Number(header[1]) !== object.length - nul - 1 || object.length - nul - 1 > maxSize) return undefined;
  if (nodeCrypto().createHash(algorithm).update(object).digest('hex') !== id) return undefined;
  return object.subarray(nul + 1);
}
