import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { SecretStore } from '@shippo-keyguard/core';
import { DEFAULT_MAX_FILE_SIZE } from '@shippo-keyguard/core/files';
import { EXIT } from '../errors.js';
import { finish, type Collected, type Step } from '../finish.js';
import { blockedAdvice } from '../hooks/advice.js';
import { scanIndex } from '../hooks/sources.js';
import type { RunIO, RunResult } from '../io.js';
import { withReportOptions, type ReportArgs } from '../options.js';
import * as scan from './scan.js';

export const command = 'pre-commit [files..]';
export const describe = 'Hook entry: scan what is about to be committed (the index), or the FILES the pre-commit framework passes';

export function builder<T>(y: Argv<T>) {
  return withReportOptions(y)
    .positional('files', {
      type: 'string',
      array: true,
      default: [],
      describe: 'Files to scan (the pre-commit framework passes them, with unstaged changes stashed); none: the staged changes',
    })
    .option('repo', { type: 'string', default: '.', describe: 'The repository, for the staged scan' })
    .example('$0 pre-commit', 'what .git/hooks/pre-commit runs (install-hook)');
}

export interface PreCommitArgs extends ReportArgs {
  files: string[];
  repo: string;
}

/** Exit 1 gets the reasons and the ways out after the report. */
export function withAdvice(result: RunResult, what: 'commit' | 'push'): RunResult {
  return result.exitCode === EXIT.FINDINGS ? { ...result, stderr: result.stderr + blockedAdvice(what) } : result;
}

export async function handler(args: PreCommitArgs & Record<string, unknown>, io: RunIO, steps: readonly Step[]): Promise<RunResult> {
  if (args.files.length > 0) {
    // The framework stashes unstaged changes first, so these files hold exactly what is staged.
    const scanArgs = { ...args, paths: args.files, gitignore: false, maxFileSize: String(DEFAULT_MAX_FILE_SIZE) };
    return withAdvice(await scan.handler(scanArgs, io, steps), 'commit');
  }
  const startedAt = new Date();
  const secrets = new SecretStore();
  const result = scanIndex(resolve(io.cwd, args.repo), secrets);
  const collected: Collected = { command: 'staged', suppressed: [], secrets, startedAt, ...result };
  return withAdvice(await finish(collected, args, io, steps), 'commit');
}
