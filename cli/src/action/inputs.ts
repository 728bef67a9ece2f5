import { FAIL_ON, type FailOn } from '@shippo-keyguard/core';
import { CliError } from '../errors.js';

export const MODES = ['auto', 'files', 'history'] as const;
export type Mode = (typeof MODES)[number];

/** The action's inputs (action.yml), read from `INPUT_*` variables as the runner names them. */
export interface ActionInputs {
  readonly path: string;
  readonly mode: Mode;
  readonly verify: boolean;
  readonly failOn: FailOn;
  readonly baseline?: string;
  readonly config?: string;
  readonly sarifFile: string;
}

/**
 * The runner upper-cases the name and turns spaces into `_` but keeps `-` (`INPUT_FAIL-ON`);
 * shells cannot set such names, so `INPUT_FAIL_ON` is accepted too.
 */
export function getInput(env: NodeJS.ProcessEnv, name: string): string {
  const upper = name.replace(/ /g, '_').toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '').trim();
}

function booleanInput(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = getInput(env, name).toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new CliError(`input ${name}: expected true or false, got "${value}"`);
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const mode = (getInput(env, 'mode') || 'auto') as Mode;
  if (!MODES.includes(mode)) throw new CliError(`input mode: expected one of ${MODES.join(', ')}, got "${mode}"`);
  const failOn = (getInput(env, 'fail-on') || 'any') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new CliError(`input fail-on: expected one of ${FAIL_ON.join(', ')}, got "${failOn}"`);
  const baseline = getInput(env, 'baseline');
  const config = getInput(env, 'config');
  return {
    path: getInput(env, 'path') || '.',
    mode,
    verify: booleanInput(env, 'verify'),
    failOn,
    ...(baseline ? { baseline } : {}),
    ...(config ? { config } : {}),
    sarifFile: getInput(env, 'sarif-file') || 'shippo-keyguard.sarif',
  };
}
