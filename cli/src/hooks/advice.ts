import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { git } from '../action/git.js';

/**
 * What a blocked commit or push prints after the findings: why it is blocked and the three ways
 * out. Keys themselves are only ever shown redacted, in the report above this.
 */
export function blockedAdvice(what: 'commit' | 'push'): string {
  const subject = what === 'commit' ? 'This commit adds' : 'The commits being pushed add';
  return [
    '',
    `shippo-keyguard: ${what} blocked. ${subject} a Shippo API key (where, redacted, above).`,
    'Anything committed is readable by everyone who can clone the repository, for ever: treat the key as leaked once it is pushed.',
    'Three ways out:',
    what === 'commit'
      ? '  1. Remove it: delete the key from the file, `git add` the file again, and load the key from an environment variable or secret store instead.'
      : '  1. Remove it: rewrite the commits without the key (e.g. `git rebase -i`), then rotate the key in the Shippo dashboard (Settings > API).',
    '  2. Allow it inline, if it is not a real key: put a `shippo-keyguard:allow` comment on its line (or `shippo-keyguard:allow-next-line` on the line before).',
    `  3. Add it to the baseline, if it is known and accepted: \`shippo-keyguard baseline ${what === 'commit' ? 'staged' : 'history'}\`, then commit .shippo-keyguard-baseline.json (the hooks read it from the repository root).`,
    '',
  ].join('\n');
}

/** The baseline file the hooks read from the repository root when `--baseline` is not given. */
export const HOOK_BASELINE = '.shippo-keyguard-baseline.json';

/**
 * Hooks honour a committed baseline without being told: when `--baseline` is not given and the
 * repository root has one, use it. Returns a copy of the arguments, since per-run triage state
 * may already be keyed to the original object.
 */
export function withRepoBaseline<T extends Record<string, unknown>>(args: T, cwd: string): T {
  if (args['baseline'] !== undefined) return args;
  const dir = resolve(cwd, typeof args['repo'] === 'string' ? args['repo'] : '.');
  // The root, also when the command runs in a subdirectory (by hand, or a hook manager's `root:`).
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  const file = join(top.ok && top.stdout.trim() !== '' ? top.stdout.trim() : dir, HOOK_BASELINE);
  return existsSync(file) ? { ...args, baseline: file } : args;
}
