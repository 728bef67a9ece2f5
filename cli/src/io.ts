import type { Readable } from 'node:stream';

/** Everything `run` takes from the outside world, so tests can give it a fake terminal and environment. */
export interface RunIO {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  /** stdout/stderr are terminals: colour (unless NO_COLOR) and progress. */
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Live progress on stderr; only called when stderr is a TTY and not in CI. */
  readonly progress?: (line: string) => void;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function processIO(): RunIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    progress: (line) => process.stderr.write(`\r\u001b[2K${line}`),
  };
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function useColor(io: RunIO): boolean {
  return io.stdoutIsTTY && !('NO_COLOR' in io.env && io.env['NO_COLOR'] !== '') && io.env['TERM'] !== 'dumb';
}

/** Progress only for a person watching: a TTY, not CI. */
export function showProgress(io: RunIO): boolean {
  return io.stderrIsTTY && io.progress !== undefined && !io.env['CI'];
}
