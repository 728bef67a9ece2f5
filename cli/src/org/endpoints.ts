import { CliError } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** An http(s) URL; plain http only to the loopback interface, since a token travels with every request. */
function checkedUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${what}: not a URL: "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new CliError(`${what}: expected an https:// URL (http:// only to 127.0.0.1 or localhost), got "${value}"`);
  }
  if (url.username || url.password) throw new CliError(`${what}: put the token in GITHUB_TOKEN, not in the URL`);
  return url;
}

/**
 * GitHub's REST API base: `--api-url`, else `GITHUB_API_URL` (which the Actions runner sets, to the
 * Enterprise Server's API there), else github.com. Never from a scanned repository's files.
 */
export function githubApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined) return checkedUrl(flag, '--api-url').href.replace(/\/+$/, '');
  const fromEnv = env['GITHUB_API_URL'];
  if (fromEnv) return checkedUrl(fromEnv, 'GITHUB_API_URL').href.replace(/\/+$/, '');
  return 'https://api.github.com';
}

/** The web server repositories are cloned from: `--server-url`, else `GITHUB_SERVER_URL`, else github.com. */
export function githubServerUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const value = flag ?? env['GITHUB_SERVER_URL'] ?? 'https://github.com';
  const what = flag !== undefined ? '--server-url' : 'GITHUB_SERVER_URL';
  // file:// serves repositories from a directory (mirrors, tests); it carries no token.
  if (value.startsWith('file://')) return value.replace(/\/+$/, '');
  return checkedUrl(value, what).href.replace(/\/+$/, '');
}

/** `GITHUB_TOKEN`, else `GH_TOKEN` (the GitHub CLI's name); undefined when neither is set. */
export function githubToken(env: NodeJS.ProcessEnv): string | undefined {
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'];
  return token ? token : undefined;
}
