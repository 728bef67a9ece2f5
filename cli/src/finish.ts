import type { SecretStore } from '@shippo-keyguard/core';
import { runPipeline, type Collected, type PipelineResult, type Source } from '@shippo-keyguard/core/pipeline';
import { renderReport, summaryLine, writeFileAtomic, type ScanReport } from '@shippo-keyguard/core/report';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, describeError } from './errors.js';
import { useColor, type RunIO, type RunResult } from './io.js';
import type { Format, ReportArgs } from './options.js';
import { TOOL } from './version.js';

export type { Collected } from '@shippo-keyguard/core/pipeline';

/**
 * The CLI's binding of an engine step to one run's options (`args`) and terminal (`io`): the
 * filter step reads the configuration and baseline resolved before the run, the verify step the
 * `--verify*` options.
 */
export type Step = (collected: Collected, args: ReportArgs & Record<string, unknown>, io: RunIO) => Promise<void> | void;

/** The steps between a source and the report, in the pipeline's order. */
export interface Steps {
  readonly filter: Step;
  readonly verify: Step;
}

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

/**
 * Run the engine's pipeline (`source -> detect -> filter -> verify -> report`) for one command
 * with this run's options: what every scanning command, the hooks, `baseline` and the Action call.
 */
export function scanReport(
  source: Source,
  command: string,
  args: ReportArgs & Record<string, unknown>,
  io: RunIO,
  steps: Steps,
): Promise<PipelineResult> {
  return runPipeline(source, {
    tool: TOOL,
    command,
    failOn: args.failOn,
    filter: (collected) => steps.filter(collected, args, io),
    verify: (collected) => steps.verify(collected, args, io),
  });
}

/** Run the pipeline, then write every requested report (stdout, `--output`, `--sarif-file`, `--json-file`). */
export async function finish(
  source: Source,
  command: string,
  args: ReportArgs & Record<string, unknown>,
  io: RunIO,
  steps: Steps,
): Promise<RunResult> {
  const { report, secrets } = await scanReport(source, command, args, io, steps);
  return writeReports(report, secrets, args, io);
}

/** The report step's output for the CLI: each requested format, rendered from the one model. */
export function writeReports(report: ScanReport, secrets: SecretStore, args: ReportArgs & Record<string, unknown>, io: RunIO): RunResult {
  const stderr: string[] = [];
  const exitCode = report.exitCode;

  const reveal = args.redact ? undefined : (fp: string) => secrets.get(fp);
  if (!args.redact) {
    // SARIF and GitLab reports never hold a key: only text and JSON reports reveal it.
    const reveals = (args.format !== 'sarif' && args.format !== 'gitlab') || Boolean(args.jsonFile);
    stderr.push(
      reveals
        ? 'warning: --no-redact: full keys are printed; do not share this output or keep it in CI logs'
        : `warning: --no-redact has no effect here: ${args.format === 'gitlab' ? 'a GitLab report' : 'SARIF'} never holds a key`,
    );
  }

  const render = (format: Format, color: boolean): string =>
    renderReport(report, format, { color, showSuppressed: args.showSuppressed, ...(reveal ? { reveal } : {}) });

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
