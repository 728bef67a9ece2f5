import { nodeCrypto } from '../builtins/crypto.js';
import type { ArchiveStep } from '../finding.js';
import { ArchiveError, type ArchiveWarningCode } from './errors.js';
import { GunzipStream, gzipName } from './gzip.js';
import { sniff } from './sniff.js';
import { TarParser, tarEntries, type TarEntry } from './tar.js';
import { Windows } from './windows.js';
import { zipEntries } from './zip.js';

export type { ArchiveStep };

export interface ArchiveLimits {
  /** Containers opened one inside another; 0 opens none. */
  readonly depth: number;
  /** Inflated bytes of one entry (or one gzip stream); larger ones are skipped with a warning. */
  readonly maxEntryBytes: number;
  /** Inflated bytes of everything inside one outer file; the rest is skipped with a warning. */
  readonly maxTotalBytes: number;
  /** Entries inside one outer file. */
  readonly maxEntries: number;
}

export const DEFAULT_ARCHIVE_DEPTH = 3;
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  depth: DEFAULT_ARCHIVE_DEPTH,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntries: 100_000,
};

/**
 * Where a window of a long stream lies in it: its first byte's offset, line and columns before it
 * on that line, and the offset up to which the previous window already searched (a finding that
 * ends there was reported from it).
 */
export interface WindowAt {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly searched: number;
}

/** Content to search (`bytes`, maybe one window of a long stream: `at`), or something that could not be read (`warning`). */
export type ArchiveItem =
  | { readonly chain: readonly ArchiveStep[]; readonly bytes: Buffer; readonly at?: WindowAt; readonly warning?: undefined }
  | { readonly chain: readonly ArchiveStep[]; readonly warning: { readonly code: ArchiveWarningCode; readonly message: string }; readonly bytes?: undefined };

interface Budget {
  bytes: number;
  entries: number;
  readonly limits: ArchiveLimits;
}

/** Thrown past the per-file budget: stops the whole outer file, not just one entry. */
class BudgetSpent extends Error {
  /** Set once a warning named the place where the budget ran out: no second one for the file. */
  reported = false;
}

function take(budget: Budget, bytes: number): void {
  budget.bytes += bytes;
  if (budget.bytes > budget.limits.maxTotalBytes) throw new BudgetSpent(`inflates to more than ${budget.limits.maxTotalBytes} bytes in total; the rest was not scanned`);
}

function count(budget: Budget): void {
  if (++budget.entries > budget.limits.maxEntries) throw new BudgetSpent(`holds more than ${budget.limits.maxEntries} entries; the rest was not scanned`);
}

/** What one entry may inflate to: its own limit, or what is left of the file's budget if less. */
function room(budget: Budget): number {
  return Math.min(budget.limits.maxEntryBytes, budget.limits.maxTotalBytes - budget.bytes + 1);
}

/** An entry over what was left of the file's budget (not over its own limit) ends the whole file. */
function spentOr(budget: Budget, error: unknown): unknown {
  if (error instanceof ArchiveError && error.code === 'archive-too-large' && room(budget) < budget.limits.maxEntryBytes) {
    return new BudgetSpent(`inflates to more than ${budget.limits.maxTotalBytes} bytes in total; the rest was not scanned`);
  }
  return error;
}

const warning = (chain: readonly ArchiveStep[], code: ArchiveWarningCode, message: string): ArchiveItem => ({ chain, warning: { code, message } });

function unsafe(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.split(/[\\/]/).includes('..');
}

/** The name a gzip header records, or '' (then reports derive it from the outer name: `app.log.gz` holds `app.log`). */
function gunzippedName(bytes: Uint8Array): string {
  return gzipName(bytes) ?? '';
}

/**
 * Everything inside `bytes` down to `limits.depth` containers: the leaf contents to search, each
 * with its chain of entry names from the outer file inward, and a warning for each part that could
 * not be read. Synchronous and lazy: one entry is inflated at a time, held as long as the caller
 * looks at it, and never written anywhere. Content that is no archive comes back as it is.
 */
export function* expand(bytes: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Generator<ArchiveItem> {
  if (limits.depth <= 0 || sniff(bytes) === undefined) {
    yield { chain: [], bytes };
    return;
  }
  const budget: Budget = { bytes: 0, entries: 0, limits };
  const chain: ArchiveStep[] = [];
  try {
    yield* entry(bytes, chain, limits.depth, budget);
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    if (!error.reported) yield warning([], 'archive-too-large', error.message);
  }
}

/** One piece of content: opened when it is a container and depth is left, else searched as it is. */
function* entry(bytes: Buffer, chain: readonly ArchiveStep[], depth: number, budget: Budget): Generator<ArchiveItem> {
  if (sniff(bytes) === undefined) {
    yield { chain, bytes };
    return;
  }
  if (depth <= 0) {
    yield warning(chain, 'archive-too-deep', 'archive nested deeper than --archive-depth; searched without opening it');
    yield { chain, bytes };
    return;
  }
  try {
    yield* open(bytes, chain, depth, budget);
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    yield warning(chain, error.code, error.message);
    // A damaged container is still searched as it is: stored entries are plain bytes.
    if (error.code === 'archive-corrupt') yield { chain, bytes };
  }
}

function* open(bytes: Buffer, chain: readonly ArchiveStep[], depth: number, budget: Budget): Generator<ArchiveItem> {
  switch (sniff(bytes)) {
    case 'gzip': {
      // A .tar.gz is one container, not two: its entries are named right under the outer file, and
      // it is read as it inflates, never held whole.
      if (gzipHoldsTar(bytes)) {
        // Read as it inflates, so `manifest.json` (which `docker save` may write last) cannot be
        // looked for first: a blob named as an image layer that holds a tar is taken as one.
        yield* tarItems(streamedTar(bytes, budget), chain, depth, budget, 'by-name');
        return;
      }
      yield* gunzipped(bytes, chain, depth, budget);
      return;
    }
    case 'zip':
      for (const zipped of zipEntries(bytes, budget.limits.maxEntries - budget.entries)) {
        count(budget);
        const step: ArchiveStep[] = [...chain, { format: 'zip', path: zipped.name }];
        if (unsafe(zipped.name)) yield warning(step, 'archive-unsafe-path', UNSAFE);
        if (zipped.encrypted) {
          yield warning(step, 'archive-encrypted', 'encrypted entry; its content cannot be searched');
          continue;
        }
        let content: Buffer;
        try {
          content = zipped.content(room(budget));
        } catch (error) {
          if (!(error instanceof ArchiveError)) throw error;
          const spent = spentOr(budget, error);
          if (spent !== error) throw spent;
          yield warning(step, error.code, error.message);
          if (error.partial && error.partial.length > 0) yield* entry(error.partial, step, depth - 1, budget);
          continue;
        }
        if (content.buffer !== bytes.buffer) take(budget, content.length);
        yield* entry(content, step, depth - 1, budget);
      }
      return;
    case 'tar': {
      // Entries are views into `bytes`: listing them first costs no copy, and tells a container
      // image (whose layers are named by digest) from a plain tar.
      const entries: TarEntry[] = [];
      let damage: unknown;
      try {
        for (const e of tarEntries(bytes, budget.limits.maxEntryBytes)) entries.push(e);
      } catch (error) {
        damage = error;
      }
      yield* tarItems(entries, chain, depth, budget, isImage(entries));
      if (damage !== undefined) throw damage;
      return;
    }
    default:
      yield { chain, bytes };
  }
}

/**
 * A plain gzip stream (`app.log.gz`): inflated as it streams. Up to the per-entry limit it is held
 * whole, so an archive inside it is opened; past that it is searched in overlapping windows as it
 * inflates (a key across a window edge is found once, at its place in the whole stream), so only
 * the per-file budget bounds it and memory stays a window or two.
 */
function* gunzipped(bytes: Buffer, chain: readonly ArchiveStep[], depth: number, budget: Budget): Generator<ArchiveItem> {
  const innerName = gunzippedName(bytes);
  const step: ArchiveStep[] = [...chain, { format: 'gzip', path: innerName }];
  // Small input slices: a bomb's step inflates to at most about a thousand times its slice, and
  // fewer pieces in flight keep the peak low.
  const stream = new GunzipStream(bytes, 1024);
  const held: Buffer[] = [];
  let got = 0;
  let windows: Windows | undefined;
  const search = (w: { bytes: Buffer; at: WindowAt }): ArchiveItem => ({ chain: step, bytes: w.bytes, at: w.at });
  try {
    for (;;) {
      const pieces = stream.next();
      if (pieces === undefined) break;
      for (const piece of pieces) {
        take(budget, piece.length);
        if (windows) {
          for (const w of windows.push(piece)) yield search(w);
          continue;
        }
        held.push(piece);
        got += piece.length;
        if (got <= budget.limits.maxEntryBytes) continue;
        windows = new Windows();
        const head = held[0]!;
        if (sniff(head.length >= 512 ? head : Buffer.concat(held)) !== undefined) {
          yield warning(step, 'archive-too-large', `inflates to more than ${budget.limits.maxEntryBytes} bytes, too large to open; searched as it is`);
        }
        while (held.length > 0) for (const w of windows.push(held.shift()!)) yield search(w);
      }
    }
  } catch (error) {
    if (error instanceof BudgetSpent) {
      if (error.reported) throw error;
      // The budget ends the file; what inflated up to here is still searched.
      if (windows) for (const w of windows.end()) yield search(w);
      yield warning(chain, 'archive-too-large', error.message);
      error.reported = true;
      throw error;
    }
    // Nothing inflated: the caller names the damage and searches the bytes as they are.
    if (!(error instanceof ArchiveError) || (got === 0 && !windows)) throw error;
    // A cut-off stream: search what was inflated before the cut.
    yield warning(chain, error.code, error.message);
  }
  if (windows) {
    for (const w of windows.end()) yield search(w);
    return;
  }
  yield* entry(held.length === 1 ? held[0]! : Buffer.concat(held, got), step, depth - 1, budget);
}

const UNSAFE = 'entry name leads outside the archive; scanned under that name, never extracted';

/** Whether a gzip stream inflates to a tar: its first 512 bytes tell (inflating them is cheap). */
function gzipHoldsTar(bytes: Buffer): boolean {
  const stream = new GunzipStream(bytes, 4096);
  const head: Buffer[] = [];
  let got = 0;
  try {
    while (got < 512) {
      const pieces = stream.next();
      if (pieces === undefined) break;
      for (const p of pieces) {
        head.push(p);
        got += p.length;
      }
    }
  } catch {
    // damaged: the whole-stream path below names the damage and keeps what inflates
  }
  return got >= 512 && sniff(Buffer.concat(head, got)) === 'tar';
}

/** The entries of a gzip-compressed tar, read as the stream inflates; damage throws after the entries before it. */
function* streamedTar(bytes: Buffer, budget: Budget): Generator<TarEntry> {
  const stream = new GunzipStream(bytes);
  const parser = new TarParser(budget.limits.maxEntryBytes);
  for (;;) {
    const pieces = stream.next();
    if (pieces === undefined) break;
    for (const piece of pieces) {
      take(budget, piece.length);
      parser.push(piece);
    }
    yield* parser.take();
    if (parser.ended) return; // what follows the end marker is padding
  }
  parser.end();
}

/** `docker save` (legacy `<id>/layer.tar`, or OCI `blobs/sha256/<hex>`) layer blobs. */
const LAYER = /^(?:\.\/)?(?:blobs\/sha256\/([0-9a-f]{64})|[0-9a-f]{64}\/layer\.tar)$/;

function isImage(entries: readonly TarEntry[]): boolean {
  return entries.some((e) => /^(?:\.\/)?(?:manifest\.json|oci-layout)$/.test(e.name)) && entries.some((e) => LAYER.test(e.name));
}

/** Each tar entry: searched, opened, or named in a warning (links, oversized entries, unsafe names). */
function* tarItems(entries: Iterable<TarEntry>, chain: readonly ArchiveStep[], depth: number, budget: Budget, image: boolean | 'by-name'): Generator<ArchiveItem> {
  for (const e of entries) {
    count(budget);
    const step: ArchiveStep[] = [...chain, { format: 'tar', path: e.name }];
    if (unsafe(e.name)) yield warning(step, 'archive-unsafe-path', UNSAFE);
    if (e.type === 'link') {
      yield warning(step, 'archive-link', `link entry (to ${e.linkname}); not followed`);
      continue;
    }
    if (e.type !== 'file') continue;
    if (e.data === undefined) {
      yield warning(step, 'archive-too-large', `${e.size} bytes is over the limit of ${budget.limits.maxEntryBytes}; not scanned`);
      continue;
    }
    const layer = image ? LAYER.exec(e.name) : null;
    if (layer && (image === true ? sniff(e.data) !== undefined : sniff(e.data) === 'tar' || (sniff(e.data) === 'gzip' && gzipHoldsTar(e.data)))) {
      yield* imageLayer(e.data, `sha256:${layer[1] ?? nodeCrypto().createHash('sha256').update(e.data).digest('hex')}`, chain, depth, budget);
      continue;
    }
    yield* entry(e.data, step, depth - 1, budget);
  }
}

/**
 * One layer of a container image, named by digest. Every layer is read, so a file that a later
 * layer deletes (a `.wh.` whiteout) is still found: it ships in the image all the same.
 */
function* imageLayer(bytes: Buffer, digest: string, chain: readonly ArchiveStep[], depth: number, budget: Budget): Generator<ArchiveItem> {
  const layerStep = (path: string): ArchiveStep[] => [...chain, { format: 'layer', path, layer: digest }];
  const format = sniff(bytes);
  if (format !== 'tar' && !(format === 'gzip' && gzipHoldsTar(bytes))) {
    yield* entry(bytes, layerStep(''), depth - 1, budget);
    return;
  }
  try {
    const entries = format === 'tar' ? tarEntries(bytes, budget.limits.maxEntryBytes) : streamedTar(bytes, budget);
    for (const e of entries) {
      count(budget);
      // Links and devices inside a root file system are ordinary, not hostile: nothing to read.
      if (e.type !== 'file') continue;
      const step = layerStep(e.name.replace(/^\.\//, ''));
      if (e.data === undefined) {
        yield warning(step, 'archive-too-large', `${e.size} bytes is over the limit of ${budget.limits.maxEntryBytes}; not scanned`);
        continue;
      }
      yield* entry(e.data, step, depth - 1, budget);
    }
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    yield warning(layerStep(''), error.code, error.message);
  }
}
