import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { stagedSource, type Source } from '@shippo-keyguard/core/pipeline';
import { finish, type Steps } from '../finish.js';
import { readFailuresAsCliErrors } from '../source-errors.js';
import type { RunIO, RunResult } from '../io.js';
import { ignoreOption } from '../resolve-options.js';
import { archiveDepthOption, archiveLimitsOf, maxFileSizeOf, maxFileSizeOption, reportNamesRepository, withReportOptions, type ReportArgs } from '../options.js';

export const command = 'staged';
export const describe = 'Scan what is staged for the next commit (the index, not the working tree), for pre-commit hooks';

export function builder<T>(y: Argv<T>) {
  return withReportOptions(y)
    .option('repo', { type: 'string', default: '.', describe: 'Repository whose index to scan' })
    .option('message-file', { type: 'string', describe: 'Also scan this commit message file (commit-msg hook: "$1")' })
    .option('max-file-size', maxFileSizeOption('files'))
    .option('archive-depth', archiveDepthOption())
    .example('$0 staged', 'pre-commit: block a commit that adds a key')
    .example('$0 staged --message-file .git/COMMIT_EDITMSG', 'commit-msg: block a key in the message');
}

export interface StagedArgs extends ReportArgs {
  repo: string;
  messageFile?: string;
  maxFileSize: string;
  archiveDepth?: number;
}

/** The source `staged` reads: the index (and a commit message file, if named). */
export function stagedSourceFor(args: StagedArgs & Record<string, unknown>, io: RunIO): Source {
  return readFailuresAsCliErrors(
    stagedSource({
      repo: resolve(io.cwd, args.repo),
      maxBlobSize: maxFileSizeOf(args),
      ignore: (root: string) => ignoreOption(args, root).ignore,
      archives: archiveLimitsOf(args),
      remoteUrl: reportNamesRepository(args),
      ...(io.staged !== undefined ? { started: io.staged } : {}),
      ...(args.messageFile !== undefined ? { messageFile: resolve(io.cwd, args.messageFile) } : {}),
    }),
  );
}

export async function handler(args: StagedArgs & Record<string, unknown>, io: RunIO, steps: Steps): Promise<RunResult> {
  return finish(stagedSourceFor(args, io), 'staged', args, io, steps);
}
