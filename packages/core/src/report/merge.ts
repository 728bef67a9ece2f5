import type { Finding, Verification } from '../finding.js';
import type { RepositoryRef, ReportedWarning } from './model.js';
import type { ReportInput } from './read-json.js';

/** One place a key was found: which repository, file, line and (history) commit. */
export interface Place {
  readonly repository: string;
  readonly path: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly source: Finding['source'];
  readonly introduced?: Finding['introduced'];
}

/** One distinct key across every repository, with all its places. Never the key itself. */
export interface MergedKey {
  readonly fingerprint: string;
  readonly redacted: string;
  readonly kind: Finding['kind'];
  readonly detector: string;
  readonly verification?: Verification;
  /** Not in the `--since-report` report (undefined when there is none to compare with). */
  readonly new?: boolean;
  readonly places: readonly Place[];
}

/** Counts per repository, and what the next night needs to scan only what moved. */
export interface RepositorySummary extends RepositoryRef {
  readonly name: string;
  readonly root: string;
  readonly command: string;
  readonly exitCode: number;
  readonly scan?: string;
  readonly findings: number;
  readonly keys: number;
  readonly live: number;
  readonly dead: number;
  readonly unknown: number;
  readonly unchecked: number;
  readonly warnings: number;
}

export type MergedFinding = Finding & { readonly repository: string };
export type MergedWarning = ReportedWarning & { readonly repository?: string };

export interface MergedReport {
  readonly repositories: readonly RepositorySummary[];
  /** Distinct keys, live first. */
  readonly keys: readonly MergedKey[];
  /** Every finding, in key order, each naming its repository. */
  readonly findings: readonly MergedFinding[];
  readonly warnings: readonly MergedWarning[];
  /** Whether `new` was decided (a `--since-report` was given). */
  readonly compared: boolean;
}

const STATUS_ORDER: Record<Verification['status'], number> = { live: 0, unknown: 1, unchecked: 2, dead: 3 };
const statusOf = (v: Verification | undefined): Verification['status'] => v?.status ?? 'unchecked';

/**
 * The verdict to show for a key found by several reports: a live or dead answer beats unknown and
 * unchecked; between two answers the newer one wins (a key revoked since is dead).
 */
function betterVerification(a: Verification | undefined, b: Verification | undefined): Verification | undefined {
  const rank = (v: Verification | undefined) => (v?.status === 'live' || v?.status === 'dead' ? 2 : v?.status === 'unknown' ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) > rank(b) ? a : b;
  if (rank(a) === 2 && a && b) return Date.parse(b.checkedAt ?? '') > Date.parse(a.checkedAt ?? '') ? b : a;
  return a ?? b;
}

function sameName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reports of many repositories (and shards, nights, tools) as one: each repository once (the
 * places of every report about it, each place once; the newest report gives its refs and
 * revision), each key once with every place it was found, live keys first. `previousKeys` (from
 * `--since-report`) marks the keys that are new.
 */
export function mergeReports(inputs: readonly ReportInput[], previousKeys?: ReadonlySet<string>): MergedReport {
  const byRepo = new Map<string, ReportInput[]>();
  for (const input of inputs) {
    const list = byRepo.get(input.name) ?? [];
    list.push(input);
    byRepo.set(input.name, list);
  }

  const placeId = (f: Finding, repo: string) => `${repo}\0${f.path}\0${f.startOffset}\0${f.fingerprint}\0${f.introduced?.commit ?? ''}\0${f.source}`;
  const verdicts = new Map<string, Verification | undefined>();
  const perRepo: { name: string; inputs: ReportInput[]; findings: Finding[] }[] = [];
  for (const [name, list] of byRepo) {
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const input of list) {
      for (const f of input.findings) {
        verdicts.set(f.fingerprint, betterVerification(verdicts.get(f.fingerprint), f.verification));
        const id = placeId(f, name);
        if (seen.has(id)) continue;
        seen.add(id);
        findings.push(f);
      }
    }
    perRepo.push({ name, inputs: list, findings });
  }

  // One verdict per key, on every place it was found.
  const withVerdict = (f: Finding): Finding => {
    const v = verdicts.get(f.fingerprint);
    const { verification: _old, ...rest } = f;
    return v ? { ...rest, verification: v } : (rest as Finding);
  };

  const keys = new Map<string, { first: Finding; places: Place[]; findings: MergedFinding[] }>();
  for (const repo of perRepo) {
    for (const raw of repo.findings) {
      const f = withVerdict(raw);
      const entry = keys.get(f.fingerprint) ?? { first: f, places: [], findings: [] };
      entry.places.push({
        repository: repo.name,
        path: f.path,
        startLine: f.startLine,
        startColumn: f.startColumn,
        source: f.source,
        ...(f.introduced ? { introduced: f.introduced } : {}),
      });
      entry.findings.push({ ...f, repository: repo.name });
      keys.set(f.fingerprint, entry);
    }
  }

  const ordered = [...keys.values()].sort((a, b) => {
    const va = a.first.verification;
    const vb = b.first.verification;
    return (
      STATUS_ORDER[statusOf(va)] - STATUS_ORDER[statusOf(vb)] ||
      (a.first.kind === b.first.kind ? 0 : a.first.kind === 'live' ? -1 : 1) ||
      b.places.length - a.places.length ||
      sameName(a.first.fingerprint, b.first.fingerprint)
    );
  });
  const byPlace = (x: Place, y: Place) => sameName(x.repository, y.repository) || sameName(x.path, y.path) || x.startLine - y.startLine || x.startColumn - y.startColumn;
  const mergedKeys: MergedKey[] = ordered.map(({ first, places }) => ({
    fingerprint: first.fingerprint,
    redacted: first.redacted,
    kind: first.kind,
    detector: first.detector,
    ...(first.verification ? { verification: first.verification } : {}),
    ...(previousKeys ? { new: !previousKeys.has(first.fingerprint) } : {}),
    places: [...places].sort(byPlace),
  }));
  const findings = ordered.flatMap((k) =>
    [...k.findings].sort((x, y) => sameName(x.repository, y.repository) || sameName(x.path, y.path) || x.startLine - y.startLine || x.startColumn - y.startColumn),
  );

  const repositories: RepositorySummary[] = perRepo
    .map(({ name, inputs: list, findings: found }) => {
      // The newest input describes the repository (refs, revision); the rest only add findings.
      const time = (i: ReportInput) => Date.parse(i.endedAt ?? '') || 0;
      const last = list.reduce((a, b) => (time(b) >= time(a) ? b : a));
      const distinct = new Map<string, Verification['status']>();
      for (const f of found) distinct.set(f.fingerprint, statusOf(verdicts.get(f.fingerprint)));
      const count = (s: Verification['status']) => [...distinct.values()].filter((v) => v === s).length;
      const repository = [...list.filter((i) => i !== last), last].reduce<RepositoryRef>((acc, i) => ({ ...acc, ...i.repository }), {});
      return {
        name,
        ...repository,
        root: last.root,
        command: last.command,
        exitCode: Math.max(...list.map((i) => i.exitCode)),
        ...(last.scan ? { scan: last.scan } : {}),
        findings: found.length,
        keys: distinct.size,
        live: count('live'),
        dead: count('dead'),
        unknown: count('unknown'),
        unchecked: count('unchecked'),
        warnings: list.reduce((n, i) => n + i.warnings.length, 0),
      };
    })
    .sort((a, b) => sameName(a.name, b.name));

  const warnings: MergedWarning[] = [];
  for (const repo of perRepo) for (const input of repo.inputs) for (const w of input.warnings) warnings.push({ ...w, repository: repo.name });
  return { repositories, keys: mergedKeys, findings, warnings, compared: previousKeys !== undefined };
}
