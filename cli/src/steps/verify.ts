import { verifyStep as engineVerifyStep } from '@shippo-keyguard/core/pipeline';
import { ApiBaseUrlError, resolveApiBaseUrl, type ApiBase } from '@shippo-keyguard/core/verify';
import { CliError } from '../errors.js';
import type { Step } from '../finish.js';
import { showProgress } from '../io.js';
import { TOOL } from '../version.js';

/** How long verification may run before a run without a progress line says what it waits for. */
const WAITING_NOTICE_AFTER_MS = 2000;

/** `--verify-concurrency`: also the yargs `coerce`, so bad values stop the run before it scans. */
export function verifyConcurrency(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) {
    throw new CliError(`--verify-concurrency: expected a whole number from 1 to 64, got ${String(value)}`);
  }
  return value;
}

/** `--verify-timeout` in seconds. */
export function verifyTimeout(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new CliError(`--verify-timeout: expected a positive number of seconds, got ${String(value)}`);
  }
  return value;
}

/** `--verify-request-timeout` in seconds: how long one request may wait for an answer. */
export function verifyRequestTimeout(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 600) {
    throw new CliError(`--verify-request-timeout: expected a number of seconds above 0 and at most 600, got ${String(value)}`);
  }
  return value;
}

/** The API base URL from the flag or the environment only (never a config file), checked. */
export function apiBase(flag: string | undefined, env: NodeJS.ProcessEnv): ApiBase {
  try {
    return resolveApiBaseUrl(flag, env);
  } catch (error) {
    if (error instanceof ApiBaseUrlError) throw new CliError(error.message);
    throw error;
  }
}

/** `--api-base-url` as given, once it passed the checks (env is checked when verification starts). */
export function apiBaseUrlFlag(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CliError('--api-base-url: give it once, as a URL');
  apiBase(value, {});
  return value;
}

/**
 * `--verify`: one probe per distinct reported key (suppressed ones are never sent), the verdict on
 * every finding that holds it. The base URL comes only from the flag or the environment.
 */
export const verifyStep: Step = async (collected, args, io) => {
  if (!args.verify) return;

  const concurrency = verifyConcurrency(args.verifyConcurrency);
  const seconds = verifyTimeout(args.verifyTimeout);
  const requestSeconds = verifyRequestTimeout(args.verifyRequestTimeout);
  const base = apiBase(args.apiBaseUrl, io.env);
  if (collected.findings.length === 0) return;
  if (base.custom) {
    collected.warnings.push({
      code: 'custom-api-base-url',
      message: `verification sends keys to ${base.url.host} (${base.url.origin}, set by ${base.source}), not api.goshippo.com`,
    });
  }

  const progress = showProgress(io) ? io.progress : undefined;
  const host = base.url.host;
  const keys = new Set(collected.findings.map((f) => f.fingerprint)).size;
  // Without a progress line (CI logs, a pipe), a server that never answers would be silence until
  // --verify-timeout: say once what the run is waiting for.
  const notice = progress === undefined ? io.notice : undefined;
  const waiting = notice
    ? setTimeout(() => {
        const n = keys === 1 ? '1 key' : `${keys} keys`;
        notice(`verifying ${n} with ${host}: waiting for an answer (up to ${requestSeconds} s per request, ${seconds} s in all: --verify-request-timeout, --verify-timeout)`);
      }, WAITING_NOTICE_AFTER_MS)
    : undefined;
  waiting?.unref();
  // The engine's verify step: one probe per distinct key, the verdict and its level on every finding.
  await engineVerifyStep({
    baseUrl: base.url,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    concurrency,
    budgetMs: seconds * 1000,
    requestTimeoutMs: requestSeconds * 1000,
    cache: args.verifyCache,
    env: io.env,
    onWarning: (code, message) => collected.warnings.push({ code, message }),
    ...(progress ? { onProgress: (done: number, total: number) => progress(`verifying keys with ${host}: ${done}/${total} done`) } : {}),
  })(collected).finally(() => clearTimeout(waiting));
};
