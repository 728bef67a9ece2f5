import type { Target } from './read-scan.js';

/**
 * A batch of targets as a worker message: two NUL-joined strings and a byte per target clone in
 * a fraction of the time 128 small objects take. Paths that are raw bytes travel on the side.
 */
export interface EncodedBatch {
  readonly paths: string;
  readonly rels: string;
  /** Per target: bit 0 fromGit, bit 1 regular; the root index in a parallel array. */
  readonly flags: Uint8Array;
  readonly roots: Uint16Array;
  /** Index -> raw path, for names that are not UTF-8. */
  readonly raw: [number, Uint8Array][];
}

export function encodeBatch(targets: readonly Target[]): EncodedBatch {
  const flags = new Uint8Array(targets.length);
  const roots = new Uint16Array(targets.length);
  const raw: [number, Uint8Array][] = [];
  const paths: string[] = [];
  targets.forEach((t, i) => {
    flags[i] = (t.fromGit ? 1 : 0) | (t.regular ? 2 : 0);
    roots[i] = t.root;
    if (typeof t.path === 'string') paths.push(t.path);
    else {
      paths.push('');
      raw.push([i, t.path]);
    }
  });
  return { paths: paths.join('\0'), rels: targets.map((t) => t.rel).join('\0'), flags, roots, raw };
}

export function decodeBatch(batch: EncodedBatch): Target[] {
  const paths = batch.paths.split('\0');
  const rels = batch.rels.split('\0');
  const raw = new Map(batch.raw);
  return rels.map((rel, i) => {
    const f = batch.flags[i] ?? 0;
    const bytes = raw.get(i);
    return {
      path: bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : (paths[i] ?? ''),
      rel,
      root: batch.roots[i] ?? 0,
      ...(f & 1 ? { fromGit: true } : {}),
      ...(f & 2 ? { regular: true } : {}),
    };
  });
}
