import type { Argv } from 'yargs';
import { EXIT } from '../errors.js';
import type { Steps } from '../finish.js';
import { blockedAdvice } from '../hooks/advice.js';
import type { RunIO, RunResult } from '../io.js';
import * as scan from './scan.js';
import * as staged from './staged.js';

export const command = 'pre-commit [files..]';
export const describe = 'Hook entry: scan what is about to be committed (the index), or the FILES the pre-commit framework passes';

export function builder<T>(y: Argv<T>) {
  return staged
    .builder(y)
    .positional('files', {
      type: 'string',
      array: true,
      default: [],
      describe: 'Files to scan (the pre-commit framework passes them, with unstaged changes stashed); none: the staged changes',
    })
    .example('$0 pre-commit', 'what .git/hooks/pre-commit runs (install-hook)');
}

export interface PreCommitArgs extends staged.StagedArgs {
  files: string[];
}

/**
 * Exit 1 gets the reasons and the ways out after the report. A text report moves to stderr with
 * them, so a terminal shows the two in order (the bin writes stderr before stdout).
 */
export function withAdvice(result: RunResult, what: 'commit' | 'push', args: { format?: string; output?: string }): RunResult {
  if (result.exitCode !== EXIT.FINDINGS) return result;
  if (args.format === 'text' && !args.output) return { ...result, stdout: '', stderr: result.stderr + result.stdout + blockedAdvice(what) };
  return { ...result, stderr: result.stderr + blockedAdvice(what) };
}

export async function handler(args: PreCommitArgs & Record<string, unknown>, io: RunIO, steps: Steps): Promise<RunResult> {
  if (args.files.length > 0) {
    // The framework stashes unstaged changes first, so these files hold exactly what is staged.
    const scanArgs = { ...args, paths: args.files, gitignore: false };
    return withAdvice(await scan.handler(scanArgs, io, steps), 'commit', args);
  }
  return withAdvice(await staged.handler(args, io, steps), 'commit', args);
}
