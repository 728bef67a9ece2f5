import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake Shippo API on 127.0.0.1 for tests: it answers like Shippo (Django REST Framework shapes,
 * authentication before lookup) from a table of keys, and counts what it is asked.
 */
export type Reply =
  /** Authenticated; the probe object does not exist: 404. */
  | 'live'
  /** Authenticated; 200 with account data (which must never reach a report). */
  | 'ok'
  /** Unknown or deleted key: 401 "Token does not exist". */
  | 'dead'
  /** 401 as if the Authorization header never arrived (a proxy stripped it). */
  | 'no-credentials'
  /** Authenticated, not allowed: 403. */
  | 'forbidden'
  /** Accept the request and never answer. */
  | 'silent'
  /** Drop the connection without an answer. */
  | 'reset'
  /** `breakOff`: send the headers and half the body, then drop the connection. */
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string; readonly breakOff?: boolean };

export const ACCOUNT_EMAIL = 'owner-of-the-account@example.com';
const BODIES = {
  tokenMissing: '{"detail": "Token does not exist"}',
  noCredentials: '{"detail": "Authentication credentials were not provided."}',
  forbidden: '{"detail": "You do not have permission to perform this action."}',
  notFound: '{"detail": "Not found."}',
  ok: JSON.stringify({ object_id: 'a'.repeat(32), object_owner: ACCOUNT_EMAIL, name: 'Account Holder' }),
};

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly userAgent: string | undefined;
  readonly authorization: string | undefined;
  /** The key from `ShippoToken <key>`, held in test memory only. */
  readonly key: string | undefined;
}

export interface FakeShippoOptions {
  /** Key -> reply, or a sequence of replies (the last one repeats). */
  readonly keys?: Record<string, Reply | readonly Reply[]>;
  /** Reply for keys not in the table (Shippo: 401). */
  readonly otherKeys?: Reply;
  /** Hold every answer this long (to measure concurrency). */
  readonly delayMs?: number;
}

export interface FakeShippo {
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  countFor(key: string): number;
  setKeys(keys: Record<string, Reply | readonly Reply[]>): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export async function startFakeShippo(options: FakeShippoOptions = {}): Promise<FakeShippo> {
  let table = new Map(Object.entries(options.keys ?? {}));
  const served = new Map<string, number>();
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  const replyFor = (key: string): Reply => {
    const entry = table.get(key) ?? options.otherKeys ?? 'dead';
    if (typeof entry === 'string' || !Array.isArray(entry)) return entry as Reply;
    const n = served.get(key) ?? 0;
    served.set(key, n + 1);
    return entry[Math.min(n, entry.length - 1)] as Reply;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const authorization = req.headers.authorization;
    const key = /^ShippoToken (\S+)$/.exec(authorization ?? '')?.[1];
    requests.push({ method: req.method ?? '', path: req.url ?? '', userAgent: req.headers['user-agent'], authorization, key });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) inFlight--;
      done = true;
    };
    res.on('close', finish);

    const answer = () => {
      if (req.method !== 'GET') return send(res, 405, '{"detail": "Method not allowed."}');
      if (key === undefined) return send(res, 401, BODIES.noCredentials, { 'www-authenticate': 'Token' });
      const reply = replyFor(key);
      if (reply === 'silent') return; // never answer
      if (reply === 'reset') return req.socket.destroy();
      if (reply === 'dead') return send(res, 401, BODIES.tokenMissing, { 'www-authenticate': 'Token' });
      if (reply === 'no-credentials') return send(res, 401, BODIES.noCredentials, { 'www-authenticate': 'Token' });
      if (reply === 'forbidden') return send(res, 403, BODIES.forbidden);
      if (!/^\/addresses\/[^/]+$/.test(req.url ?? '')) return send(res, 404, BODIES.notFound);
      if (reply === 'live') return send(res, 404, BODIES.notFound);
      if (reply === 'ok') return send(res, 200, BODIES.ok);
      if (reply.breakOff) {
        const body = reply.body ?? '';
        res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
        res.write(body.slice(0, body.length >> 1));
        return void setTimeout(() => req.socket.destroy(), 20);
      }
      return send(res, reply.status, reply.body ?? '', reply.headers);
    };
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    countFor: (key) => requests.filter((r) => r.key === key).length,
    setKeys(keys) {
      table = new Map(Object.entries(keys));
      served.clear();
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const s of sockets) s.destroy();
        server.close(() => closed());
      }),
  };
}

/**
 * An HTTP proxy that records CONNECT targets and refuses them: proves which host a run would
 * reach (e.g. api.goshippo.com) without any traffic leaving the machine.
 */
export async function startRefusingProxy(): Promise<{ url: string; connects: string[]; close(): Promise<void> }> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => send(res, 403, ''));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, socket) => {
    connects.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((closed) => {
        for (const s of sockets) s.destroy();
        server.close(() => closed());
      }),
  };
}
