/**
 * Verification: ask the Shippo API whether each distinct key still works (live / dead / unknown),
 * with a bounded pool, back-off, one time budget and an on-disk cache. Network lives here only.
 */
export { DEFAULT_API_BASE_URL, ApiBaseUrlError, isLoopbackHost, resolveApiBaseUrl, type ApiBase } from './base-url.js';
export { backoffDelay, serverRequestedWait } from './backoff.js';
export { classifyStatus, type Classified, type Unauthorized } from './classify.js';
export { systemClock, type Clock } from './clock.js';
export { PROBE_PATH, ProbeNetworkError, dispatcherFor, probeOnce } from './http.js';
export { verifyFindings } from './findings.js';
export { VERIFY_DEFAULTS, cacheKeyFor, verifyKeys, type KeyToVerify, type VerifyOptions } from './verifier.js';
