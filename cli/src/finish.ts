import { dedupeFindings, failsPolicy, sortFindings, type Finding, type SecretStore } from '@shippo-keyguard/core';
import {
  formatGitlab,
  formatJson,
  formatSarif,
  formatText,
  redactReport,
  summaryLine,
  writeFileAtomic,
  type ScanReport,
  type ScanStats,
  type ScanWarning,
} from '@shippo-keyguard/core/report';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, EXIT, describeError } from './errors.js';
import { useColor, type RunIO, type RunResult } from './io.js';
import type { Format, ReportArgs } from './options.js';
import { TOOL } from './version.js';

/** What a source (files, history, staged, stdin) hands over for reporting. */
export interface Collected {
  readonly command: string;
  readonly root: string;
  findings: Finding[];
  suppressed: Finding[];
  readonly warnings: ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
  readonly secrets: SecretStore;
  readonly startedAt: Date;
  readonly repository?: ScanReport['repository'];
  /** Set by a step that hit a condition `--strict` or the command turns into exit 2. */
  forceError?: boolean;
}

/** What every source returns, turned into what `finish` takes. */
export function collectedFrom(
  command: string,
  result: Pick<Collected, 'root' | 'findings' | 'warnings' | 'stats' | 'repository'>,
  secrets: SecretStore,
  startedAt: Date,
): Collected {
  return {
    command,
    root: result.root,
    findings: result.findings,
    suppressed: [],
    warnings: result.warnings,
    stats: result.stats,
    secrets,
    startedAt,
    ...(result.repository ? { repository: result.repository } : {}),
  };
}

/**
 * A post-processing step between collection and reporting (suppress, verify, ...). Steps are
 * small and run in order; each may move findings to `suppressed`, annotate them or add warnings.
 */
export type Step = (collected: Collected, args: ReportArgs & Record<string, unknown>, io: RunIO) => Promise<void> | void;

/** The report files asked for: option, file, format. */
function reportFiles(args: Partial<ReportArgs>): [string, string, Format][] {
  const files: [string, string, Format][] = [];
  if (args.output) files.push(['--output', args.output, args.format ?? 'text']);
  if (args.sarifFile) files.push(['--sarif-file', args.sarifFile, 'sarif']);
  if (args.jsonFile) files.push(['--json-file', args.jsonFile, 'json']);
  return files;
}

/** An empty file name, or two reports to one file (only the last would be left): refuse them before scanning. */
export function checkReportFiles(args: Partial<ReportArgs>, cwd: string): void {
  // `--sarif-file ""` (an unset variable in CI) would quietly write no report at all.
  for (const [option, value] of [['--output', args.output], ['--sarif-file', args.sarifFile], ['--json-file', args.jsonFile]] as const) {
    if (value === '') throw new CliError(`${option}: the file name is empty`);
  }
  const files = reportFiles(args);
  for (const [i, [option, file]] of files.entries()) {
    const other = files.findIndex(([, f]) => resolve(cwd, f) === resolve(cwd, file));
    if (other < i) throw new CliError(`${files[other]![0]} and ${option} name the same file (${file}); give each report its own file`);
    checkReportPlace(file, cwd);
  }
}

/** A report that could never be written (a missing directory, a typo) fails now, not after a long history scan. */
function checkReportPlace(file: string, cwd: string): void {
  const dir = dirname(file);
  let stats;
  try {
    stats = statSync(resolve(cwd, dir));
  } catch {
    throw new CliError(`cannot write report ${file}: the directory ${dir} does not exist`);
  }
  if (!stats.isDirectory()) throw new CliError(`cannot write report ${file}: ${dir} is not a directory`);
  if (statSync(resolve(cwd, file), { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`cannot write report ${file}: it is a directory`);
}

/** Run the steps, render every requested report, and decide the exit code. */
export async function finish(
  collected: Collected,
  args: ReportArgs & Record<string, unknown>,
  io: RunIO,
  steps: readonly Step[] = [],
): Promise<RunResult> {
  const stderr: string[] = [];
  collected.findings = sortFindings(dedupeFindings(collected.findings));
  for (const step of steps) await step(collected, args, io);
  collected.findings = sortFindings(collected.findings);

  const failing = collected.findings.some((f) => failsPolicy(f, args.failOn));
  const exitCode = collected.forceError ? EXIT.ERROR : failing ? EXIT.FINDINGS : EXIT.OK;
  // Names from the repository (paths, refs, the remote, authors) may hold a key too.
  const report: ScanReport = redactReport({
    tool: TOOL,
    command: collected.command,
    root: collected.root,
    findings: collected.findings,
    warnings: collected.warnings,
    stats: { ...collected.stats, durationMs: Date.now() - collected.startedAt.getTime() },
    ...(collected.suppressed.length > 0 ? { suppressed: sortFindings(collected.suppressed) } : {}),
    ...(collected.repository ? { repository: collected.repository } : {}),
    startedAt: collected.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    exitCode,
  });

  const reveal = args.redact ? undefined : (fp: string) => collected.secrets.get(fp);
  if (!args.redact) {
    // SARIF and GitLab reports never hold a key: only text and JSON reports reveal it.
    const reveals = (args.format !== 'sarif' && args.format !== 'gitlab') || Boolean(args.jsonFile);
    stderr.push(
      reveals
        ? 'warning: --no-redact: full keys are printed; do not share this output or keep it in CI logs'
        : `warning: --no-redact has no effect here: ${args.format === 'gitlab' ? 'a GitLab report' : 'SARIF'} never holds a key`,
    );
  }

  const render = (format: Format, color: boolean): string => {
    switch (format) {
      case 'json':
        return formatJson(report, reveal ? { reveal } : {});
      case 'sarif':
        return formatSarif(report);
      case 'gitlab':
        // Like SARIF, never holds a key.
        return formatGitlab(report);
      case 'text':
        return formatText(report, { color, showSuppressed: args.showSuppressed, ...(reveal ? { reveal } : {}) });
    }
  };

  for (const [, file, format] of reportFiles(args)) {
    try {
      writeFileAtomic(resolve(io.cwd, file), render(format, false));
    } catch (error) {
      throw new CliError(`cannot write report ${file}: ${describeError(error)}`);
    }
  }
  const stdout = args.output ? '' : render(args.format, args.format === 'text' && useColor(io));
  // Machine formats keep stdout clean; warnings then go to stderr as well.
  if (args.format !== 'text' || args.output) for (const w of report.warnings) stderr.push(`warning: ${w.message}`);
  if (args.output) stderr.push(summaryLine(report));
  return { exitCode, stdout, stderr: stderr.length > 0 ? `${stderr.join('\n')}\n` : '' };
}
