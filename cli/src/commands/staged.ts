import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { SecretStore } from '@shippo-keyguard/core';
import { GitError, scanStaged, type GitScanResult } from '@shippo-keyguard/core/git';
import { CliError, describeError } from '../errors.js';
import { collectedFrom, finish, type Step } from '../finish.js';
import type { RunIO, RunResult } from '../io.js';
import { archiveDepthOption, archiveLimitsOf, maxFileSizeOf, maxFileSizeOption, withReportOptions, type ReportArgs } from '../options.js';

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

export async function handler(args: StagedArgs & Record<string, unknown>, io: RunIO, steps: readonly Step[]): Promise<RunResult> {
  const startedAt = new Date();
  const secrets = new SecretStore();
  const maxBlobSize = maxFileSizeOf(args);
  const archives = archiveLimitsOf(args);
  let result: GitScanResult;
  try {
    result = await scanStaged({
      repo: resolve(io.cwd, args.repo),
      maxBlobSize,
      archives,
      ...(args.messageFile !== undefined ? { messageFile: resolve(io.cwd, args.messageFile) } : {}),
      secrets,
    });
  } catch (error) {
    if (error instanceof GitError || (error as NodeJS.ErrnoException).code !== undefined) throw new CliError(describeError(error));
    throw error;
  }
  const collected = collectedFrom('staged', result, secrets, startedAt);
  return finish(collected, args, io, steps);
}
