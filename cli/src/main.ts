import { startStaged, type StagedStart } from '@shippo-keyguard/core/git';
import { EXIT, describeError } from './errors.js';
import { hookArgs } from './hook-args.js';
import { processIO, progressLine, type RunIO } from './io.js';
import { TOOL } from './version.js';

/** Write to stdout; a reader that went away (`| head`) ends the output quietly, not with a stack trace. */
function writeStdout(text: string): Promise<void> {
  return new Promise<void>((done) => {
    process.stdout.once('error', () => done());
    process.stdout.write(text, () => done());
  });
}

/**
 * A commit hook's `staged`, or `pre-commit` without file names, starts its git reads before the
 * commands load: git reads the index (tens of milliseconds in a large repository) and describes
 * the repository while Node compiles the commands, instead of after. Only for the hook's own
 * command line (no options), whose text report never names the remote (see
 * reportNamesRepository); the staged source takes them over.
 */
function startStagedEarly(argv: readonly string[], cwd: string): StagedStart | undefined {
  const args = hookArgs(argv);
  if (args === undefined) return undefined;
  const files = args['files'];
  if (args._[0] !== 'staged' && !(Array.isArray(files) && files.length === 0)) return undefined;
  return startStaged(cwd, { remote: false });
}

/**
 * Entry for the bin shim: run, write the output, return the exit code. The command line parser
 * and the commands load only when a command runs: `--version` alone prints without them, which
 * is most of its start-up time (yargs and its layout libraries, the whole module graph).
 */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    await writeStdout(`${TOOL.version}\n`);
    return EXIT.OK;
  }
  let io: RunIO;
  const progress = progressLine(process.stderr);
  try {
    io = processIO(progress);
    const staged = startStagedEarly(argv, io.cwd);
    if (staged !== undefined) io = { ...io, staged };
  } catch (error) {
    // process.cwd() throws when the current directory was deleted.
    process.stderr.write(`shippo-keyguard: cannot use the current directory: ${describeError(error)}\n`);
    return EXIT.ERROR;
  }
  const { run } = await import('./run.js');
  const result = await run(argv, io);
  // Whatever drew progress (files, blobs, verification), the report starts on a clean line.
  progress.clear();
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.stdout) await writeStdout(result.stdout);
  return result.exitCode;
}
