import { appendFileSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UNREAD_HISTORY_WARNINGS } from '@shippo-keyguard/core';
import { nodeCrypto } from '@shippo-keyguard/core/builtins';
import { findBaselineFile } from '@shippo-keyguard/core/baseline';
import { GitError, NotAGitRepositoryError, openRepo, type RepoInfo } from '@shippo-keyguard/core/git';
import { formatSarif, jsonReport, renderReport, writeFileAtomic, type ScanReport } from '@shippo-keyguard/core/report';
import { toPosix } from '@shippo-keyguard/core/files';
import { redactKeys } from '@shippo-keyguard/core/config';
import { historySourceFor, type HistoryArgs } from '../commands/history.js';
import { scanSource, type ScanArgs } from '../commands/scan.js';
import { CliError, EXIT, describeError } from '../errors.js';
import { checkReportFiles, scanReport, type Steps } from '../finish.js';
import type { RunIO, RunResult } from '../io.js';
import type { ReportArgs } from '../options.js';
import { resolveOptions } from '../resolve-options.js';
import { TOOL } from '../version.js';
import { annotation, annotationKind } from './annotations.js';
import { FETCH_DEPTH_HINT, ensureHistory } from './history.js';
import { readInputs } from './inputs.js';
import { planScan, type ScanPlan } from './plan.js';
import type { JsonReport, RepoLinks } from './report.js';
import { jobSummary } from './summary.js';

/** GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and drops the rest silently. */
const ANNOTATIONS_PER_KIND = 10;

/** Warning codes of the history scan that mean commits or blobs were not read. */
const UNREAD = UNREAD_HISTORY_WARNINGS;

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * The CLI's own output names files of the scanned commits: between `::stop-commands::` markers
 * (random token), so no line of it acts as a workflow command (a file named `::stop-commands::x`
 * would silence every annotation after it). Returns the log lines.
 */
function verbatim(text: string): string[] {
  if (text.trim() === '') return [];
  const token = nodeCrypto().randomUUID();
  return [`::stop-commands::${token}`, text.trimEnd(), `::${token}::`];
}

function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string | number>): void {
  const file = env['GITHUB_OUTPUT'];
  if (!file) return;
  // A random delimiter, as @actions/core uses: a value can never end the heredoc early.
  const lines = Object.entries(outputs).map(([k, v]) => {
    const delimiter = `ghadelimiter_${nodeCrypto().randomUUID()}`;
    return `${k}<<${delimiter}\n${v}\n${delimiter}\n`;
  });
  appendFileSync(file, lines.join(''));
}

function addSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  const file = env['GITHUB_STEP_SUMMARY'];
  if (file) appendFileSync(file, markdown);
}

function readPayload(env: NodeJS.ProcessEnv): unknown {
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the event payload ${path}: ${describeError(error)}`);
  }
}


/** The `history` options that scan what the plan names. */
function historyFlags(plan: Extract<ScanPlan, { kind: 'range' | 'branch' | 'full' }>): { range?: string; branch?: string } {
  switch (plan.kind) {
    case 'range':
      return { range: `${plan.base}..${plan.head}` };
    case 'branch':
      return { branch: plan.head };
    case 'full':
      return {};
  }
}

/** A valid SARIF log with no results, so an upload step after a scan of nothing still works. */
function emptySarif(root: string): string {
  const now = new Date().toISOString();
  return formatSarif({
    tool: TOOL,
    command: 'history',
    root,
    findings: [],
    warnings: [],
    stats: { scanned: 0, bytes: 0, skipped: 0, durationMs: 0 },
    startedAt: now,
    endedAt: now,
    exitCode: EXIT.OK,
  });
}

/**
 * The GitHub Action: inputs and event payload in (`INPUT_*`, `GITHUB_*`), a scan through the
 * engine's pipeline, then outputs, a job summary, annotations and SARIF. Returns what to print and
 * the exit code.
 */
export async function runAction(io: RunIO, steps: Steps): Promise<RunResult> {
  const env = io.env;
  const workspace = resolve(io.cwd, env['GITHUB_WORKSPACE'] || '.');
  const inputs = readInputs(env);
  const plan = planScan(inputs.mode, env['GITHUB_EVENT_NAME'] ?? '', readPayload(env));
  const target = resolve(workspace, inputs.path);
  // Annotations and links name files of this repository: a tree outside the workspace is not one.
  const within = relative(workspace, target);
  if (within === '..' || within.startsWith(`..${sep}`) || isAbsolute(within)) {
    throw new CliError(`input path: ${inputs.path} is outside the workspace (${workspace})`);
  }
  const sarifFile = resolve(workspace, inputs.sarifFile);
  const log: string[] = [];
  const notes: string[] = [];

  if (plan.kind === 'none') {
    writeFileAtomic(sarifFile, emptySarif(workspace));
    setOutputs(env, { findings: 0, live: 0, 'sarif-file': sarifFile });
    const why = redactKeys(plan.why);
    addSummary(env, `## shippo-keyguard\n\n${why}.\n`);
    return { exitCode: EXIT.OK, stdout: `shippo-keyguard: ${why}\n`, stderr: '' };
  }

  // The scan's options, as the command line would give them; combined with the configuration
  // file and the baseline by the same resolution every command uses.
  const common = {
    format: 'text' as const,
    redact: true,
    showSuppressed: false,
    failOn: inputs.failOn,
    verify: inputs.verify,
    verifyCache: true,
    inlineAllow: true,
    foreignAllow: true,
    sarifFile,
    ...(inputs.baseline ? { baseline: resolve(workspace, inputs.baseline) } : {}),
    ...(inputs.config ? { config: resolve(workspace, inputs.config) } : {}),
  };

  // Paths in annotations and links are relative to the repository's root (which is the workspace
  // unless actions/checkout was given a `path`), so the scan runs there.
  const repo = await openRepository(target);
  let cwd = repo.info && !repo.info.bare ? repo.info.root : workspace;
  const prefix = '';
  let scope: string;
  let sha = env['GITHUB_SHA'] ?? 'HEAD';
  let scanArgs: Record<string, unknown>;
  if (plan.kind === 'files') {
    scanArgs = { ...common, paths: [target], gitignore: true };
    scope = redactKeys(`the files in ${toPosix(relative(workspace, target)) || '.'}`);
  } else {
    if (repo.info === undefined) throw new CliError(`${target} ${repo.why}; use mode: files to scan files only`);
    cwd = repo.info.root;
    const ensured = await ensureHistory(cwd, plan);
    notes.push(...ensured.notes);
    scanArgs = { ...common, repo: cwd, strict: false, recurseSubmodules: false, ...historyFlags(ensured.plan) };
    // The plan's words quote the event's ref names, which can hold a key.
    scope = redactKeys(ensured.plan.why);
    if (ensured.plan.kind !== 'full') sha = ensured.plan.head;
  }
  notes.splice(0, notes.length, ...notes.map(redactKeys));
  for (const note of notes) log.push(`::notice::${escapeData(note)}`);
  log.push(`shippo-keyguard: scanning ${scope}`);

  // The scan runs in-process through the engine's pipeline, as `scan` and `history` do; its report
  // model feeds the log, the SARIF file, the annotations and the summary.
  const scanIo: RunIO = { ...io, cwd, stdoutIsTTY: false, stderrIsTTY: false };
  let report: ScanReport;
  try {
    checkReportFiles({ sarifFile }, cwd);
    const args = resolveOptions(scanArgs, scanIo, findBaselineFile) as ReportArgs & Record<string, unknown>;
    const source = plan.kind === 'files' ? scanSource(args as ScanArgs & Record<string, unknown>, scanIo) : await historySourceFor(args as HistoryArgs & Record<string, unknown>, scanIo);
    report = (await scanReport(source, plan.kind === 'files' ? 'scan' : 'history', args, scanIo, steps)).report;
    try {
      writeFileAtomic(sarifFile, renderReport(report, 'sarif'));
    } catch (error) {
      throw new CliError(`cannot write report ${sarifFile}: ${describeError(error)}`);
    }
  } catch (error) {
    // What the CLI would print for it: one line per problem, keys redacted.
    const message = redactKeys(error instanceof CliError ? error.message : describeError(error));
    log.push(...verbatim(message.split('\n').map((line) => `shippo-keyguard: ${line}`).join('\n')));
    const why = message.split('\n')[0] ?? 'the scan did not complete';
    addSummary(env, `## shippo-keyguard\n\n❌ The scan failed: ${why}\n`);
    log.push(`::error title=shippo-keyguard::${escapeData(why)}`);
    return { exitCode: error instanceof CliError && error.exitCode !== EXIT.OK ? error.exitCode : EXIT.ERROR, stdout: `${log.join('\n')}\n`, stderr: '' };
  }
  log.push(...verbatim(renderReport(report, 'text', { color: false, showSuppressed: false })));
  const summary: JsonReport = jsonReport(report);
  const links: RepoLinks = {
    server: env['GITHUB_SERVER_URL'] || 'https://github.com',
    repository: env['GITHUB_REPOSITORY'] || '',
    sha,
    prefix,
  };
  // GitHub shows a limited number of annotations per step; the summary and SARIF have all. The
  // count of the rest comes first, so it is shown (it and the notes above are notices too).
  const left = { error: ANNOTATIONS_PER_KIND, warning: ANNOTATIONS_PER_KIND, notice: ANNOTATIONS_PER_KIND - notes.length };
  const kinds = report.findings.map((f) => annotationKind(f, inputs.failOn));
  if ((['error', 'warning', 'notice'] as const).some((k) => kinds.filter((x) => x === k).length > left[k])) left.notice--;
  const shown = report.findings.filter((_f, i) => left[kinds[i]!]-- > 0);
  if (shown.length < report.findings.length) {
    const hidden = report.findings.length - shown.length;
    log.push(`::notice title=shippo-keyguard::${hidden} more findings are not annotated (GitHub shows ${ANNOTATIONS_PER_KIND} of each kind per step): see the job summary and the SARIF report`);
  }
  for (const f of shown) log.push(annotation(f, links, inputs.failOn));
  for (const w of report.warnings) log.push(`::warning title=shippo-keyguard::${escapeData(w.message)}`);
  // The history was checked above (shallow boundary, commits present); anything else unread fails.
  const unread = plan.kind === 'files' ? [] : report.warnings.filter((w) => (UNREAD as ReadonlySet<string>).has(w.code));
  addSummary(env, jobSummary(summary, links, scope, notes));
  setOutputs(env, { findings: summary.summary.findings, live: summary.summary.live, 'sarif-file': sarifFile });
  if (report.exitCode === EXIT.ERROR) log.push('::error title=shippo-keyguard::the scan did not complete');
  if (unread.length > 0) {
    log.push(`::error title=shippo-keyguard::part of the history could not be read (${unread.map((w) => w.code).join(', ')}); ${FETCH_DEPTH_HINT}`);
    return { exitCode: EXIT.ERROR, stdout: `${log.join('\n')}\n`, stderr: '' };
  }
  return { exitCode: report.exitCode, stdout: `${log.join('\n')}\n`, stderr: '' };
}

/** The repository holding `path`, or why there is none (not a repository, or git refused it). */
async function openRepository(path: string): Promise<{ info?: RepoInfo; why: string }> {
  try {
    return { info: await openRepo(path), why: '' };
  } catch (error) {
    if (error instanceof NotAGitRepositoryError) return { why: 'is not a git repository' };
    if (error instanceof GitError) return { why: `cannot be read as a git repository (${error.message})` };
    throw error;
  }
}
