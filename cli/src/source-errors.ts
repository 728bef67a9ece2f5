import { GitError } from '@shippo-keyguard/core/git';
import type { Source } from '@shippo-keyguard/core/pipeline';
import { CliError, describeError } from './errors.js';

/** Failures of reading that are the input's fault (git refused, a file is missing): one line and exit 2, never a stack. */
function isInputFailure(error: unknown): boolean {
  return error instanceof GitError || error instanceof CliError || typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string';
}

/** The same source, its git and file-system failures while reading turned into `CliError` (exit 2). */
export function readFailuresAsCliErrors(source: Source): Source {
  return {
    kind: source.kind,
    async read(secrets) {
      try {
        return await source.read(secrets);
      } catch (error) {
        if (isInputFailure(error)) throw new CliError(describeError(error));
        throw error;
      }
    },
  };
}
