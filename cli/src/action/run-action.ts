import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UNREAD_HISTORY_WARNINGS } from '@shippo-keyguard/core';
import { formatSarif, writeFileAtomic } from '@shippo-keyguard/core/report';
import { toPosix } from '@shippo-keyguard/core/files';
import { redactKeys } from '@shippo-keyguard/core/config';
import { CliError, EXIT, describeError } from '../errors.js';
import type { RunIO, RunResult } from '../io.js';
import { TOOL } from '../version.js';
import { annotation, annotationKind } from './annotations.js';
import { firstLine, git } from './git.js';
import { FETCH_DEPTH_HINT, ensureHistory } from './history.js';
import { readInputs } from './inputs.js';
import { planScan, type ScanPlan } from './plan.js';
import type { JsonReport, RepoLinks } from './report.js';
import { jobSummary } from './summary.js';

/** GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and drops the rest silently. */
const ANNOTATIONS_PER_KIND = 10;

/** Warning codes of the history scan that mean commits or blobs were not read. */
const UNREAD = UNREAD_HISTORY_WARNINGS;

export type RunCli = (argv: readonly string[], io: RunIO) => Promise<RunResult>;

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * The CLI's own output names files of the scanned commits: between `::stop-commands::` markers
 * (random token), so no line of it acts as a workflow command (a file named `::stop-commands::x`
 * would silence every annotation after it). Returns the log lines.
 */
function verbatim(text: string): string[] {
  if (text.trim() === '') return [];
  const token = randomUUID();
  return [`::stop-commands::${token}`, text.trimEnd(), `::${token}::`];
}

function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string | number>): void {
  const file = env['GITHUB_OUTPUT'];
  if (!file) return;
  // A random delimiter, as @actions/core uses: a value can never end the heredoc early.
  const lines = Object.entries(outputs).map(([k, v]) => {
    const delimiter = `ghadelimiter_${randomUUID()}`;
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


function historyFlags(plan: Extract<ScanPlan, { kind: 'range' | 'branch' | 'full' }>): string[] {
  switch (plan.kind) {
    case 'range':
      return ['--range', `${plan.base}..${plan.head}`];
    case 'branch':
      return ['--branch', plan.head];
    case 'full':
      return [];
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
 * The GitHub Action: inputs and event payload in (`INPUT_*`, `GITHUB_*`), a scan through the CLI,
 * then outputs, a job summary, annotations and SARIF. Returns what to print and the exit code.
 */
export async function runAction(io: RunIO, runCli: RunCli): Promise<RunResult> {
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

  const common = ['--fail-on', inputs.failOn, '--sarif-file', sarifFile];
  if (inputs.verify) common.push('--verify');
  if (inputs.baseline) common.push('--baseline', resolve(workspace, inputs.baseline));
  if (inputs.config) common.push('--config', resolve(workspace, inputs.config));

  // Paths in annotations and links are relative to the repository's root (which is the workspace
  // unless actions/checkout was given a `path`), so the scan runs there.
  const top = git(target, ['rev-parse', '--show-toplevel']);
  const repoRoot = top.ok ? top.stdout.trim() : undefined;
  let argv: string[];
  let cwd = repoRoot ?? workspace;
  const prefix = '';
  let scope: string;
  let sha = env['GITHUB_SHA'] ?? 'HEAD';
  if (plan.kind === 'files') {
    argv = ['scan', target];
    scope = redactKeys(`the files in ${toPosix(relative(workspace, target)) || '.'}`);
  } else {
    if (repoRoot === undefined) throw new CliError(`${target} is not a git repository (${firstLine(top.stderr)}); use mode: files to scan files only`);
    cwd = repoRoot;
    const ensured = ensureHistory(cwd, plan);
    notes.push(...ensured.notes);
    argv = ['history', '--repo', cwd, ...historyFlags(ensured.plan)];
    // The plan's words quote the event's ref names, which can hold a key.
    scope = redactKeys(ensured.plan.why);
    if (ensured.plan.kind !== 'full') sha = ensured.plan.head;
  }
  notes.splice(0, notes.length, ...notes.map(redactKeys));
  for (const note of notes) log.push(`::notice::${escapeData(note)}`);
  log.push(`shippo-keyguard: scanning ${scope}`);

  const tempDir = mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'shippo-keyguard-'));
  const jsonFile = join(tempDir, 'report.json');
  try {
    const result = await runCli([...argv, ...common, '--json-file', jsonFile], { ...io, cwd, stdoutIsTTY: false, stderrIsTTY: false });
    // bin prints stderr before stdout; both go to the log inside the verbatim block.
    log.push(...verbatim(`${result.stderr}${result.stdout}`));
    if (!existsSync(jsonFile)) {
      const why = firstLine(result.stderr).replace(/^shippo-keyguard: /, '') || `exit code ${result.exitCode}`;
      addSummary(env, `## shippo-keyguard\n\n❌ The scan failed: ${why}\n`);
      log.push(`::error title=shippo-keyguard::${escapeData(why)}`);
      return { exitCode: result.exitCode === EXIT.OK ? EXIT.ERROR : result.exitCode, stdout: `${log.join('\n')}\n`, stderr: '' };
    }
    const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
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
    const unread = plan.kind === 'files' ? [] : report.warnings.filter((w) => UNREAD.has(w.code));
    addSummary(env, jobSummary(report, links, scope, notes));
    setOutputs(env, { findings: report.summary.findings, live: report.summary.live, 'sarif-file': sarifFile });
    if (result.exitCode === EXIT.ERROR) log.push(`::error title=shippo-keyguard::${escapeData(firstLine(result.stderr) || 'the scan did not complete')}`);
    if (unread.length > 0) {
      log.push(`::error title=shippo-keyguard::part of the history could not be read (${unread.map((w) => w.code).join(', ')}); ${FETCH_DEPTH_HINT}`);
      return { exitCode: EXIT.ERROR, stdout: `${log.join('\n')}\n`, stderr: '' };
    }
    return { exitCode: result.exitCode, stdout: `${log.join('\n')}\n`, stderr: '' };
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}
