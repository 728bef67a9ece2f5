/** The only host keys go to unless the person running the tool says otherwise. */
export const DEFAULT_API_BASE_URL = 'https://api.goshippo.com/';

/** The base URL cannot be used: the CLI turns this into exit code 2. */
export class ApiBaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiBaseUrlError';
  }
}

export interface ApiBase {
  readonly url: URL;
  /** Not the default: callers warn, naming `url.host`. */
  readonly custom: boolean;
  /** Where the value came from, for the warning. */
  readonly source: 'default' | '--api-base-url' | 'SHIPPO_API_BASE_URL';
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http may reach (a local fake or proxy). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The API base URL: `--api-base-url`, else `SHIPPO_API_BASE_URL`, else Shippo. Deliberately takes
 * nothing else: a config file lives in the scanned repository, and a pull request must not be able
 * to send our keys to its own server.
 */
export function resolveApiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): ApiBase {
  const fromEnv = env['SHIPPO_API_BASE_URL'];
  const [raw, source] =
    flag !== undefined
      ? [flag, '--api-base-url' as const]
      : fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, 'SHIPPO_API_BASE_URL' as const]
        : [DEFAULT_API_BASE_URL, 'default' as const];
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ApiBaseUrlError(`${source}: "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiBaseUrlError(`${source}: only https (or http to a loopback address) is allowed, not ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ApiBaseUrlError(`${source}: plain http would send keys in clear text to ${url.host}; use https (http is allowed only to loopback addresses)`);
  }
  if (url.username !== '' || url.password !== '') throw new ApiBaseUrlError(`${source}: credentials in the URL are not allowed`);
  if (url.search !== '' || url.hash !== '') throw new ApiBaseUrlError(`${source}: a query or fragment is not allowed`);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return { url, custom: url.href !== DEFAULT_API_BASE_URL, source };
}
