import { spawnSync } from 'node:child_process';

/** Result of one git call; never throws, so callers turn failures into one-line messages. */
export interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): GitResult {
  const r = spawnSync('git', [...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? r.error?.message ?? '').trim() };
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}
