import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { FAIL_ON, failsPolicy, type FailOn } from '@shippo-keyguard/core';
import {
  formatMarkdown,
  formatMergedGitlab,
  formatMergedJson,
  formatMergedSarif,
  formatMergedText,
  mergeReports,
  mergedHeadline,
  parseJsonReport,
  ReportInputError,
  writeFileAtomic,
  type MergedReport,
  type ReportInput,
} from '@shippo-keyguard/core/report';
import { pruneVerificationCache, recordVerification } from '@shippo-keyguard/core/cache';
import { ApiBaseUrlError, cacheKeyFor, resolveApiBaseUrl } from '@shippo-keyguard/core/verify';
import { CliError, EXIT, describeError } from '../errors.js';
import type { RunIO, RunResult } from '../io.js';
import { TOOL } from '../version.js';

export const command = 'merge <reports..>';
export const describe = 'Combine JSON reports (scan, history, the Action, organisation-scan shards) into one: each key once with all its places, live first';

export const MERGE_FORMATS = ['text', 'json', 'sarif', 'markdown', 'gitlab'] as const;
type MergeFormat = (typeof MERGE_FORMATS)[number];

export function builder<T>(y: Argv<T>) {
  return y
    .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'JSON report files, or directories of them (*.json)' })
    .option('format', { alias: 'f', requiresArg: true, choices: MERGE_FORMATS, default: 'text' as MergeFormat, describe: 'Report format for stdout (or --output); markdown fits $GITHUB_STEP_SUMMARY', group: 'Output:' })
    .option('output', { alias: 'o', requiresArg: true, type: 'string', describe: 'Write the report to FILE (atomically) instead of stdout', group: 'Output:' })
    .option('sarif-file', { requiresArg: true, type: 'string', describe: 'Also write SARIF 2.1.0, one run per repository', group: 'Output:' })
    .option('json-file', { requiresArg: true, type: 'string', describe: 'Also write the merged JSON report (the next night\'s state)', group: 'Output:' })
    .option('markdown-file', { requiresArg: true, type: 'string', describe: 'Also write the markdown summary (e.g. "$GITHUB_STEP_SUMMARY")', group: 'Output:' })
    .option('since-report', { requiresArg: true, type: 'string', describe: 'A previous (merged) JSON report: keys not in it are marked new ("2 new live keys")' })
    .option('fail-on', {
      requiresArg: true,
      choices: FAIL_ON,
      default: 'any' as FailOn,
      describe: 'Findings that make the exit code 1: any, not-dead, live',
      group: 'Policy:',
    })
    .option('fail-on-new', { type: 'boolean', default: false, describe: 'With --since-report: only new keys can fail the policy', group: 'Policy:' })
    .option('update-verify-cache', {
      type: 'boolean',
      default: false,
      describe: "Record the reports' live and dead verdicts in the verification cache (by key hash, the newer of two wins) and drop expired entries: how an organisation scan carries every shard's answers to the next run",
      group: 'Verification:',
    })
    .option('api-base-url', {
      requiresArg: true,
      type: 'string',
      describe: 'With --update-verify-cache: the API the verdicts came from, which names their cache entries (default: SHIPPO_API_BASE_URL, else https://api.goshippo.com)',
      group: 'Verification:',
    })
    .example('$0 merge reports/ --since-report previous.json --format markdown -o summary.md --json-file merged.json', 'the nightly merge of an organisation scan');
}

export interface MergeArgs {
  reports: string[];
  format: MergeFormat;
  output?: string;
  sarifFile?: string;
  jsonFile?: string;
  markdownFile?: string;
  sinceReport?: string;
  failOn: FailOn;
  failOnNew: boolean;
  updateVerifyCache: boolean;
  apiBaseUrl?: string;
}

/** The report files named: files as given, directories as their *.json files (sorted). */
function reportFiles(names: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const name of names) {
    const path = resolve(cwd, name);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new CliError(`merge: ${name}: no such file or directory`);
    }
    if (stats.isDirectory()) {
      const found = readdirSync(path, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f));
      if (found.length === 0) throw new CliError(`merge: ${name}: no .json reports in this directory`);
      files.push(...found);
    } else files.push(path);
  }
  return files;
}

function readReport(file: string, shown: string): ReportInput[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`merge: cannot read ${shown}: ${describeError(error)}`);
  }
  try {
    return parseJsonReport(text, shown);
  } catch (error) {
    if (error instanceof ReportInputError) throw new CliError(`merge: ${error.message}`);
    throw error;
  }
}

/**
 * The reports' verdicts into the verification cache. A report holds each key's fingerprint and
 * verdict, never the key, and that is all a cache entry is: the merge job can build the cache the
 * shards' answers make up without any key leaving a shard.
 */
function updateVerifyCache(inputs: readonly ReportInput[], base: URL, env: NodeJS.ProcessEnv): string {
  let recorded = 0;
  let removed = 0;
  try {
    // The newest verdict of each key across every report (a key at five places carries up to five),
    // so each key's cache entry is written at most once.
    const newest = new Map<string, { status: 'live' | 'dead'; checkedAt: string }>();
    for (const f of inputs.flatMap((r) => r.findings)) {
      const v = f.verification;
      if ((v?.status !== 'live' && v?.status !== 'dead') || v.checkedAt === undefined) continue;
      const held = newest.get(f.fingerprint);
      if (!held || Date.parse(v.checkedAt) > Date.parse(held.checkedAt)) newest.set(f.fingerprint, { status: v.status, checkedAt: v.checkedAt });
    }
    for (const [fingerprint, verdict] of newest) if (recordVerification(cacheKeyFor(fingerprint, base), verdict, { env })) recorded++;
    removed = pruneVerificationCache({ env });
  } catch (error) {
    throw new CliError(`--update-verify-cache: cannot write the verification cache: ${describeError(error)}`);
  }
  return `verification cache: ${recorded} verdict${recorded === 1 ? '' : 's'} recorded, ${removed} expired entr${removed === 1 ? 'y' : 'ies'} removed`;
}

export async function handler(args: MergeArgs, io: RunIO): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  if (args.failOnNew && !args.sinceReport) throw new CliError('--fail-on-new: give --since-report too (new since which report?)');
  for (const [option, file] of [['--markdown-file', args.markdownFile], ['--since-report', args.sinceReport]] as const) {
    if (file === '') throw new CliError(`${option}: the file name is empty`);
  }
  let verifyBase: URL | undefined;
  try {
    if (args.updateVerifyCache) verifyBase = resolveApiBaseUrl(args.apiBaseUrl, io.env).url;
  } catch (error) {
    if (error instanceof ApiBaseUrlError) throw new CliError(error.message);
    throw error;
  }
  const inputs = reportFiles(args.reports, io.cwd).flatMap((file) => readReport(file, file.startsWith(io.cwd) ? file.slice(io.cwd.length + 1) : file));
  const previous = args.sinceReport ? new Set(readReport(resolve(io.cwd, args.sinceReport), args.sinceReport).flatMap((r) => r.findings.map((f) => f.fingerprint))) : undefined;
  const merged: MergedReport = mergeReports(inputs, previous);

  const newKeys = new Set(merged.keys.filter((k) => k.new).map((k) => k.fingerprint));
  const failing = merged.findings.some((f) => failsPolicy(f, args.failOn) && (!args.failOnNew || newKeys.has(f.fingerprint)));
  const exitCode = failing ? EXIT.FINDINGS : EXIT.OK;
  const run = { tool: TOOL, startedAt, endedAt: new Date().toISOString(), exitCode };
  const render = (format: MergeFormat): string => {
    switch (format) {
      case 'json':
        return formatMergedJson(merged, run);
      case 'sarif':
        return formatMergedSarif(merged, run);
      case 'markdown':
        return formatMarkdown(merged);
      case 'gitlab':
        return formatMergedGitlab(merged, run);
      case 'text':
        return formatMergedText(merged);
    }
  };
  const files: [string, MergeFormat][] = [];
  if (args.output) files.push([args.output, args.format]);
  if (args.sarifFile) files.push([args.sarifFile, 'sarif']);
  if (args.jsonFile) files.push([args.jsonFile, 'json']);
  if (args.markdownFile) files.push([args.markdownFile, 'markdown']);
  for (const [file, format] of files) {
    try {
      writeFileAtomic(resolve(io.cwd, file), render(format));
    } catch (error) {
      throw new CliError(`cannot write report ${file}: ${describeError(error)}`);
    }
  }
  const cacheNote = verifyBase ? updateVerifyCache(inputs, verifyBase, io.env) : undefined;
  const incomplete = merged.repositories.filter((r) => r.exitCode === 2).map((r) => r.name);
  const stderr = incomplete.length > 0 ? [`warning: incomplete scans (exit 2) of ${incomplete.join(', ')}`] : [];
  if (cacheNote) stderr.push(cacheNote);
  if (args.output) stderr.push(mergedHeadline(merged));
  return { exitCode, stdout: args.output ? '' : render(args.format), stderr: stderr.length > 0 ? `${stderr.join('\n')}\n` : '' };
}
