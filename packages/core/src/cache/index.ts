import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The verification cache, shared by the CLI (which writes it) and the ESLint plugin (which only
 * reads it, never the network). One small JSON file per key, named by the key's SHA-256, so two
 * processes writing at once (a pre-commit hook and an editor) never clobber each other's entries:
 *   $XDG_CACHE_HOME/shippo-keyguard/verify/v1/<fingerprint>.json   (default ~/.cache)
 *   { "status": "live" | "dead", "checkedAt": ISO-8601, "expiresAt": ISO-8601 }
 * Unknown results are never cached.
 */
export interface CachedVerification {
  readonly status: 'live' | 'dead';
  readonly checkedAt: string;
  readonly expiresAt: string;
}

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(base, 'shippo-keyguard', 'verify', 'v1');
}

export function cacheFile(fingerprint: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new Error('cache entries are keyed by a SHA-256 fingerprint');
  return join(cacheDirectory(env), `${fingerprint}.json`);
}

/**
 * The cached, unexpired verdict for a key, or undefined. A missing, unreadable or corrupt entry
 * reads as undefined; `onCorrupt` lets the CLI warn about the last kind.
 */
export function readCachedVerification(
  fingerprint: string,
  options: { env?: NodeJS.ProcessEnv; now?: Date; onCorrupt?: (file: string) => void } = {},
): CachedVerification | undefined {
  const file = cacheFile(fingerprint, options.env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as Partial<CachedVerification>;
    const valid =
      (entry.status === 'live' || entry.status === 'dead') &&
      typeof entry.checkedAt === 'string' &&
      typeof entry.expiresAt === 'string' &&
      !Number.isNaN(Date.parse(entry.expiresAt));
    if (!valid) throw new Error('bad entry');
    if (Date.parse(entry.expiresAt as string) <= (options.now ?? new Date()).getTime()) return undefined;
    return entry as CachedVerification;
  } catch {
    options.onCorrupt?.(file);
    return undefined;
  }
}
