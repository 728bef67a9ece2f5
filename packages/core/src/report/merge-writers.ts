import type * as Sarif from 'sarif';
import { buildSarif, SARIF_SCHEMA } from './sarif.js';
import type { MergedKey, MergedReport } from './merge.js';
import type { ScanReport } from './model.js';
import { plural } from './summary.js';

/** What the merge run adds around the merged content. */
export interface MergeRun {
  readonly tool: ScanReport['tool'];
  readonly startedAt: string;
  readonly endedAt: string;
  readonly exitCode: number;
}

export const repositories = (n: number): string => `${n} ${n === 1 ? 'repository' : 'repositories'}`;

function statusCounts(keys: readonly MergedKey[]) {
  const count = (s: string) => keys.filter((k) => (k.verification?.status ?? 'unchecked') === s).length;
  return { live: count('live'), dead: count('dead'), unknown: count('unknown'), unchecked: count('unchecked') };
}

/** New keys since the `--since-report` report: all of them and the live ones. */
export function newCounts(report: MergedReport): { keys: number; live: number } | undefined {
  if (!report.compared) return undefined;
  const fresh = report.keys.filter((k) => k.new);
  return { keys: fresh.length, live: fresh.filter((k) => k.verification?.status === 'live').length };
}

/**
 * JSON report version 1 with `command: "merge"`: the usual summary and findings (each naming its
 * `repository`), plus `keys` (each key once with its places) and `repositories` (counts, refs).
 * It is also the state of an organisation scan: the next night reads the refs from it.
 */
export function formatMergedJson(report: MergedReport, run: MergeRun): string {
  const fresh = newCounts(report);
  const body = {
    version: 1,
    tool: run.tool,
    command: 'merge',
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    exitCode: run.exitCode,
    summary: {
      findings: report.findings.length,
      keys: report.keys.length,
      ...statusCounts(report.keys),
      repositories: report.repositories.length,
      repositoriesWithKeys: report.repositories.filter((r) => r.keys > 0).length,
      ...(fresh ? { new: fresh } : {}),
      suppressed: 0,
      warnings: report.warnings.length,
    },
    repositories: report.repositories,
    keys: report.keys,
    findings: report.findings,
    warnings: report.warnings,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function statusLabel(k: MergedKey): string {
  const v = k.verification;
  if (!v || v.status === 'unchecked') return 'NOT VERIFIED';
  return v.status === 'unknown' && v.reason ? `UNKNOWN (${v.reason})` : v.status.toUpperCase();
}

/** The headline: keys, repositories, and what is new. */
export function mergedHeadline(report: MergedReport): string {
  const counts = statusCounts(report.keys);
  const fresh = newCounts(report);
  const withKeys = report.repositories.filter((r) => r.keys > 0).length;
  if (report.keys.length === 0) return `no Shippo keys in ${repositories(report.repositories.length)}`;
  const parts = [
    `${plural(report.keys.length, 'distinct key')} at ${plural(report.findings.length, 'place')} in ${withKeys} of ${repositories(report.repositories.length)}`,
    `${counts.live} live, ${counts.dead} dead, ${counts.unknown} unknown, ${counts.unchecked} not verified`,
  ];
  if (fresh) parts.push(`${plural(fresh.live, 'new live key')}, ${plural(fresh.keys, 'new key')} in all`);
  return parts.join(' · ');
}

/** Human-readable: each key once with its places, live first, then warnings and the headline. */
export function formatMergedText(report: MergedReport): string {
  const out: string[] = [];
  for (const k of report.keys) {
    const repos = new Set(k.places.map((p) => p.repository)).size;
    out.push(`${statusLabel(k)}  ${k.redacted}  ${k.kind} key${k.new ? '  NEW' : ''}  ${plural(k.places.length, 'place')} in ${repositories(repos)}`);
    for (const p of k.places) {
      const commit = p.introduced ? `  introduced in ${p.introduced.commit.slice(0, 12)} on ${p.introduced.date}` : '';
      out.push(`    ${p.repository}  ${p.path}:${p.startLine}:${p.startColumn}${commit}`);
    }
  }
  for (const w of report.warnings) out.push(`warning: ${w.repository ? `${w.repository}: ` : ''}${w.message}`);
  out.push(`${report.keys.length > 0 ? '✖' : '✔'} ${mergedHeadline(report)}`);
  return `${out.join('\n')}\n`;
}

/** SARIF 2.1.0 with one run per repository, so each can go to that repository's code scanning. */
export function formatMergedSarif(report: MergedReport, run: MergeRun): string {
  const runs: Sarif.Run[] = [];
  for (const repo of report.repositories) {
    const findings = report.findings.filter((f) => f.repository === repo.name).map(({ repository: _r, ...f }) => f);
    const single: ScanReport = {
      tool: run.tool,
      command: repo.command,
      root: repo.root || '/',
      findings,
      warnings: report.warnings.filter((w) => w.repository === repo.name).map(({ repository: _r, ...w }) => w),
      stats: { scanned: 0, bytes: 0, skipped: 0, durationMs: 0 },
      ...(repo.uri ? { repository: { uri: repo.uri, ...(repo.revision ? { revision: repo.revision } : {}), ...(repo.branch ? { branch: repo.branch } : {}) } } : {}),
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      exitCode: repo.exitCode,
    };
    const sarifRun = buildSarif(single).runs[0]!;
    // One category per repository: an upload of one run never closes the alerts of another.
    sarifRun.automationDetails = { id: `shippo-keyguard/${repo.command}/${repo.name}/` };
    runs.push(sarifRun);
  }
  const log: Sarif.Log = { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
  return `${JSON.stringify(log, null, 2)}\n`;
}
