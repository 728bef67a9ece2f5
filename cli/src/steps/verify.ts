import type { KeyKind } from '@shippo-keyguard/core';
import { ApiBaseUrlError, resolveApiBaseUrl, verifyKeys, type KeyToVerify } from '@shippo-keyguard/core/verify';
import { CliError } from '../errors.js';
import type { Step } from '../finish.js';
import { showProgress } from '../io.js';
import { TOOL } from '../version.js';

/**
 * `--verify`: one probe per distinct reported key (suppressed ones are never sent), the verdict on
 * every finding that holds it. The base URL comes only from the flag or the environment.
 */
export const verifyStep: Step = async (collected, args, io) => {
  if (!args.verify || collected.findings.length === 0) return;

  const concurrency = args.verifyConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new CliError(`--verify-concurrency: expected a whole number from 1 to 64, got ${String(concurrency)}`);
  }
  const seconds = args.verifyTimeout;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError(`--verify-timeout: expected a positive number of seconds, got ${String(seconds)}`);
  }
  let base;
  try {
    base = resolveApiBaseUrl(args.apiBaseUrl, io.env);
  } catch (error) {
    if (error instanceof ApiBaseUrlError) throw new CliError(error.message);
    throw error;
  }
  if (base.custom) {
    collected.warnings.push({
      code: 'custom-api-base-url',
      message: `verification sends keys to ${base.url.host} (${base.url.origin}, set by ${base.source}), not api.goshippo.com`,
    });
  }

  const keys: KeyToVerify[] = [];
  const kinds = new Map<string, KeyKind>();
  for (const f of collected.findings) if (!kinds.has(f.fingerprint)) kinds.set(f.fingerprint, f.kind);
  for (const [fingerprint, kind] of kinds) {
    const key = collected.secrets.get(fingerprint);
    if (key !== undefined) keys.push({ fingerprint, key, kind });
  }

  const progress = showProgress(io) ? io.progress : undefined;
  const results = await verifyKeys(keys, {
    baseUrl: base.url,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    concurrency,
    budgetMs: seconds * 1000,
    cache: args.verifyCache,
    env: io.env,
    onWarning: (code, message) => collected.warnings.push({ code, message }),
    ...(progress ? { onProgress: (done: number, total: number) => progress(`verified ${done}/${total} keys`) } : {}),
  });
  collected.findings = collected.findings.map((f) => ({
    ...f,
    verification: results.get(f.fingerprint) ?? { status: 'unknown', reason: 'key not held in memory' },
  }));
};
