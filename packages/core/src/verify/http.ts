import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Unauthorized } from './classify.js';

/** undici loads on the first verification, so a run without `--verify` skips about 75 ms of start-up. */
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

/**
 * The probe: a single-object GET (Shippo's 4000 live / 400 test per minute bucket, not the 50 / 5
 * of a list call) for an address id that cannot exist (an all-zero id is not a UUID4). Only an
 * authenticated caller gets as far as "not found"; a bad key gets 401 first. It reads nothing.
 */
export const PROBE_PATH = 'addresses/00000000000000000000000000000000';

/** Read at most this much of a 401 body, to tell "bad key" from "no credentials arrived" or a gateway's page. */
const MAX_401_BODY = 2048;

/**
 * HTTP(S)_PROXY / NO_PROXY from the given environment (not `process.env`, so `run()` stays pure),
 * through undici's `EnvHttpProxyAgent`; a plain pooled agent when no proxy is set.
 */
export async function dispatcherFor(env: NodeJS.ProcessEnv, connections: number): Promise<Dispatcher> {
  const { Agent, EnvHttpProxyAgent } = await loadUndici();
  const pick = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || '';
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  const options = { connections, keepAliveTimeout: 4_000 };
  if (httpProxy === '' && httpsProxy === '') return new Agent(options);
  // Empty strings, not undefined: undefined would make undici fall back to process.env.
  return new EnvHttpProxyAgent({ ...options, httpProxy, httpsProxy, noProxy: pick('no_proxy') });
}

/** The request could not get an HTTP answer. `reason` is ours, never the body or the key. */
export class ProbeNetworkError extends Error {
  constructor(
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(reason);
    this.name = 'ProbeNetworkError';
  }
}

export interface ProbeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** For a 401: what its body says. */
  readonly unauthorized: Unauthorized;
}

export interface ProbeRequest {
  readonly baseUrl: URL;
  readonly userAgent: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

function describeNetworkError(error: unknown, timeoutMs: number): ProbeNetworkError {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  // Two significant digits below a second, so a short --verify-request-timeout never reads as `0 s`.
  const seconds = `${timeoutMs >= 1000 ? Math.round(timeoutMs / 100) / 10 : Number((timeoutMs / 1000).toPrecision(2))} s`;
  if (e?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new ProbeNetworkError(`timed out (no answer within ${seconds})`, true);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new ProbeNetworkError('connection timed out', true);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new ProbeNetworkError('connection reset', false);
  if (code === 'ECONNREFUSED') return new ProbeNetworkError('connection refused', false);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return new ProbeNetworkError(`DNS lookup failed (${code})`, false);
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|UND_ERR_PRX_TLS)/.test(code)) {
    return new ProbeNetworkError(`TLS error (${code})`, false);
  }
  if (typeof e?.message === 'string' && /^Proxy response \(\d+\)/.test(e.message)) {
    return new ProbeNetworkError(`the proxy refused the connection (${e.message.match(/\((\d+)\)/)?.[1]})`, false);
  }
  return new ProbeNetworkError(`network error (${code || e?.name || 'unknown'})`, false);
}

/** Read a bounded prefix of a body as text, then throw the rest away. */
async function readPrefix(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    if (text.length >= limit) break; // leaving the loop destroys the stream
  }
  return text.slice(0, limit);
}

/**
 * The API (Django REST Framework) answers 401 with a JSON `{"detail": "..."}`: "Token does not
 * exist" for a bad key, "credentials were not provided" (or DRF's "No credentials provided" when
 * the header kept its keyword but lost the key) when the key never arrived. Anything else (an
 * HTML login page, an empty body) is someone else's 401 and says nothing about the key.
 */
function unauthorizedKind(body: string): Unauthorized {
  if (/credentials were not provided|no credentials provided/i.test(body)) return 'no-credentials';
  try {
    const parsed = JSON.parse(body) as { detail?: unknown } | null;
    if (typeof parsed?.detail === 'string') return 'token-rejected';
  } catch {
    // not JSON
  }
  return 'unrecognised';
}

/**
 * One GET with the key. The body is drained (so the socket is reused) and never kept, logged or,
 * for a 429, read at all; only a 401 body is glanced at, to tell the API's answer from anyone else's.
 */
export async function probeOnce(key: string, req: ProbeRequest): Promise<ProbeAnswer> {
  const { request } = await loadUndici();
  const url = new URL(PROBE_PATH, req.baseUrl);
  const signal = AbortSignal.timeout(req.timeoutMs);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'GET',
      headers: {
        authorization: `ShippoToken ${key}`,
        'user-agent': req.userAgent,
        accept: 'application/json',
      },
      dispatcher: req.dispatcher,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
  } catch (error) {
    throw describeNetworkError(signal.aborted ? signal.reason : error, req.timeoutMs);
  }
  // A 401 body that breaks off stays unrecognised: never dead without the API's answer.
  let unauthorized: Unauthorized = 'unrecognised';
  try {
    if (response.statusCode === 401) {
      unauthorized = unauthorizedKind(await readPrefix(response.body, MAX_401_BODY));
    } else {
      await response.body.dump({ limit: 64 * 1024, signal });
    }
  } catch {
    // The status is what counts; a body that breaks off does not change it.
    response.body.destroy();
  }
  return { status: response.statusCode, headers: response.headers, unauthorized };
}
