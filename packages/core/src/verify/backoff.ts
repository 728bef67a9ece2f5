import type { IncomingHttpHeaders } from 'node:http';

/** Exponential back-off with "equal jitter": half the step is fixed, half random (so waits never collapse to 0). */
export function backoffDelay(attempt: number, random: () => number, baseMs = 500, capMs = 30_000): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** IMF-fixdate (`Sun, 06 Nov 1994 ...`), RFC 850 (`Sunday, 06-Nov-94 ...`) and asctime (`Sun Nov  6 ...`). */
const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/**
 * How long the server asks us to wait, in ms, or undefined when it does not say:
 * `Retry-After` (delta seconds or an HTTP date), else `X-RateLimit-Reset` (epoch seconds; a small
 * value is taken as seconds from now, as some gateways send). Never negative.
 */
export function serverRequestedWait(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    // Every HTTP-date form starts with the day's name; Date.parse alone reads "-5" or "x 1" as 2001.
    const date = HTTP_DATE_START.test(retryAfter) ? Date.parse(retryAfter) : NaN;
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = header(headers, 'x-ratelimit-reset');
  if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset)) {
    const seconds = Number(reset);
    return seconds < 1e9 ? Math.round(seconds * 1000) : Math.max(0, Math.round(seconds * 1000 - nowMs));
  }
  return undefined;
}
