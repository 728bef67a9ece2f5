import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@shippo-keyguard/core/report';
import { GitError, gitText } from '@shippo-keyguard/core/git';
import { CliError } from '../errors.js';

export const HOOKS = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOKS)[number];

/** Marks a hook file as ours: install rewrites it, uninstall removes it; anything else is foreign. */
export const MARKER = '# shippo-keyguard-hook v1';
/** Where `--chain` moves a foreign hook; our hook runs it first. */
export const CHAINED_SUFFIX = '.shippo-keyguard-chained';

/** The hooks directory git uses for this repository: honours core.hooksPath and linked worktrees. */
export async function hooksDir(repo: string): Promise<string> {
  try {
    return resolve(repo, (await gitText(repo, ['rev-parse', '--git-path', 'hooks'])).trim());
  } catch (error) {
    if (error instanceof GitError) throw new CliError(`${repo} is not a git repository (${error.message})`);
    throw error;
  }
}

/** The bin shim that runs this CLI, from this module (tsc output or the bundle). */
export function binPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../bin/shippo-keyguard.js'), resolve(here, '../cli/bin/shippo-keyguard.js')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new CliError('cannot find bin/shippo-keyguard.js to call from the hook');
  return found;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The hook script. It runs a hook moved aside by `--chain` first (same arguments and, for
 * pre-push, the same stdin), then the scan. Node is the one that installed the hook, else PATH's.
 */
export function hookScript(hook: HookName, nodePath: string, bin: string): string {
  const run = `"$node" ${quote(bin)} ${hook}`;
  const lines = [
    '#!/bin/sh',
    `# shippo-keyguard: ${hook} hook. Installed by \`shippo-keyguard install-hook${hook === 'pre-push' ? ' --pre-push' : ''}\`; \`shippo-keyguard uninstall-hook\` removes it.`,
    MARKER,
    `node=${quote(nodePath)}`,
    '[ -x "$node" ] || node=node',
    `chained="$(dirname "$0")/${hook}${CHAINED_SUFFIX}"`,
  ];
  if (hook === 'pre-push') {
    lines.push(
      '# git gives the pushed refs on stdin; both hooks need them.',
      'input=$(cat)',
      'if [ -x "$chained" ]; then',
      '  printf \'%s\\n\' "$input" | "$chained" "$@" || exit $?',
      'fi',
      `printf '%s\\n' "$input" | ${run} "$@"`,
    );
  } else {
    lines.push('if [ -x "$chained" ]; then', '  "$chained" "$@" || exit $?', 'fi', `exec ${run} "$@"`);
  }
  return `${lines.join('\n')}\n`;
}

export type InstallOutcome = 'installed' | 'unchanged' | 'chained';

export function isOurs(file: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8').includes(MARKER);
}

export function installHook(dir: string, hook: HookName, script: string, chain: boolean): InstallOutcome {
  const file = join(dir, hook);
  const chained = file + CHAINED_SUFFIX;
  let outcome: InstallOutcome = 'installed';
  mkdirSync(dir, { recursive: true });
  if (existsSync(file)) {
    if (isOurs(file)) {
      if (readFileSync(file, 'utf8') === script) return 'unchanged';
    } else if (!chain) {
      throw new CliError(
        `${file} exists and was not written by shippo-keyguard; left alone. Use --chain to run it from our hook, or call \`shippo-keyguard ${hook}\` from it yourself`,
      );
    } else if (existsSync(chained)) {
      throw new CliError(`${chained} already exists; move it away first`);
    } else {
      renameSync(file, chained);
      chmodSync(chained, 0o755);
      outcome = 'chained';
    }
  }
  writeFileAtomic(file, script);
  chmodSync(file, 0o755);
  return outcome;
}

export type UninstallOutcome = 'removed' | 'restored' | 'absent' | 'foreign';

/** Remove our hook only; put a chained hook back where it was. */
export function uninstallHook(dir: string, hook: HookName): UninstallOutcome {
  const file = join(dir, hook);
  if (!existsSync(file)) return 'absent';
  if (!isOurs(file)) return 'foreign';
  rmSync(file);
  if (existsSync(file + CHAINED_SUFFIX)) {
    renameSync(file + CHAINED_SUFFIX, file);
    return 'restored';
  }
  return 'removed';
}
