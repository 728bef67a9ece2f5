import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Detector } from '@shippo-keyguard/rules';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive/expand.js';
import { scanArchiveContent } from '../archive/scan.js';
import { sniff } from '../archive/sniff.js';
import { mayHoldKey } from '../detect.js';
import type { CommitInfo, Finding } from '../finding.js';
import { DEFAULT_MAX_FILE_SIZE } from '../limits.js';
import { printablePath } from '../printable.js';
import type { ScanWarning } from '../warnings.js';
import { scanContent } from '../scan-content.js';
import type { SecretStore } from '../secret.js';
import { attribute, headBlobs, type Occurrence } from './attribute.js';
import { listReachable, listStore, sizeBlobs, type BlobEntry, type Reachable } from './blobs.js';
import { balancedSlices, readAllBlobs, readBlobs } from './cat-file.js';
import { gitText, runGit, withGitEnv } from './exec.js';
import { forEachCommitMessage, tagMessages, type Message } from './messages.js';
import { openRepo, stashCommits, type RepoInfo } from './repo.js';
import { repositoryOf, type GitScanResult } from './result.js';
import { salvageRefusedPacks, type SalvagedPack } from './salvage.js';

export type { GitScanResult } from './result.js';

export interface HistoryScanOptions {
  /** A directory inside the repository (work tree, linked worktree, or bare git dir). */
  readonly repo: string;
  /**
   * What `openRepo(repo)` answered, when the caller has already asked: opening a bare repository
   * takes several git calls in a row, and the stream should not wait for them twice.
   */
  readonly opened?: RepoInfo;
  /** `git rev-list` arguments; default every ref (`--all`) plus every stash entry. */
  readonly revisions?: readonly string[];
  /** Blobs larger than this are skipped with a `too-large` warning. */
  readonly maxBlobSize?: number;
  readonly secrets?: SecretStore;
  /** Also scan the history of each checked-out submodule. */
  readonly recurseSubmodules?: boolean;
  readonly detectors?: readonly Detector[];
  /** Called now and then with blobs and bytes read so far. */
  readonly onProgress?: (blobs: number, bytes: number) => void;
  /** `git cat-file` processes reading a range in parallel (default 2: git inflates while we search). */
  readonly readers?: number;
  /**
   * Paths to skip: given the repository root, a predicate on paths relative to it. A range is listed with paths, so blobs seen
   * only at ignored paths are never read; a full scan reads the whole object store in pack order
   * (the fast way) and drops what lies only at ignored paths before anything is reported.
   */
  readonly ignore?: (root: string) => ((path: string) => boolean) | undefined;
  /** Open archives and compressed blobs (default: to depth 3 within the default limits). */
  readonly archives?: ArchiveLimits;
}

/** How many missing objects are listed one by one before the rest is only counted. */
const MAX_LISTED_MISSING = 100;

/** Below this many bytes a second reader costs more than it saves. */
const PARALLEL_THRESHOLD = 16 * 1024 * 1024;

export function shallowWarning(): ScanWarning {
  return {
    code: 'shallow-clone',
    message:
      'shallow clone: history is partial, commits beyond the shallow boundary were not scanned; ' +
      'fetch the full history with "git fetch --unshallow" (GitHub Actions: actions/checkout with fetch-depth: 0)',
  };
}

interface BlobHit {
  readonly id: string;
  readonly findings: Finding[];
}

/**
 * Every key ever committed in the selected history. Each distinct blob is read and searched
 * once; attribution (which commit brought the key in, by whom, at which path) is paid only for
 * blobs that hold a finding. One finding per key and source: the earliest introduction, with
 * counts of the other commits and paths that carry the same key.
 */
export function scanHistory(options: HistoryScanOptions): Promise<GitScanResult> {
  return scanOnce(options, true);
}

/**
 * One pass over the history. When a full scan meets damage and some pack is refused as a whole
 * (truncated), the intact part of that pack is recovered into a temporary object directory and
 * the scan runs once more with it as an alternate: keys in the recovered objects are then found
 * at their paths, with their commits. A healthy repository never pays for this.
 */
async function scanOnce(options: HistoryScanOptions, maySalvage: boolean, salvaged: readonly SalvagedPack[] = []): Promise<GitScanResult> {
  const info = options.opened ?? (await openRepo(options.repo));
  const root = info.root;
  const warnings: ScanWarning[] = [];
  const stats = { scanned: 0, bytes: 0, skipped: 0 };
  const result: GitScanResult = { root, findings: [], warnings, stats, repository: repositoryOf(info), shallow: info.shallow };
  if (info.shallow) warnings.push(shallowWarning());
  for (const pack of salvaged) {
    warnings.push({
      code: 'unreadable',
      message: `pack ${pack.name} is truncated, so git refuses it as a whole: ${pack.recovered} objects were recovered from its intact part and scanned`,
    });
  }

  const full = options.revisions === undefined;
  const maxBlobSize = options.maxBlobSize ?? DEFAULT_MAX_FILE_SIZE;
  const ignored = options.ignore?.(root);
  const secrets = options.secrets;
  const scanOptions = (path: string, source: Finding['source']) => ({
    path,
    source,
    ...(secrets ? { secrets } : {}),
    ...(options.detectors ? { detectors: options.detectors } : {}),
  });

  // Blobs: searched as they stream by; only those that hold a key are kept (by id).
  const hits = new Map<string, Finding[]>();
  const archives = options.archives ?? DEFAULT_ARCHIVE_LIMITS;
  const archiveWarnings = new Map<string, ScanWarning[]>();
  const readSizes = new Map<string, number>();
  let lastProgress = 0;
  let readBytes = 0;
  const onBlob = (id: string, content: Buffer) => {
    readSizes.set(id, content.length);
    readBytes += content.length;
    if (options.onProgress && readSizes.size - lastProgress >= 1000) {
      lastProgress = readSizes.size;
      options.onProgress(readSizes.size, readBytes);
    }
    if (archives.depth > 0 && sniff(content) !== undefined) {
      // Warnings are named once the blob's path is known (below).
      const opened = scanArchiveContent(content, scanOptions('', 'history'), archives);
      if (opened.findings.length > 0) hits.set(id, opened.findings);
      if (opened.warnings.length > 0) archiveWarnings.set(id, opened.warnings);
      return;
    }
    if (!mayHoldKey(content, options.detectors)) return;
    const found = scanContent(content, scanOptions('', 'history'));
    if (found.length > 0) hits.set(id, found);
  };
  const missing: { id: string; reason: string }[] = [];
  const onMissing = (id: string, reason: string) => missing.push({ id, reason });
  const oversized = new Map<string, number>();

  // A full scan streams the whole store in pack order, as fast as git can inflate it, from the
  // start: every git call made before it (stash, refs, the message log) would delay the stream,
  // which is what the scan waits on. rev-list later says which blobs are reachable (and under
  // which path); unreachable ones are dropped afterwards.
  const stopStream = new AbortController();
  const tagObjects = new Set<string>();
  let streamStarted = (): void => undefined;
  const started = new Promise<void>((resolve) => (streamStarted = resolve));
  const streamed = full
    ? readAllBlobs(
        root,
        (id, size) => {
          if (size <= maxBlobSize) return true;
          oversized.set(id, size);
          return false;
        },
        onBlob,
        { signal: stopStream.signal, onStarted: streamStarted, onTag: (id) => tagObjects.add(id) },
      )
    : undefined;
  // Awaited below; until then a failure must not count as unhandled.
  streamed?.catch(() => undefined);
  // Spawning a process holds up the next one: git starts reading the store before anything else.
  if (streamed) await Promise.race([started, streamed.catch(() => undefined)]);
  // Annotated tags' messages: one cheap call, read while the blobs are.
  const tagsRead = full ? tagMessages(root, maxBlobSize) : undefined;
  tagsRead?.catch(() => undefined);
  const [stash, anyRefs] = full ? await Promise.all([stashCommits(root), info.head !== undefined || hasRefs(root)]) : [[], true];
  const revs = full ? ['--all', ...stash] : [...options.revisions!];
  if (!anyRefs) {
    stopStream.abort();
    await streamed?.catch(() => undefined);
    return result;
  }

  // Commit and tag messages: a cheap stream, read while the blobs are.
  const messageHits: { message: Message; findings: Finding[]; order: number }[] = [];
  let messageOrder = 0;
  const onMessage = (message: Message) => {
    if (message.tooLarge !== undefined) {
      stats.skipped++;
      warnings.push({
        code: 'too-large',
        message: `${message.path}: skipped, ${message.tooLarge} bytes is larger than the limit of ${maxBlobSize}`,
        path: message.path,
      });
      return;
    }
    stats.scanned++;
    stats.bytes += Buffer.byteLength(message.text);
    messageOrder++;
    if (!mayHoldKey(message.text, options.detectors)) return;
    const found = scanContent(message.text, scanOptions(message.path, 'commit-message'));
    if (found.length > 0) messageHits.push({ message, findings: found, order: messageOrder });
  };
  const messagesDone = (async () => {
    await forEachCommitMessage(root, revs, onMessage, maxBlobSize);
    if (tagsRead) for (const m of await tagsRead) onMessage(m);
  })().catch((error: unknown) => {
    warnings.push({ code: 'unreadable', message: `commit messages could not be read completely: ${(error as Error).message}` });
  });

  let reachable: Awaited<ReturnType<typeof listReachable>>;
  let toRead: BlobEntry[];
  if (full) {
    let streamedWhole: boolean;
    [reachable, streamedWhole] = await Promise.all([listReachable(root, revs, { tolerant: true }), streamed!]);
    if (maySalvage && (!streamedWhole || reachable.broken !== undefined || reachable.missing.length > 0)) {
      const salvage = await salvageRefusedPacks(root);
      if (salvage) {
        await messagesDone;
        try {
          return await withGitEnv(salvage.env, () => scanOnce(options, false, salvage.packs));
        } finally {
          await salvage.remove();
        }
      }
    }
    // After a salvage the walk may have ended quietly at a tree that was not recovered (rev-list's
    // blob filter does not always report it), so the store is searched whole then too.
    if (reachable.broken !== undefined || salvaged.length > 0) await assumeStoreReachable(root, reachable, warnings);
    // Reachable blobs the stream did not deliver (it stopped at a corrupt object, or the object
    // lives elsewhere): read them one by one, so each bad one is named.
    // (Sizes are unknown here, so a size check happens as each one is read.)
    toRead = [];
    // (rev-list names annotated tags among the reachable objects: they are not blobs.)
    for (const [id, path] of reachable.paths) if (!readSizes.has(id) && !oversized.has(id) && !tagObjects.has(id)) toRead.push({ id, size: 0, path });
  } else {
    reachable = await listReachable(root, revs);
    if (ignored) for (const [id, path] of reachable.paths) if (path && ignored(path)) reachable.paths.delete(id);
    const sized = await sizeBlobs(root, reachable.paths);
    for (const id of sized.missing) onMissing(id, 'missing');
    toRead = [];
    for (const b of sized.blobs) (b.size > maxBlobSize ? oversized.set(b.id, b.size) : toRead.push(b));
  }
  const totalBytes = toRead.reduce((sum, b) => sum + b.size, 0);
  const readers = totalBytes < PARALLEL_THRESHOLD ? 1 : Math.max(1, options.readers ?? 2);
  const slices = balancedSlices(toRead, (b) => b.size + 64, readers);
  const withinLimit = (id: string, size: number) => {
    if (size <= maxBlobSize) return true;
    oversized.set(id, size);
    return false;
  };
  await Promise.all(slices.map((slice) => readBlobs(root, slice.map((b) => b.id), onBlob, onMissing, withinLimit)));
  await messagesDone;

  const paths = reachable.paths;
  // Blobs known only at ignored paths are not part of what was asked for: no finding, no warning.
  if (full && ignored) for (const [id, path] of paths) if (path && ignored(path)) paths.delete(id);
  for (const [id, size] of readSizes) {
    if (!paths.has(id)) continue; // unreachable: not part of any history
    stats.scanned++;
    stats.bytes += size;
  }
  for (const id of hits.keys()) if (!paths.has(id)) hits.delete(id);
  for (const [id, list] of archiveWarnings) {
    const path = paths.get(id);
    if (path === undefined) continue;
    for (const w of list) warnings.push({ ...w, message: `${printablePath(path)}${w.message}`, path });
  }
  for (const [id, size] of oversized) {
    const path = paths.get(id);
    if (path === undefined) continue;
    stats.skipped++;
    warnings.push({
      code: 'too-large',
      message: `${path} (blob ${id.slice(0, 12)}): skipped, ${size} bytes is larger than the limit of ${maxBlobSize}`,
      path,
    });
  }
  const missingIds = [...reachable.missing.map((id) => ({ id, reason: 'missing' })), ...missing].map((m) => ({
    ...m,
    // A path, unless it is only the stand-in name of an object no walked tree reached.
    ...(paths.get(m.id) && paths.get(m.id) !== `blob/${m.id}` ? { path: paths.get(m.id) } : {}),
  }));
  reportMissing(missingIds, warnings);
  stats.skipped += missingIds.length;

  if (hits.size > 0) {
    // A blob no tree holds (a tag pointing straight at it) is named by its ref.
    const unnamed = [...hits.keys()].filter((id) => !paths.get(id));
    const refNames = unnamed.length > 0 ? await refsPointingAt(root, unnamed) : new Map<string, string>();
    const pathOf = (id: string) => paths.get(id) || refNames.get(id) || '';
    const blobHits = [...hits].map(([id, findings]) => ({ id, findings: findings.map((f) => ({ ...f, path: pathOf(id) })) }));
    result.findings.push(...(await attributeHits(root, revs, info.head, blobHits, warnings)));
  }
  result.findings.push(...groupMessages(messageHits, info.head));

  if (options.recurseSubmodules && !info.bare) await scanSubmodules(root, options, result);
  return result;
}

/**
 * git could not walk the whole history (a corrupt commit or tree, a truncated pack), so which
 * blobs are reachable is unknown past that point. Rather than report nothing, every blob the
 * store still holds counts as reachable; those git never reached are named `blob/<id>`. A
 * dangling blob may then be reported too: better than a key missed in a damaged repository.
 */
async function assumeStoreReachable(root: string, reachable: Reachable, warnings: ScanWarning[]): Promise<void> {
  const paths = reachable.paths as Map<string, string>;
  let added = 0;
  for (const id of await listStore(root)) {
    if (paths.has(id)) continue;
    paths.set(id, `blob/${id}`);
    added++;
  }
  warnings.push({
    code: 'unreadable',
    message:
      `git could not walk the whole history (${reachable.broken ?? 'objects of a truncated pack are missing'}): the objects it names are listed as missing; ` +
      `the ${added} other objects the repository lists were tried one by one, and keys in blobs no walked tree reached are reported at blob/<id>`,
  });
}

/** The first ref (`refs/tags/x`) that points at each of these blobs, directly or through an annotated tag. */
async function refsPointingAt(root: string, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = new Set(ids);
  const names = new Map<string, string>();
  const out = await gitText(root, ['for-each-ref', '--format=%(objectname) %(*objectname) %(refname)']);
  for (const line of out.split('\n')) {
    const [object = '', peeled = '', ...ref] = line.split(' ');
    const name = ref.join(' ');
    for (const id of [object, peeled]) if (wanted.has(id) && !names.has(id)) names.set(id, name);
  }
  return names;
}

async function hasRefs(root: string): Promise<boolean> {
  const out = await gitText(root, ['for-each-ref', '--count=1', '--format=%(refname)']);
  if (out.trim() !== '') return true;
  const head = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD'], { okCodes: [1] });
  return head.code === 0;
}

function reportMissing(missing: readonly { id: string; path?: string; reason: string }[], warnings: ScanWarning[]): void {
  for (const m of missing.slice(0, MAX_LISTED_MISSING)) {
    warnings.push({
      code: 'missing-object',
      message: `object ${m.id}${m.path ? ` (${m.path})` : ''} could not be read (${m.reason}): partial clone or broken pack; skipped`,
      ...(m.path ? { path: m.path } : {}),
    });
  }
  if (missing.length > MAX_LISTED_MISSING) {
    warnings.push({
      code: 'missing-object',
      message: `${missing.length} objects in total could not be read (${missing.length - MAX_LISTED_MISSING} more not listed)`,
    });
  }
}

/** Turn the blobs that hold keys into one finding per key, at its earliest introduction. */
async function attributeHits(
  root: string,
  revs: readonly string[],
  head: string | undefined,
  hits: readonly BlobHit[],
  warnings: ScanWarning[],
): Promise<Finding[]> {
  const ids = new Set(hits.map((h) => h.id));
  let occurrences = new Map<string, Occurrence[]>();
  let commits = new Map<string, CommitInfo>();
  const headDone = headBlobs(root, head).catch(() => new Set<string>());
  try {
    ({ occurrences, commits } = await attribute(root, revs, ids));
  } catch (error) {
    warnings.push({ code: 'attribution-failed', message: `could not tell which commits introduced the keys: ${(error as Error).message}` });
  }
  const atHead = await headDone;

  // Per key: every blob that holds it.
  const byKey = new Map<string, { hit: BlobHit; findings: Finding[] }[]>();
  for (const hit of hits) {
    const perKey = new Map<string, Finding[]>();
    for (const f of hit.findings) perKey.set(f.fingerprint, [...(perKey.get(f.fingerprint) ?? []), f]);
    for (const [fp, findings] of perKey) byKey.set(fp, [...(byKey.get(fp) ?? []), { hit, findings }]);
  }

  const out: Finding[] = [];
  for (const holders of byKey.values()) {
    let earliest: { occ: Occurrence; holder: (typeof holders)[number] } | undefined;
    const commitSet = new Set<string>();
    const pathSet = new Set<string>();
    let present = false;
    for (const holder of holders) {
      if (atHead.has(holder.hit.id)) present = true;
      const occs = occurrences.get(holder.hit.id) ?? [];
      if (occs.length === 0) pathSet.add(holder.findings[0]?.path ?? '');
      for (const occ of occs) {
        commitSet.add(occ.commit);
        pathSet.add(occ.path);
        if (earliest === undefined || occ.seq > earliest.occ.seq) earliest = { occ, holder };
      }
    }
    const chosen = earliest?.holder ?? holders[0];
    if (chosen === undefined) continue;
    const introduced = earliest ? commits.get(earliest.occ.commit) : undefined;
    const path = earliest?.occ.path ?? chosen.findings[0]?.path ?? '';
    const history = {
      otherCommits: Math.max(0, commitSet.size - 1),
      otherPaths: Math.max(0, pathSet.size - 1),
      atHead: present,
    };
    for (const f of chosen.findings) {
      out.push({ ...f, path, blob: chosen.hit.id, ...(introduced ? { introduced } : {}), history });
    }
  }
  return out;
}

/** One finding per key found in messages: the oldest commit that carries it. */
function groupMessages(hits: readonly { message: Message; findings: Finding[]; order: number }[], head: string | undefined): Finding[] {
  const byKey = new Map<string, { message: Message; findings: Finding[]; order: number }[]>();
  for (const hit of hits) {
    for (const f of hit.findings) {
      const list = byKey.get(f.fingerprint) ?? [];
      if (!list.some((h) => h.message === hit.message)) list.push({ ...hit, findings: hit.findings.filter((x) => x.fingerprint === f.fingerprint) });
      byKey.set(f.fingerprint, list);
    }
  }
  const out: Finding[] = [];
  for (const list of byKey.values()) {
    // git log lists newest first; the highest order is the oldest message.
    const oldest = list.reduce((a, b) => (b.order > a.order ? b : a));
    const history = {
      otherCommits: new Set(list.map((h) => h.message.info.commit)).size - 1,
      otherPaths: 0,
      atHead: list.some((h) => h.message.info.commit === head && h.message.path.startsWith('commit-message/')),
    };
    for (const f of oldest.findings) out.push({ ...f, introduced: oldest.message.info, history });
  }
  return out;
}

/** Scan each checked-out submodule's own history; its findings' paths get the submodule's path in front. */
async function scanSubmodules(root: string, options: HistoryScanOptions, result: GitScanResult): Promise<void> {
  if (!existsSync(join(root, '.gitmodules'))) return;
  const out = await runGit(root, ['config', '-f', '.gitmodules', '--get-regexp', '^submodule\\..*\\.path$'], { okCodes: [1] });
  const paths = out.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => l.slice(l.indexOf(' ') + 1))
    .filter((p) => p !== '');
  for (const sub of paths) {
    const dir = join(root, sub);
    if (!existsSync(join(dir, '.git'))) {
      result.warnings.push({ code: 'submodule-not-checked-out', message: `submodule ${sub} is not checked out; its history was not scanned`, path: sub });
      continue;
    }
    const { repo: _repo, revisions: _revisions, ...rest } = options;
    const inner = await scanHistory({ ...rest, repo: dir });
    result.findings.push(...inner.findings.map((f) => ({ ...f, path: `${sub}/${f.path}` })));
    result.warnings.push(...inner.warnings.map((w) => ({ ...w, message: `submodule ${sub}: ${w.message}`, ...(w.path ? { path: `${sub}/${w.path}` } : {}) })));
    result.stats.scanned += inner.stats.scanned;
    result.stats.bytes += inner.stats.bytes;
    result.stats.skipped += inner.stats.skipped;
  }
}
