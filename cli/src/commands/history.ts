import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { INCOMPLETE_WARNINGS } from '@shippo-keyguard/core';
import { GitError, mergeBases, openRepo, resolveCommit } from '@shippo-keyguard/core/git';
import { historySource, type Source } from '@shippo-keyguard/core/pipeline';
import { CliError, describeError } from '../errors.js';
import { finish, type Steps } from '../finish.js';
import { readFailuresAsCliErrors } from '../source-errors.js';
import { showProgress, type RunIO, type RunResult } from '../io.js';
import { ignoreOption } from '../resolve-options.js';
import { archiveDepthOption, archiveLimitsOf, maxFileSizeOf, maxFileSizeOption, withReportOptions, type ReportArgs } from '../options.js';

export const command = 'history';
export const describe = 'Scan every commit of the git history (all refs, stash, notes; commit and tag messages) for Shippo keys';

export function builder<T>(y: Argv<T>) {
  return withReportOptions(y)
    .option('repo', { type: 'string', default: '.', describe: 'Repository to scan (work tree, worktree or bare)' })
    .option('since', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: 'Scan only what commits not reachable from REV introduced (repeatable: from none of them)',
    })
    .option('range', { type: 'string', describe: 'Scan only what the commits of A..B introduced (a pull request)' })
    .option('branch', { type: 'string', describe: 'Scan only the history of REF instead of every ref' })
    .option('strict', {
      type: 'boolean',
      default: false,
      describe: 'Exit 2 when anything could not be read (shallow clone, missing objects, oversized blobs)',
    })
    .option('recurse-submodules', { type: 'boolean', default: false, describe: "Also scan each checked-out submodule's history" })
    .option('max-file-size', maxFileSizeOption('blobs'))
    .option('archive-depth', archiveDepthOption())
    .option('repo-name', {
      type: 'string',
      requiresArg: true,
      describe: 'Name the repository owner/name in the report (default: from the origin remote), for merge',
    })
    .conflicts('range', ['since', 'branch'])
    .example('$0 history', 'scan the whole history of the repository here')
    .example('$0 history --range origin/main..HEAD --format sarif -o keys.sarif', 'scan what a pull request adds');
}

export interface HistoryArgs extends ReportArgs {
  repo: string;
  since?: string[];
  range?: string;
  repoName?: string;
  branch?: string;
  strict: boolean;
  recurseSubmodules: boolean;
  maxFileSize: string;
  archiveDepth?: number;
}

/** Warnings `--strict` turns into exit 2: anything the scan could not read. */
export const INCOMPLETE = INCOMPLETE_WARNINGS;

/** The rev-list arguments the options ask for; validates each revision so a typo is one clear line. */
async function revisionsFor(root: string, args: HistoryArgs): Promise<string[] | undefined> {
  if (args.range !== undefined) {
    const m = /^(.*?)(\.\.\.?)(.*)$/.exec(args.range);
    if (!m) throw new CliError(`--range: expected A..B, got "${args.range}"`);
    const from = m[1] || 'HEAD';
    const to = m[3] || 'HEAD';
    const a = await resolveCommit(root, from);
    const b = await resolveCommit(root, to);
    return m[2] === '...' ? [a, b, '--not', ...(await mergeBases(root, a, b))] : [b, `^${a}`];
  }
  if (args.since === undefined && args.branch === undefined) return undefined;
  const base = args.branch !== undefined ? [await resolveCommit(root, args.branch)] : ['--all'];
  const since: string[] = [];
  for (const rev of args.since ?? []) since.push(`^${await resolveCommit(root, rev)}`);
  return [...base, ...since];
}

/** The source `history` reads (also the Action's in history mode): the repository's history, or the part the options name. */
export async function historySourceFor(args: HistoryArgs & Record<string, unknown>, io: RunIO): Promise<Source> {
  try {
    const info = await openRepo(resolve(io.cwd, args.repo));
    const revisions = await revisionsFor(info.root, args);
    return readFailuresAsCliErrors(
      historySource({
        repo: info.root,
        opened: info,
        ...(revisions ? { revisions } : {}),
        maxBlobSize: maxFileSizeOf(args),
        ignore: (root: string) => ignoreOption(args, root).ignore,
        archives: archiveLimitsOf(args),
        recurseSubmodules: args.recurseSubmodules,
        ...(args.repoName !== undefined ? { repositoryName: args.repoName } : {}),
        strict: args.strict,
        ...(showProgress(io) && io.progress
          ? // Objects read from the store, unreachable ones included: not the summary's count of blobs in the history.
            { onProgress: (blobs: number, bytes: number) => io.progress?.(`history: read ${blobs} git objects, ${(bytes / 1e6).toFixed(1)} MB`) }
          : {}),
      }),
    );
  } catch (error) {
    if (error instanceof GitError || error instanceof CliError) throw new CliError(describeError(error));
    throw error;
  }
}

export async function handler(args: HistoryArgs & Record<string, unknown>, io: RunIO, steps: Steps): Promise<RunResult> {
  return finish(await historySourceFor(args, io), 'history', args, io, steps);
}
