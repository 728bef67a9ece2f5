import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Detector } from '@shippo-keyguard/rules';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive/expand.js';
import { scanArchiveContent } from '../archive/scan.js';
import type { Finding } from '../finding.js';
import type { ScanWarning } from '../warnings.js';
import { scanContent } from '../scan-content.js';
import type { SecretStore } from '../secret.js';
import { readBlobs } from './cat-file.js';
import { readLooseBlobs } from './loose.js';
import { GitError, runGit } from './exec.js';
import { repositoryOf, type GitScanResult } from './result.js';
import { stagedChanges, startStaged, type StagedStart } from './staged-start.js';

export interface StagedScanOptions {
  readonly repo: string;
  /** A commit message file to scan too (a commit-msg hook's `$1`). */
  readonly messageFile?: string;
  readonly secrets?: SecretStore;
  readonly detectors?: readonly Detector[];
  readonly maxBlobSize?: number;
  /** Paths skipped while listing, before anything is read: given the repository root, a predicate on paths relative to it. */
  readonly ignore?: (root: string) => ((path: string) => boolean) | undefined;
  /** Open staged archives and compressed files (default: to depth 3 within the default limits). */
  readonly archives?: ArchiveLimits;
  /**
   * Name the repository by its remote's URL in the result (default true). A report that never
   * shows it (text) leaves it out and saves a git process; `repository.uri` is then absent.
   */
  readonly remoteUrl?: boolean;
  /** The git reads already under way (`startStaged`), used when they are for this repository and ask for the remote as this scan does. */
  readonly started?: StagedStart;
}

/** Larger staged blobs are read through git, which reports their size before their content. */
const MAX_LOOSE_READ = 8 * 1024 * 1024;

/** The part of a `commit -v` message file below this line is the diff, not the message. */
const SCISSORS = /^[#;] -+ >8 -+$/m;

/**
 * What is about to be committed: the index's version of every added, copied, modified, renamed or
 * type-changed file (a symbolic link replaced by a file; not the working tree), so line numbers are those of the staged content. Works before the
 * first commit (against the empty tree), during a merge and on a detached HEAD.
 */
export async function scanStaged(options: StagedScanOptions): Promise<GitScanResult> {
  // The index-vs-HEAD diff reads the whole index (tens of milliseconds on a large repository),
  // so it starts with the repository's description instead of after it: a commit hook waits for
  // the longer of the two, not their sum. Before the first commit there is no HEAD; that diff
  // fails and is run again against the empty tree.
  const dir = resolve(options.repo);
  const remote = options.remoteUrl ?? true;
  const given = options.started;
  const { info: opening, againstHead } = given !== undefined && given.dir === dir && given.remote === remote ? given : startStaged(dir, { remote });
  const info = await opening;
  if (info.bare) throw new GitError(`${info.root} is a bare repository: nothing is staged there`, [], null);
  const root = info.root;
  const ignored = options.ignore?.(root);
  const warnings: ScanWarning[] = [];
  const stats = { scanned: 0, bytes: 0, skipped: 0 };
  const findings: Finding[] = [];
  const common = {
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.detectors ? { detectors: options.detectors } : {}),
  };

  const changed = (info.head !== undefined ? await againstHead : undefined) ?? (await stagedChanges(root, info.head ?? (await emptyTree(root))));
  const entries = ignored ? changed.filter((e) => !ignored(e.path)) : changed;

  const maxBlobSize = options.maxBlobSize ?? Number.POSITIVE_INFINITY;
  const byId = new Map<string, string[]>();
  for (const e of entries) byId.set(e.id, [...(byId.get(e.id) ?? []), e.path]);
  const scanBlob = (id: string, content: Buffer): void => {
    for (const path of byId.get(id) ?? []) {
      stats.scanned++;
      stats.bytes += content.length;
      const opened = scanArchiveContent(content, { path, source: 'staged', ...common }, options.archives ?? DEFAULT_ARCHIVE_LIMITS);
      findings.push(...opened.findings);
      warnings.push(...opened.warnings);
    }
  };
  // What `git add` just wrote is loose: read it here, and start cat-file only for the rest.
  const ids = [...byId.keys()];
  const unread = info.objects ? readLooseBlobs(info.objects, ids, Math.min(maxBlobSize, MAX_LOOSE_READ), scanBlob) : ids;
  await readBlobs(
    root,
    unread,
    scanBlob,
    (id, reason) => {
      stats.skipped++;
      warnings.push({ code: 'missing-object', message: `staged object ${id} could not be read (${reason})`, path: (byId.get(id) ?? [])[0] ?? '' });
    },
    // An oversized blob is never read into memory: git's header gives its size first.
    (id, size) => {
      if (size <= maxBlobSize) return true;
      for (const path of byId.get(id) ?? []) {
        stats.skipped++;
        warnings.push({ code: 'too-large', message: `${path}: skipped, larger than ${maxBlobSize} bytes (--max-file-size)`, path });
      }
      return false;
    },
  );

  if (options.messageFile !== undefined) {
    const file = resolve(options.messageFile);
    const text = readFileSync(file, 'utf8');
    const cut = SCISSORS.exec(text);
    const message = cut ? text.slice(0, cut.index) : text;
    const rel = relative(root, file).split(sep).join('/');
    const path = rel.startsWith('..') ? file : rel;
    stats.scanned++;
    stats.bytes += Buffer.byteLength(message);
    // Comment lines are scanned too: git keeps them when the message does not come from the
    // editor (`git commit -m "#42 ..."`), and a hook cannot tell which it was.
    findings.push(...scanContent(message, { path, source: 'commit-message', ...common }));
  }
  const { uri, ...named } = repositoryOf(info);
  return { root, findings, warnings, stats, repository: remote ? { uri, ...named } : named, shallow: info.shallow };
}

async function emptyTree(root: string): Promise<string> {
  const out = await runGit(root, ['hash-object', '-t', 'tree', '--stdin'], { input: '' });
  return out.stdout.toString('utf8').trim();
}
