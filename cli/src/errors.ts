/** Exit codes, as documented in the README and `--help` (like ESLint and secretlint). */
export const EXIT = {
  /** Nothing fails the policy. */
  OK: 0,
  /** Findings fail the policy. */
  FINDINGS: 1,
  /** The tool could not do what was asked: bad arguments or config, not a git repository, unreadable input. */
  ERROR: 2,
} as const;

/** An error meant for the user: printed as one line, never with a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.ERROR) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** One line for any error, with no stack: known errors by message, others by their code or name. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const firstLine = error.message.split('\n')[0] ?? '';
    return code && !firstLine.includes(code) ? `${firstLine} (${code})` : firstLine;
  }
  return String(error);
}
