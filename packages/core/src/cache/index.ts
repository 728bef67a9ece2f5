import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../write-atomic.js';

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

/** Neither an absolute `XDG_CACHE_HOME` nor a home directory: there is no cache (reads miss, writes throw this). */
export class NoCacheDirectoryError extends Error {
  constructor() {
    super('no cache directory: XDG_CACHE_HOME is not an absolute path and there is no home directory');
    this.name = 'NoCacheDirectoryError';
  }
}

/**
 * `$XDG_CACHE_HOME/shippo-keyguard/verify/v1`, else under `~/.cache`. A relative `XDG_CACHE_HOME`
 * is ignored (as the XDG spec says) and an empty or relative home is none: either would put the
 * cache in whatever directory is being scanned.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'shippo-keyguard', 'verify', 'v1');
  let home = '';
  try {
    home = homedir();
  } catch {
    // No HOME and no passwd entry for the user (a container running as an arbitrary uid).
  }
  if (!isAbsolute(home)) throw new NoCacheDirectoryError();
  return join(home, '.cache', 'shippo-keyguard', 'verify', 'v1');
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
  let file: string;
  try {
    file = cacheFile(fingerprint, options.env);
  } catch (error) {
    if (error instanceof NoCacheDirectoryError) return undefined;
    throw error;
  }
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

/** How long a verdict stays good: a live key may be revoked any minute; a dead one stays dead. */
export const CACHE_TTL_MS = { live: 60 * 60 * 1000, dead: 30 * 24 * 60 * 60 * 1000 } as const;

/**
 * Record a verdict. Atomic (a uniquely named temp file in the same directory, then rename), so a
 * reader (another run, the ESLint plugin) sees the old entry or the new one, never half of one;
 * two writers at once each rename a whole file and the last one wins. Holds no key.
 */
export function writeCachedVerification(
  fingerprint: string,
  status: CachedVerification['status'],
  options: { env?: NodeJS.ProcessEnv; now?: Date } = {},
): CachedVerification {
  const file = cacheFile(fingerprint, options.env);
  const now = options.now ?? new Date();
  const entry: CachedVerification = {
    status,
    checkedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + CACHE_TTL_MS[status]).toISOString(),
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  return entry;
}

/** Drop an entry (a corrupt one whose key could not be re-verified); a missing file is fine. */
export function removeCachedVerification(fingerprint: string, options: { env?: NodeJS.ProcessEnv } = {}): void {
  rmSync(cacheFile(fingerprint, options.env), { force: true });
}

/**
 * Record a verdict learnt elsewhere (a report's `verification`, from another machine's cache), as
 * it was: `checkedAt` kept, so it expires when the original entry would have. Nothing is written
 * for a verdict already expired, or when the cache holds a verdict checked at the same time or
 * later. Returns whether the entry was written. Organisation scans use it to carry every shard's
 * answers into the next night's cache.
 */
export function recordVerification(
  fingerprint: string,
  verdict: { readonly status: CachedVerification['status']; readonly checkedAt: string },
  options: { env?: NodeJS.ProcessEnv; now?: Date } = {},
): boolean {
  const checked = Date.parse(verdict.checkedAt);
  if (Number.isNaN(checked)) return false;
  const now = options.now ?? new Date();
  const expires = checked + CACHE_TTL_MS[verdict.status];
  if (expires <= now.getTime() || checked > now.getTime() + 60_000) return false; // expired, or from the future
  const held = readCachedVerification(fingerprint, { ...options, now });
  if (held && Date.parse(held.checkedAt) >= checked) return false;
  const entry: CachedVerification = { status: verdict.status, checkedAt: new Date(checked).toISOString(), expiresAt: new Date(expires).toISOString() };
  const file = cacheFile(fingerprint, options.env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  return true;
}

/**
 * Remove expired entries (and unreadable or corrupt ones), so a cache that travels from
 * night to night does not grow forever. Returns how many were removed; a missing directory is an
 * empty cache.
 */
export function pruneVerificationCache(options: { env?: NodeJS.ProcessEnv; now?: Date } = {}): number {
  let dir: string;
  try {
    dir = cacheDirectory(options.env);
  } catch (error) {
    if (error instanceof NoCacheDirectoryError) return 0;
    throw error;
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = /^([0-9a-f]{64})\.json$/.exec(name);
    if (!m) continue; // a temp file of a writer at work, or something not ours: leave it
    if (readCachedVerification(m[1] as string, options) === undefined) {
      rmSync(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
