import type { KeyKind } from '@shippo-keyguard/rules';

/** What one HTTP answer means for a key. `retry` answers become unknown once retries or time run out. */
export type Classified =
  | { readonly final: true; readonly status: 'live' | 'dead' | 'unknown'; readonly reason: string }
  | { readonly final: false; readonly retry: 'rate-limited' | 'server-error'; readonly reason: string };

/**
 * What the body of a 401 says: the API's JSON error for the token (`{"detail": ...}`), the API
 * saying no credentials arrived (a proxy stripped the header), or not the API's answer at all (an
 * HTML page or an empty body from a gateway, a body that broke off).
 */
export type Unauthorized = 'token-rejected' | 'no-credentials' | 'unrecognised';

/**
 * The status mapping (documented in docs/verification.md). Only 401 is dead; anything we do not understand
 * is unknown, never dead, because a wrong "dead" lets a live key through `--fail-on not-dead`.
 * So a 401 is dead only with the API's own JSON error for the token: one saying no credentials
 * arrived, or one that is not the API's answer, says nothing about the key.
 */
export function classifyStatus(status: number, kind: KeyKind, unauthorized: Unauthorized = 'token-rejected'): Classified {
  const mode = `${kind} mode`;
  if (status >= 200 && status < 300) return { final: true, status: 'live', reason: `authenticated, ${mode} (HTTP ${status})` };
  if (status === 404) return { final: true, status: 'live', reason: `authenticated, ${mode} (HTTP 404 for the probe object)` };
  if (status === 403) return { final: true, status: 'live', reason: `authenticated but not permitted, ${mode} (HTTP 403)` };
  if (status === 401) {
    if (unauthorized === 'token-rejected') return { final: true, status: 'dead', reason: 'rejected by the API (HTTP 401)' };
    return unauthorized === 'no-credentials'
      ? { final: true, status: 'unknown', reason: 'the API did not receive the Authorization header (HTTP 401); is a proxy stripping it?' }
      : { final: true, status: 'unknown', reason: "HTTP 401 without the API's JSON error; is a proxy or gateway answering instead?" };
  }
  if (status === 429) return { final: false, retry: 'rate-limited', reason: 'rate limited (HTTP 429)' };
  if (status >= 500 && status < 600) return { final: false, retry: 'server-error', reason: `server error (HTTP ${status})` };
  if (status >= 300 && status < 400) return { final: true, status: 'unknown', reason: `unexpected redirect (HTTP ${status}), not followed` };
  return { final: true, status: 'unknown', reason: `unexpected answer (HTTP ${status})` };
}
