import type { KeyKind } from '@shippo-keyguard/rules';
import type { Finding, Suppression } from './finding.js';
import { unverifiedLevel, type Level } from './severity.js';

/**
 * The filter step of the one pipeline (`source -> detect -> filter -> verify -> report`): what
 * to drop, what to report as suppressed and at which level, for every face alike. The CLI, the
 * hooks and the Action call `filterFindings`; the ESLint rules call `filterKey` for each key they
 * find. Pure: the configuration and the baseline come in as lookups (see `configFilter` in
 * `/config` and `baselineFilter` in `/baseline`), so the editor's hot path does no I/O.
 */
export interface FilterRules {
  /** Honour `shippo-keyguard:allow` comments (default true; `--no-inline-allow` for audits). */
  readonly inline?: boolean;
  /** Honour other tools' markers (`gitleaks:allow`, `pragma: allowlist secret`) too (default true). */
  readonly foreign?: boolean;
  /** The configuration's `ignore`, on paths relative to the scan root. Stdin (`-`) has no path to ignore. */
  readonly ignored?: (path: string) => boolean;
  /** The configuration's setting for a detector: `off`, or the level to report at. */
  readonly detector?: (id: string) => 'off' | Level | undefined;
  /** The configuration's `allow` reason for a key, if it allows it (safe to print). */
  readonly allowed?: (fingerprint: string) => string | undefined;
  /** The baseline's entry for a key, if the baseline holds it (its reason safe to print). */
  readonly baselined?: (fingerprint: string) => { readonly reason?: string } | undefined;
}

/** One key at one place, as the filter sees it. */
export interface FilterInput {
  readonly detector: string;
  readonly kind: KeyKind;
  readonly fingerprint: string;
  /** Relative to the scan root; undefined when the caller decided about the path already (a linted file). */
  readonly path?: string;
  /** The level detection gave it (the detector's). */
  readonly level: Level;
  /** The inline allow comment at the key, if any (found while the content was at hand). */
  readonly marker?: 'native' | 'foreign';
}

/** Drop the key (ignored path, detector off), or report it at a level, suppressed or not. */
export type FilterVerdict = { readonly drop: true } | { readonly drop: false; readonly level: Level; readonly suppression?: Suppression };

/**
 * The one decision, in this order: an ignored path or a detector turned off drops the key; an
 * inline allow comment (ours, then foreign ones) suppresses it; then the configuration's `allow`;
 * then the baseline. The configuration's level for the detector replaces the detector's own.
 */
export function filterKey(key: FilterInput, rules: FilterRules): FilterVerdict {
  const setting = rules.detector?.(key.detector);
  if (setting === 'off') return { drop: true };
  if (key.path !== undefined && key.path !== '-' && rules.ignored?.(key.path)) return { drop: true };
  const level = setting !== undefined ? unverifiedLevel(key.detector, key.kind, setting) : key.level;
  const inline = rules.inline ?? true;
  if (inline && key.marker === 'native') return { drop: false, level, suppression: { by: 'inline' } };
  if (inline && (rules.foreign ?? true) && key.marker === 'foreign') return { drop: false, level, suppression: { by: 'inline-foreign' } };
  const reason = rules.allowed?.(key.fingerprint);
  if (reason !== undefined) return { drop: false, level, suppression: { by: 'config', reason } };
  const entry = rules.baselined?.(key.fingerprint);
  if (entry !== undefined) return { drop: false, level, suppression: { by: 'baseline', ...(entry.reason !== undefined ? { reason: entry.reason } : {}) } };
  return { drop: false, level };
}

export interface FilterOutcome {
  /** Findings still reported. */
  readonly kept: Finding[];
  /** Findings something allows, with what (`suppression`). */
  readonly suppressed: Finding[];
  /** How many findings were dropped: ignored path or detector turned off. */
  readonly dropped: number;
}

/**
 * Filter a source's findings. Detection marks inline allow comments as it finds them
 * (`suppression.by` `inline`/`inline-foreign`); whether they count is decided here.
 */
export function filterFindings(findings: readonly Finding[], rules: FilterRules): FilterOutcome {
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  let dropped = 0;
  for (const f of findings) {
    const by = f.suppression?.by;
    const marker = by === 'inline' ? 'native' : by === 'inline-foreign' ? 'foreign' : undefined;
    const verdict = filterKey({ detector: f.detector, kind: f.kind, fingerprint: f.fingerprint, path: f.path, level: f.level, ...(marker ? { marker } : {}) }, rules);
    if (verdict.drop) {
      dropped++;
      continue;
    }
    const { suppression: _marked, ...rest } = f;
    const out: Finding = { ...rest, level: verdict.level, ...(verdict.suppression ? { suppression: verdict.suppression } : {}) };
    (verdict.suppression ? suppressed : kept).push(out);
  }
  return { kept, suppressed, dropped };
}
