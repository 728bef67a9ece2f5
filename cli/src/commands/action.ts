import type { Argv } from 'yargs';
import { redactKeys } from '@shippo-keyguard/core/config';
import { runAction } from '../action/run-action.js';
import { CliError, describeError } from '../errors.js';
import type { Steps } from '../finish.js';
import type { RunIO, RunResult } from '../io.js';

export const command = 'action';
export const describe = 'Run as the GitHub Action: reads INPUT_* and GITHUB_* variables (see action.yml)';

export function builder<T>(y: Argv<T>) {
  return y.example('INPUT_MODE=files $0 action', 'what action.yml runs');
}

export async function handler(_args: unknown, io: RunIO, steps: Steps): Promise<RunResult> {
  try {
    return await runAction(io, steps);
  } catch (error) {
    // One annotation line instead of a stack trace; exit 2 (could not do what was asked).
    const message = redactKeys(describeError(error));
    return { exitCode: error instanceof CliError ? error.exitCode : 2, stdout: `::error title=shippo-keyguard::${message}\n`, stderr: '' };
  }
}
