import { nodeCrypto } from '../builtins/crypto.js';
import type { Dispatcher } from 'undici';
import type { KeyKind } from '@shippo-keyguard/rules';
import { NoCacheDirectoryError, readCachedVerification, removeCachedVerification, writeCachedVerification } from '../cache/index.js';
import type { Verification } from '../finding.js';
import type { WarningCode } from '../warnings.js';
import { backoffDelay, serverRequestedWait } from './backoff.js';
import { DEFAULT_API_BASE_URL, isLoopbackHost } from './base-url.js';
import { classifyStatus } from './classify.js';
import { systemClock, type Clock } from './clock.js';
import { ProbeNetworkError, dispatcherFor, probeOnce } from './http.js';

export const VERIFY_DEFAULTS = {
  concurrency: 4,
  requestTimeoutMs: 10_000,
  budgetMs: 60_000,
  /** Extra attempts after a 5xx, a timeout or a network error. */
  retries: 2,
  /** Extra attempts after a 429 (the time budget usually ends them first). */
  rateLimitRetries: 8,
} as const;

export interface VerifyOptions {
  /** A validated base URL (see `resolveApiBaseUrl`). */
  readonly baseUrl: URL;
  /** `shippo-keyguard/<version>`. */
  readonly userAgent: string;
  readonly concurrency?: number;
  readonly requestTimeoutMs?: number;
  /** All verification, waits included, ends by then; keys not done are unknown. */
  readonly budgetMs?: number;
  readonly retries?: number;
  readonly rateLimitRetries?: number;
  /** Read and write the on-disk cache (default true). */
  readonly cache?: boolean;
  /** For the cache directory and the proxy variables. */
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  /** Given: used as is and left open. Otherwise one is made from `env` and closed at the end. */
  readonly dispatcher?: Dispatcher;
  readonly onWarning?: (code: WarningCode, message: string) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface KeyToVerify {
  readonly fingerprint: string;
  readonly key: string;
  readonly kind: KeyKind;
}

/**
 * The cache entry name for a key checked against a base URL. Shippo's verdicts use the key's
 * fingerprint itself (what the ESLint plugin looks up); any other base URL (a local fake, a
 * mirror) gets its own names, so its answers can never pass for Shippo's.
 */
export function cacheKeyFor(fingerprint: string, baseUrl: URL): string {
  if (baseUrl.href === DEFAULT_API_BASE_URL) return fingerprint;
  return nodeCrypto().createHash('sha256').update(`${baseUrl.href}\0${fingerprint}`).digest('hex');
}

/**
 * Verify distinct keys: one probe per key (after the cache), at most `concurrency` at once, with
 * retries and back-off inside one overall time budget. Every key gets an answer; the function
 * never waits past the budget (plus the teardown of sockets).
 */
export async function verifyKeys(keys: readonly KeyToVerify[], options: VerifyOptions): Promise<Map<string, Verification>> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const env = options.env ?? process.env;
  const useCache = options.cache ?? true;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? VERIFY_DEFAULTS.concurrency));
  const requestTimeoutMs = options.requestTimeoutMs ?? VERIFY_DEFAULTS.requestTimeoutMs;
  const retries = options.retries ?? VERIFY_DEFAULTS.retries;
  const rateLimitRetries = options.rateLimitRetries ?? VERIFY_DEFAULTS.rateLimitRetries;
  const deadline = clock.now() + (options.budgetMs ?? VERIFY_DEFAULTS.budgetMs);
  const results = new Map<string, Verification>();
  const corrupt = new Set<string>();

  const todo: KeyToVerify[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.fingerprint)) continue;
    seen.add(k.fingerprint);
    const name = cacheKeyFor(k.fingerprint, options.baseUrl);
    const hit = useCache
      ? readCachedVerification(name, {
          env,
          now: new Date(clock.now()),
          onCorrupt: (file) => {
            corrupt.add(name);
            options.onWarning?.('verify-cache-corrupt', `ignoring a corrupt verification cache entry (${file}); it is rebuilt`);
          },
        })
      : undefined;
    if (hit) {
      const mode = hit.status === 'live' ? `, ${k.kind} mode` : '';
      results.set(k.fingerprint, { status: hit.status, reason: `cached verdict (checked ${hit.checkedAt})${mode}`, checkedAt: hit.checkedAt, cached: true });
    } else todo.push(k);
  }
  const total = seen.size;
  options.onProgress?.(results.size, total);
  if (todo.length === 0) return results;

  // A loopback base URL is never proxied (as Go's ProxyFromEnvironment): plain http to a local
  // server would otherwise carry keys in clear text to the proxy, and reach the proxy's loopback.
  const proxyEnv = isLoopbackHost(options.baseUrl.hostname) ? {} : env;
  const dispatcher = options.dispatcher ?? (await dispatcherFor(proxyEnv, concurrency));
  const request = { baseUrl: options.baseUrl, userAgent: options.userAgent, dispatcher };

  const unknown = (reason: string): Verification => ({ status: 'unknown', reason, checkedAt: new Date(clock.now()).toISOString(), cached: false });

  async function verifyOne(k: KeyToVerify): Promise<Verification> {
    let failures = 0;
    let limited = 0;
    let last: string | undefined;
    for (;;) {
      const remaining = deadline - clock.now();
      if (remaining <= 0) return unknown(last ? `${last}; --verify-timeout reached` : 'not checked: --verify-timeout reached');
      let wait: number;
      try {
        const timeoutMs = Math.min(requestTimeoutMs, remaining);
        const answer = await probeOnce(k.key, { ...request, timeoutMs });
        const verdict = classifyStatus(answer.status, k.kind, answer.unauthorized);
        if (verdict.final) {
          const checkedAt = new Date(clock.now()).toISOString();
          return { status: verdict.status, reason: verdict.reason, checkedAt, cached: false };
        }
        last = verdict.reason;
        if (verdict.retry === 'rate-limited') {
          if (++limited > rateLimitRetries) return unknown(`${last}, gave up after ${limited} attempts`);
          wait = serverRequestedWait(answer.headers, clock.now()) ?? backoffDelay(limited - 1, random);
        } else {
          if (++failures > retries) return unknown(`${last}, gave up after ${failures} attempts`);
          wait = backoffDelay(failures - 1, random);
        }
      } catch (error) {
        if (!(error instanceof ProbeNetworkError)) throw error;
        last = error.reason;
        if (++failures > retries) return unknown(`${last}, gave up after ${failures} attempts`);
        wait = backoffDelay(failures - 1, random);
      }
      // Waiting past the budget only to give up: give up now, and say why.
      if (clock.now() + wait >= deadline) return unknown(`${last}; retry would pass --verify-timeout`);
      await clock.sleep(wait);
    }
  }

  const queue = [...todo];
  let cacheWarned = false; // one warning, not one per key
  const worker = async () => {
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
      const verdict = await verifyOne(k);
      results.set(k.fingerprint, verdict);
      options.onProgress?.(results.size, total);
      if (!useCache) continue;
      const name = cacheKeyFor(k.fingerprint, options.baseUrl);
      try {
        if (verdict.status === 'live' || verdict.status === 'dead') {
          writeCachedVerification(name, verdict.status, { env, now: new Date(clock.now()) });
        } else if (corrupt.has(name)) removeCachedVerification(name, { env });
      } catch (error) {
        if (cacheWarned) continue;
        cacheWarned = true;
        const why = error instanceof NoCacheDirectoryError ? error.message : ((error as NodeJS.ErrnoException).code ?? 'error');
        options.onWarning?.('verify-cache-unwritable', `cannot write the verification cache (${why}); results are not cached`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  } finally {
    if (!options.dispatcher) await dispatcher.destroy().catch(() => undefined);
  }
  return results;
}
