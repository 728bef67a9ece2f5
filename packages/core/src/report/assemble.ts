import { dedupeFindings, sortFindings } from '../postprocess.js';
import type { Finding } from '../finding.js';
import { failsPolicy, type FailOn } from '../policy.js';
import { formatJson } from './json.js';
import type { ScanReport, ScanStats, ScanWarning } from './model.js';
import { formatSarif } from './sarif.js';
import { formatGitlab } from './gitlab.js';
import { formatText, type TextOptions } from './text.js';

/** The report step's input: what the source, filter and verify steps left. */
export interface AssembleInput {
  readonly tool: ScanReport['tool'];
  readonly command: string;
  readonly root: string;
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
  readonly warnings: readonly ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
  readonly startedAt: Date;
  readonly repository?: ScanReport['repository'];
  /** A condition the caller turns into exit 2 (nothing could be scanned, `--strict`). */
  readonly error?: boolean;
}

/** Exit codes: 0 nothing fails the policy, 1 findings fail it, 2 the tool could not do what was asked. */
export const REPORT_EXIT = { OK: 0, FINDINGS: 1, ERROR: 2 } as const;

/**
 * The report step: findings in their stable order, the exit code from the fail policy, and the
 * one model every writer (text, JSON, SARIF) renders.
 */
export function assembleReport(input: AssembleInput, failOn: FailOn, now: Date = new Date()): ScanReport {
  const findings = sortFindings(dedupeFindings(input.findings));
  const failing = findings.some((f) => failsPolicy(f, failOn));
  const exitCode = input.error ? REPORT_EXIT.ERROR : failing ? REPORT_EXIT.FINDINGS : REPORT_EXIT.OK;
  return {
    tool: input.tool,
    command: input.command,
    root: input.root,
    findings,
    warnings: input.warnings,
    stats: { ...input.stats, durationMs: now.getTime() - input.startedAt.getTime() },
    ...(input.suppressed.length > 0 ? { suppressed: sortFindings(input.suppressed) } : {}),
    ...(input.repository ? { repository: input.repository } : {}),
    startedAt: input.startedAt.toISOString(),
    endedAt: now.toISOString(),
    exitCode,
  };
}

export type ReportFormat = 'text' | 'json' | 'sarif' | 'gitlab';

/** One report in one format. `reveal` (full keys, `--no-redact`) reaches text and JSON only: SARIF and GitLab reports never hold a key. */
export function renderReport(report: ScanReport, format: ReportFormat, options: Pick<TextOptions, 'color' | 'showSuppressed' | 'reveal'> = {}): string {
  const reveal = options.reveal ? { reveal: options.reveal } : {};
  switch (format) {
    case 'json':
      return formatJson(report, reveal);
    case 'sarif':
      return formatSarif(report);
    case 'gitlab':
      // Like SARIF, never holds a key.
      return formatGitlab(report);
    case 'text':
      return formatText(report, { ...(options.color !== undefined ? { color: options.color } : {}), ...(options.showSuppressed !== undefined ? { showSuppressed: options.showSuppressed } : {}), ...reveal });
  }
}
