import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake GitHub REST API on 127.0.0.1 for tests: the repository-listing endpoints
 * (`/orgs/{org}/repos`, `/users/{user}/repos`) with Link-header pagination and rate-limit headers,
 * and scripted failures (a primary rate limit, a 403 secondary rate limit, a 5xx).
 */
export interface FakeRepo {
  readonly name: string;
  readonly private?: boolean;
  readonly visibility?: 'public' | 'private' | 'internal';
  readonly fork?: boolean;
  readonly archived?: boolean;
  readonly topics?: readonly string[];
  readonly pushed_at?: string | null;
  /** Served as clone_url (a file:// URL in tests). */
  readonly clone_url?: string;
}

/** What to answer instead of the page, once per entry, in order (then pages are served normally). */
export type Failure = 'rate-limit' | 'secondary-rate-limit' | 'server-error' | 'always-server-error';

export interface FakeGitHubOptions {
  readonly orgs?: Record<string, readonly FakeRepo[]>;
  readonly users?: Record<string, readonly FakeRepo[]>;
  /** Failures served before the answers, in order. */
  readonly failures?: readonly Failure[];
  /** Seconds the secondary rate limit asks to wait (retry-after). */
  readonly retryAfter?: number;
  /** The token the server accepts; any other is 401 (none: anonymous is fine). */
  readonly token?: string;
}

export interface SeenGitHubRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly status: number;
}

export interface FakeGitHub {
  readonly url: string;
  readonly requests: SeenGitHubRequest[];
  setFailures(failures: readonly Failure[]): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  let failures = [...(options.failures ?? [])];
  const requests: SeenGitHubRequest[] = [];
  const sockets = new Set<Socket>();
  let remaining = 5000;
  let url = '';

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', url);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path: `${u.pathname}${u.search}`, authorization: req.headers.authorization, status });
      send(res, status, body, headers);
    };
    const reset = String(Math.floor(Date.now() / 1000));
    const rate = () => ({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': reset, 'x-ratelimit-resource': 'core' });
    if (options.token && req.headers.authorization !== `token ${options.token}`) return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });

    const failure = failures[0];
    if (failure && failure !== 'always-server-error') failures.shift();
    if (failure === 'rate-limit') {
      return reply(403, { message: 'API rate limit exceeded for installation.' }, { ...rate(), 'x-ratelimit-remaining': '0' });
    }
    if (failure === 'secondary-rate-limit') {
      return reply(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(options.retryAfter ?? 1) });
    }
    if (failure === 'server-error' || failure === 'always-server-error') return reply(502, { message: 'Server Error' });

    const m = /^\/(orgs|users)\/([^/]+)\/repos$/.exec(u.pathname);
    const table = m?.[1] === 'orgs' ? options.orgs : options.users;
    const repos = m ? table?.[m[2]!] : undefined;
    if (!m || !repos) return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const perPage = Math.min(Number(u.searchParams.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(u.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(repos.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const next = new URL(u.href);
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      return `<${next.href}>; rel="${rel}"`;
    };
    const links = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    remaining--;
    const owner = m[2]!;
    const body = repos.slice((page - 1) * perPage, page * perPage).map((r, i) => ({
      id: 1000 + (page - 1) * perPage + i,
      name: r.name,
      full_name: `${owner}/${r.name}`,
      private: r.private ?? r.visibility === 'private',
      visibility: r.visibility ?? (r.private ? 'private' : 'public'),
      fork: r.fork ?? false,
      archived: r.archived ?? false,
      disabled: false,
      topics: r.topics ?? [],
      pushed_at: r.pushed_at === undefined ? '2024-06-01T00:00:00Z' : r.pushed_at,
      default_branch: 'main',
      clone_url: r.clone_url ?? `https://github.com/${owner}/${r.name}.git`,
      size: 1,
    }));
    return reply(200, body, { ...rate(), ...(links.length > 0 ? { link: links.join(', ') } : {}) });
  };

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    setFailures(next) {
      failures = [...next];
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const s of sockets) s.destroy();
        server.close(() => closed());
      }),
  };
}
