import type { Argv } from 'yargs';
import { redactKeys } from '@shippo-keyguard/core/config';
import { CliError, EXIT, describeError } from './errors.js';
import { checkReportFiles, type Steps } from './finish.js';
import type { RunIO, RunResult } from './io.js';
import * as scan from './commands/scan.js';
import * as history from './commands/history.js';
import * as staged from './commands/staged.js';
import * as action from './commands/action.js';
import * as installHook from './commands/install-hook.js';
import * as uninstallHook from './commands/uninstall-hook.js';
import * as preCommit from './commands/pre-commit.js';
import * as prePush from './commands/pre-push.js';
import { STEPS } from './steps/index.js';
import * as baseline from './commands/baseline.js';
import { resolveOptions } from './resolve-options.js';
import { findBaselineFile } from '@shippo-keyguard/core/baseline';
import * as repos from './commands/repos.js';
import * as merge from './commands/merge.js';
import * as shard from './commands/shard.js';
import { TOOL } from './version.js';
import { STDIN_ARG, type ReportArgs } from './options.js';
import { optionNames, withOptionSuggestions, type YargsFactory } from './suggest.js';
import { hookArgs } from './hook-args.js';

export type { RunIO, RunResult } from './io.js';
export { EXIT, CliError } from './errors.js';

const EPILOGUE = `Exit codes:
  0  nothing fails the policy (--fail-on)
  1  findings fail the policy
  2  the tool could not do what was asked (bad arguments or config, not a git repository, unreadable input)

Keys are never printed in full unless you pass --no-redact. Docs: ${TOOL.informationUri}`;

interface Command {
  readonly command: string;
  readonly describe: string;
  builder(y: Argv): Argv<any>;
  handler(args: any, io: RunIO, steps: Steps): Promise<RunResult>;
}

const COMMANDS: readonly Command[] = [
  scan as Command,
  history as Command,
  staged as Command,
  baseline as Command,
  installHook as Command,
  uninstallHook as Command,
  preCommit as Command,
  prePush as Command,
  action as Command,
  repos as Command,
  merge as Command,
  shard as Command,
];

/**
 * yargs collects an option given twice into an array, which the commands do not expect (a
 * repeated --format printed no report at all). Refuse it before any option's own checks run;
 * options that take several values (paths) are arrays on purpose.
 */
function refuseRepeated(argv: Record<string, unknown>, y: Argv): void {
  const arrays = new Set((y as unknown as { getOptions(): { array: string[] } }).getOptions().array);
  for (const [key, value] of Object.entries(argv)) {
    // Aliases (-f) and camelCase copies (stdinFilename) come with the --long-name key too.
    if (key.length === 1 || /[A-Z]/.test(key) || key === '_' || !Array.isArray(value) || arrays.has(key)) continue;
    throw new CliError(`--${key}: given more than once; give it once`);
  }
}

/** The options of the command named in `argv` (or the global ones), for "did you mean --format?". */
function optionsOfCommandIn(argv: readonly string[], yargs: YargsFactory): string[] {
  const name = argv.find((a) => !a.startsWith('-'));
  const command = COMMANDS.find((c) => c.command.split(' ')[0] === name);
  return command ? optionNames(yargs, (y) => command.builder(y)) : ['help', 'version'];
}

/** yargs loads when a command line needs the parser: a commit hook's never does (hook-args.ts). */
async function parser(argv: readonly string[]): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  let y = yargs([...argv])
    .scriptName('shippo-keyguard')
    .usage('$0 <command> [options]\n\nFind leaked Shippo API keys, verify them, and report them as text, JSON or SARIF.')
    .strict()
    .demandCommand(1, 'Specify a command (see --help)')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(`${TOOL.version}\n`)
    .epilogue(EPILOGUE)
    .middleware(refuseRepeated as (argv: object) => void, true)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs' own messages may span lines ("Invalid values:\n  Argument: ..."): keep them to one.
      if (error instanceof CliError) throw error;
      let text = (message ?? describeError(error)).replace(/\s*\n\s*/g, ' ');
      // recommendCommands says only "Did you mean scan?": name what was typed, as for options.
      const typed = argv.find((a) => !a.startsWith('-'));
      if (/^Did you mean \S+\?$/.test(text) && typed !== undefined) text = `Unknown command: ${typed}. ${text}`;
      throw new CliError(withOptionSuggestions(text, argv, () => optionsOfCommandIn(argv, yargs)));
    });
  for (const c of COMMANDS) y = y.command(c.command, c.describe, c.builder);
  skipHelpCache(y);
  return y;
}

interface YargsUsage {
  cacheHelpMessage(): void;
}

/**
 * Before it returns a command's arguments, yargs renders the command's whole help text into a
 * cache, in case a handler later asks it to show help. Ours never does (`fail` throws a
 * CliError), and that rendering, measuring every option's description for the layout, was the
 * largest part of a commit hook's start-up. `--help` renders its own text and is unaffected.
 */
function skipHelpCache(y: Argv): void {
  const usage = (y as unknown as { getInternalMethods(): { getUsageInstance(): YargsUsage } }).getInternalMethods().getUsageInstance();
  usage.cacheHelpMessage = () => undefined;
}

/** A command line's arguments as its command gets them, without running it (for the baseline command's inner scan). */
export async function parseCommandLine(argv: readonly string[]): Promise<Record<string, unknown>> {
  const kept = argv.map((a) => (a === '-' ? STDIN_ARG : a));
  return (await (await parser(kept)).parseAsync(kept, {}, () => undefined)) as Record<string, unknown>;
}

/**
 * The whole CLI as a function: arguments in, exit code and output out. The bin shim writes the
 * result to the process; tests call it directly.
 */
export async function run(argv: readonly string[], io: RunIO): Promise<RunResult> {
  let helpOutput = '';
  try {
    const kept = argv.map((a) => (a === '-' ? STDIN_ARG : a)); // "-" means stdin; yargs would drop it
    const args =
      hookArgs(kept) ??
      (await (await parser(kept)).parseAsync(kept, {}, (_error, _argv, output) => {
        helpOutput = output ?? '';
      }));
    const name = String(args._[0] ?? '');
    const match = COMMANDS.find((c) => c.command.split(' ')[0] === name);
    if (helpOutput !== '' || match === undefined) {
      return { exitCode: EXIT.OK, stdout: helpOutput.endsWith('\n') ? helpOutput : `${helpOutput}\n`, stderr: '' };
    }
    // Configuration and baseline load before the scan: a bad file fails fast with exit 2. The
    // options are resolved here, once, into the value every step reads.
    checkReportFiles(args as Partial<ReportArgs>, io.cwd);
    const resolved = resolveOptions(args as Record<string, unknown>, io, findBaselineFile);
    return await match.handler(resolved, io, STEPS);
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : EXIT.ERROR;
    // A CliError may list several problems (a configuration file's), one per line.
    // A bad revision, ref or path in the message may be a key: it is quoted redacted.
    const message = redactKeys(error instanceof CliError ? error.message : describeError(error));
    return { exitCode, stdout: '', stderr: `${message.split('\n').map((line) => `shippo-keyguard: ${line}`).join('\n')}\n` };
  }
}
