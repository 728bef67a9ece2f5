import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT } from '../errors.js';
import { HOOKS, hooksDir, uninstallHook } from '../hooks/git-hooks.js';
import type { RunIO, RunResult } from '../io.js';

export const command = 'uninstall-hook';
export const describe = 'Remove the hooks install-hook wrote (and restore a chained hook); other hooks are left alone';

export function builder<T>(y: Argv<T>) {
  return y
    .option('repo', { type: 'string', default: '.', describe: 'The repository (any directory inside it)' })
    .option('pre-push', { type: 'boolean', describe: 'Only the pre-push hook (default: both)' })
    .option('pre-commit', { type: 'boolean', describe: 'Only the pre-commit hook (default: both)' });
}

export async function handler(args: { repo: string; prePush?: boolean; preCommit?: boolean }, io: RunIO): Promise<RunResult> {
  const dir = await hooksDir(resolve(io.cwd, args.repo));
  const only = HOOKS.filter((h) => (h === 'pre-push' ? args.prePush : args.preCommit));
  const lines: string[] = [];
  for (const hook of only.length > 0 ? only : HOOKS) {
    const outcome = uninstallHook(dir, hook);
    const file = resolve(dir, hook);
    if (outcome === 'removed') lines.push(`removed the ${hook} hook ${file}`);
    else if (outcome === 'restored') lines.push(`removed the ${hook} hook and restored the hook it chained at ${file}`);
    else if (outcome === 'foreign') lines.push(`${file} was not written by shippo-keyguard; left alone`);
    else lines.push(`no ${hook} hook installed`);
  }
  return { exitCode: EXIT.OK, stdout: `${lines.join('\n')}\n`, stderr: '' };
}
