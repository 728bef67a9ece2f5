import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { run, type RunIO, type RunResult } from 'shippo-keyguard';
import type { LeakGuard } from './leaks.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = resolve(REPO_ROOT, 'cli/bin/shippo-keyguard.js');

export interface CliOptions {
  readonly cwd: string;
  readonly stdin?: string | Buffer;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
  readonly progress?: (line: string) => void;
  /** Files (relative to cwd) the command writes: recorded for the leak check. */
  readonly writes?: readonly string[];
  /** The leak guard that records every output of this scenario. */
  readonly guard?: LeakGuard;
  readonly scenario?: string;
}

export interface CliResult extends RunResult {
  /** Content of each file in `writes`, by name. */
  readonly files: Record<string, string>;
}

function collect(args: readonly string[], options: CliOptions, result: RunResult): CliResult {
  const files: Record<string, string> = {};
  for (const name of options.writes ?? []) {
    const path = resolve(options.cwd, name);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  const guard = options.guard;
  if (guard) {
    const scenario = options.scenario ?? args.join(' ');
    const reveal = args.includes('--no-redact');
    guard.record({ scenario, channel: 'stdout', text: result.stdout, revealAllowed: reveal && !args.includes('sarif') });
    guard.record({ scenario, channel: 'stderr', text: result.stderr, revealAllowed: false });
    for (const [name, text] of Object.entries(files)) {
      guard.record({ scenario, channel: name, text, revealAllowed: reveal && !name.endsWith('.sarif') && !text.includes('"$schema"') });
    }
  }
  return { ...result, files };
}

/** The CLI as a function, in-process (`run()` from cli/src/run.ts, built). */
export async function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const io: RunIO = {
    cwd: options.cwd,
    env: { ...(options.env ?? {}) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    ...(options.progress ? { progress: options.progress } : {}),
  };
  return collect(args, options, await run(args, io));
}

/** The real bin in a child process, as a user or CI runs it. `prefix` runs it through e.g. setpriv. */
export function runBin(args: readonly string[], options: CliOptions & { prefix?: readonly string[] }): CliResult {
  const command = [...(options.prefix ?? []), process.execPath, BIN, ...args];
  const child = spawnSync(command[0]!, command.slice(1), {
    cwd: options.cwd,
    input: options.stdin ?? '',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...(options.env ?? {}) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.error) throw child.error;
  return collect(args, options, { exitCode: child.status ?? -1, stdout: child.stdout, stderr: child.stderr });
}
