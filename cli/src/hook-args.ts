import type { Arguments } from 'yargs';

/**
 * What the command line parser returns for the command lines a commit hook runs: `staged`,
 * `pre-commit`, and `pre-commit` followed by the file names the pre-commit framework passes.
 * Building the parser (every command's options) and parsing took about a fifth of a hook's
 * start-up, for arguments that are always the same; these get the parser's result without it.
 * Anything else, an option or a name that starts with "-" included, goes through the parser, so
 * `--help`, errors and suggestions are unchanged. test/cli/hook-args.test.ts checks that each
 * result equals the parser's, so a new option default cannot drift from it unnoticed.
 */

/** The parser's values for the options `staged` and `pre-commit` share, none given, in its order. */
const HOOK_DEFAULTS = {
  format: 'text',
  f: 'text',
  redact: true,
  'show-suppressed': false,
  showSuppressed: false,
  verify: false,
  'verify-cache': true,
  verifyCache: true,
  'inline-allow': true,
  inlineAllow: true,
  'foreign-allow': true,
  foreignAllow: true,
  repo: '.',
} as const;

const SCRIPT_NAME = 'shippo-keyguard';

/** A positional the parser takes as it is: not an option, not "-" (nor run()'s stand-in for it, which holds a NUL), not empty. */
const plain = (arg: string): boolean => arg !== '' && !arg.startsWith('-') && !arg.includes('\u0000');

/** The parsed arguments of a hook's command line, or undefined when the parser must decide. */
export function hookArgs(argv: readonly string[]): Arguments | undefined {
  const [name, ...rest] = argv;
  if (name === 'staged' && rest.length === 0) return { _: ['staged'], ...HOOK_DEFAULTS, $0: SCRIPT_NAME };
  if (name === 'pre-commit' && rest.every(plain)) return { _: ['pre-commit'], ...HOOK_DEFAULTS, files: [...rest], $0: SCRIPT_NAME };
  return undefined;
}
