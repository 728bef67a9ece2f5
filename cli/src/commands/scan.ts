import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { toPosix } from '@shippo-keyguard/core/files';
import { filesSource, stdinSource, type Source } from '@shippo-keyguard/core/pipeline';
import { CliError } from '../errors.js';
import { finish, type Steps } from '../finish.js';
import { showProgress, type RunIO, type RunResult } from '../io.js';
import { ignoreOption } from '../resolve-options.js';
import { archiveDepthOption, archiveLimitsOf, maxFileSizeOf, maxFileSizeOption, STDIN_ARG, withReportOptions, type ReportArgs } from '../options.js';

export const command = 'scan [paths..]';
export const describe = 'Scan files and directories (or stdin with "-") for Shippo keys';

export function builder<T>(y: Argv<T>) {
  return withReportOptions(y)
    .positional('paths', { type: 'string', array: true, default: ['.'], describe: 'Files and directories to scan; "-" reads stdin' })
    .option('gitignore', {
      type: 'boolean',
      default: true,
      describe: 'Inside a git work tree, scan what git would track; --no-gitignore walks everything',
    })
    .option('max-file-size', maxFileSizeOption('files'))
    .option('archive-depth', archiveDepthOption())
    .option('stdin-filename', { type: 'string', requiresArg: true, describe: 'Name to give stdin in reports (relative to the current directory, like file paths)' })
    .example('$0 scan', 'scan the current directory')
    .example('$0 scan src config/.env --format sarif -o keys.sarif', 'write SARIF for GitHub code scanning')
    .example('cat file | $0 scan - --stdin-filename file', 'scan stdin')
    .epilogue(SCAN_EPILOGUE);
}

const SCAN_EPILOGUE = `Inside a git work tree, directories are listed as git would track them (tracked plus untracked,
not ignored); files you name are scanned even when ignored; .git is never scanned. Finding paths are
relative to the current directory, which is also SARIF's %SRCROOT%.

Exit codes:
  0  nothing fails the policy (--fail-on)
  1  findings fail the policy
  2  bad arguments, or nothing could be scanned (every path missing, unreadable or skipped);
     a path that could not be read among others that could is a warning, not exit 2`;

export interface ScanArgs extends ReportArgs {
  paths: string[];
  gitignore: boolean;
  maxFileSize: string;
  archiveDepth?: number;
  stdinFilename?: string;
}

/** stdin, or undefined once it passes `limit` bytes (the rest is not read: `cat /dev/zero` ends). */
async function readStdin(io: RunIO, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > limit) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}

/** Files and bytes on stderr, for a person at a terminal, once the scan takes more than a moment. */
export function progressReporter(io: RunIO): { update: (files: number, bytes: number) => void; clear: () => void } | undefined {
  if (!showProgress(io) || !io.progress) return undefined;
  const print = io.progress;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(files, bytes) {
      const now = Date.now();
      if (now - started < 300 || now - last < 100) return;
      last = now;
      shown = true;
      print(`scanning: ${files} files, ${(bytes / 1e6).toFixed(1)} MB`);
    },
    clear() {
      if (shown) print('');
    },
  };
}

/** The source `scan` reads: stdin for "-", else the files and directories named (default "."). */
export function scanSource(args: ScanArgs & Record<string, unknown>, io: RunIO, progress?: ReturnType<typeof progressReporter>): Source {
  const maxFileSize = maxFileSizeOf(args);
  const archives = archiveLimitsOf(args);
  const paths = (args.paths.length > 0 ? args.paths : ['.']).map((p) => (p === STDIN_ARG ? '-' : p));
  // Without "-" the name would be dropped and the scan would read the current directory instead.
  if (args.stdinFilename !== undefined && !paths.includes('-')) throw new CliError('--stdin-filename names stdin: give "-" as the path to scan stdin');
  if (paths.includes('-')) {
    if (paths.length > 1) throw new CliError('"-" (stdin) cannot be combined with other paths');
    // Like a file's path: relative to the current directory (SARIF's %SRCROOT%), `/`-separated.
    const path = args.stdinFilename ? toPosix(relative(io.cwd, resolve(io.cwd, args.stdinFilename))) || '.' : '-';
    return stdinSource({ content: () => readStdin(io, maxFileSize), path, root: io.cwd, maxSize: maxFileSize, archives });
  }
  return filesSource({
    paths,
    cwd: io.cwd,
    gitignore: args.gitignore,
    maxFileSize,
    archives,
    ...ignoreOption(args, io.cwd),
    ...(progress ? { onProgress: progress.update } : {}),
  });
}

export async function handler(args: ScanArgs & Record<string, unknown>, io: RunIO, steps: Steps): Promise<RunResult> {
  const progress = progressReporter(io);
  const source = scanSource(args, io, progress);
  // The progress line goes once the files are read, before verification prints its own.
  const read: Source = {
    kind: source.kind,
    read: async (secrets) => {
      try {
        return await source.read(secrets);
      } finally {
        progress?.clear();
      }
    },
  };
  return finish(read, 'scan', args, io, steps);
}
