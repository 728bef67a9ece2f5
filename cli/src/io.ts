import type { Readable } from 'node:stream';
import type { StagedStart } from '@shippo-keyguard/core/git';

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
  /** A line on stderr now rather than with the report at the end (what a long wait is waiting for). */
  readonly notice?: (line: string) => void;
  /**
   * The git reads of the index that the entry started before it loaded the commands, for a
   * commit hook's `staged` or `pre-commit` (see main.ts); the staged source takes them over.
   */
  readonly staged?: StagedStart;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The one progress line at the bottom of a terminal, redrawn in place. */
export interface ProgressLine {
  draw(line: string): void;
  /** Erase it, so what is printed next starts at the beginning of a clean line. */
  clear(): void;
}

export function progressLine(stream: NodeJS.WritableStream): ProgressLine {
  let drawn = false;
  return {
    draw(line) {
      stream.write(`\r\u001b[2K${line}`);
      drawn = line !== '';
    },
    clear() {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
}

export function processIO(line: ProgressLine = progressLine(process.stderr)): RunIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    progress: (text) => line.draw(text),
    notice: (text) => {
      line.clear();
      process.stderr.write(`shippo-keyguard: ${text}\n`);
    },
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
