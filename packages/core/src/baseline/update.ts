import { BASELINE_VERSION, type Baseline, type BaselineEntry } from './model.js';

/** The fields of a finding (or of a finding in a JSON report) a baseline needs. */
export interface FindingLike {
  readonly fingerprint: string;
  readonly detector: string;
  readonly redacted: string;
  readonly path: string;
  readonly startLine?: number;
  readonly introduced?: { readonly commit: string; readonly date?: string };
}

/**
 * One entry per distinct key. First seen: for history, the oldest introducing commit; else the
 * first place in report order (path, then line).
 */
export function entriesFromFindings(findings: readonly FindingLike[], date: string, reason?: string): BaselineEntry[] {
  const first = new Map<string, FindingLike>();
  for (const f of findings) {
    const seen = first.get(f.fingerprint);
    if (seen === undefined || earlier(f, seen)) first.set(f.fingerprint, f);
  }
  return [...first.values()].map((f) => ({
    fingerprint: f.fingerprint,
    detector: f.detector,
    redacted: f.redacted,
    firstSeen: { path: f.path, ...(f.introduced ? { commit: f.introduced.commit } : {}) },
    date,
    ...(reason !== undefined ? { reason } : {}),
  }));
}

function earlier(a: FindingLike, b: FindingLike): boolean {
  const da = a.introduced?.date ?? '';
  const db = b.introduced?.date ?? '';
  if (da !== db) return da !== '' && (db === '' || Date.parse(da) < Date.parse(db));
  if (a.path !== b.path) return a.path < b.path;
  if ((a.startLine ?? 0) !== (b.startLine ?? 0)) return (a.startLine ?? 0) < (b.startLine ?? 0);
  return (a.introduced?.commit ?? '') < (b.introduced?.commit ?? '');
}

/** Entries whose key is not among `present` (fingerprints seen in the scanned scope). */
export function staleEntries(baseline: Baseline, present: ReadonlySet<string>): BaselineEntry[] {
  return baseline.entries.filter((e) => !present.has(e.fingerprint));
}

export interface BaselineUpdate {
  readonly baseline: Baseline;
  /** New keys. */
  readonly added: readonly BaselineEntry[];
  /** Entries whose key was not seen: kept unless pruned. */
  readonly stale: readonly BaselineEntry[];
  readonly pruned: boolean;
}

/**
 * Merge what a scan found into an existing baseline. Known keys keep their entry exactly as it
 * was (date, reason, first-seen place), so re-running after edits that move a key changes no
 * byte; new keys get `date` (and `reason`, if given); stale entries go only with `prune`.
 */
export function updateBaseline(
  previous: Baseline | undefined,
  findings: readonly FindingLike[],
  options: { readonly date: string; readonly reason?: string; readonly prune?: boolean },
): BaselineUpdate {
  const current = entriesFromFindings(findings, options.date, options.reason);
  const present = new Set(current.map((e) => e.fingerprint));
  const known = new Map((previous?.entries ?? []).map((e) => [e.fingerprint, e]));
  const added = current.filter((e) => !known.has(e.fingerprint));
  const stale = previous ? staleEntries(previous, present) : [];
  const kept = [...known.values()].filter((e) => present.has(e.fingerprint) || !options.prune);
  return { baseline: { version: BASELINE_VERSION, entries: [...kept, ...added] }, added, stale, pruned: Boolean(options.prune) };
}
