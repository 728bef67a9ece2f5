import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT } from '../errors.js';
import { binPath, hookScript, hooksDir, installHook, type HookName } from '../hooks/git-hooks.js';
import type { RunIO, RunResult } from '../io.js';

export const command = 'install-hook';
export const describe = 'Install a git pre-commit (or --pre-push) hook that blocks commits adding a Shippo key';

export function builder<T>(y: Argv<T>) {
  return y
    .option('repo', { type: 'string', default: '.', describe: 'The repository (any directory inside it)' })
    .option('pre-push', { type: 'boolean', default: false, describe: 'Install the pre-push hook (scans the commits being pushed) instead' })
    .option('chain', { type: 'boolean', default: false, describe: 'Keep an existing hook: move it aside and run it before ours' })
    .example('$0 install-hook', 'block commits that add a key')
    .example('$0 install-hook --pre-push --chain', 'also check pushes, keeping the existing pre-push hook');
}

export interface InstallHookArgs {
  repo: string;
  prePush: boolean;
  chain: boolean;
}

export async function handler(args: InstallHookArgs, io: RunIO): Promise<RunResult> {
  const hook: HookName = args.prePush ? 'pre-push' : 'pre-commit';
  const dir = await hooksDir(resolve(io.cwd, args.repo));
  const outcome = installHook(dir, hook, hookScript(hook, process.execPath, binPath()), args.chain);
  const file = resolve(dir, hook);
  const message =
    outcome === 'unchanged'
      ? `${hook} hook already installed at ${file}`
      : outcome === 'chained'
        ? `installed the ${hook} hook at ${file}; the existing hook runs first from ${hook}.shippo-keyguard-chained`
        : `installed the ${hook} hook at ${file}`;
  return { exitCode: EXIT.OK, stdout: `${message}\n`, stderr: '' };
}
