import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '@shippo-keyguard/core';
import { cacheDirectory } from '@shippo-keyguard/core/cache';
import { resolveApiBaseUrl, verifyKeys, type KeyToVerify, type VerifyOptions } from '@shippo-keyguard/core/verify';
import { fakeKey } from '../support/fake-keys.js';
import { ACCOUNT_EMAIL, startFakeShippo, type FakeShippo, type Reply } from '../support/shippo-server.js';
import { allFiles, fakeClock, tempDir } from './helpers.js';

const toVerify = (key: string): KeyToVerify => ({ key, fingerprint: fingerprintOf(key), kind: key.includes('_live_') ? 'live' : 'test' });

let server: FakeShippo;
let cache: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await startFakeShippo();
});
afterAll(() => server.close());
afterEach(() => cache?.cleanup());

/** Verify `keys` against the fake server with a fake clock and a fresh cache. */
async function verify(table: Record<string, Reply | Reply[]>, keys: string[], extra: Partial<VerifyOptions> = {}) {
  server.setKeys(table);
  server.requests.length = 0;
  cache = tempDir('cache');
  const time = fakeClock();
  const warnings: string[] = [];
  const results = await verifyKeys(keys.map(toVerify), {
    baseUrl: resolveApiBaseUrl(server.url, {}).url,
    userAgent: 'shippo-keyguard/9.9.9',
    env: { XDG_CACHE_HOME: cache.dir },
    clock: time.clock,
    random: () => 0.5,
    requestTimeoutMs: 500,
    onWarning: (_code, message) => warnings.push(message),
    ...extra,
  });
  return { results, sleeps: time.sleeps, warnings, get: (key: string) => results.get(fingerprintOf(key)) };
}

describe('status mapping', () => {
  const cases: [string, Reply | Reply[], string, RegExp][] = [
    ['404 for the probe object', 'live', 'live', /HTTP 404/],
    ['200', 'ok', 'live', /HTTP 200/],
    ['401 Token does not exist', 'dead', 'dead', /HTTP 401/],
    ['403', 'forbidden', 'live', /not permitted.*HTTP 403/],
    ['401 without credentials (header stripped)', 'no-credentials', 'unknown', /did not receive the Authorization header/],
    ['401 with another JSON error from the API', { status: 401, body: '{"detail": "Invalid token."}' }, 'dead', /rejected by the API \(HTTP 401\)/],
    ['401 "No credentials provided" (keyword kept, key lost)', { status: 401, body: '{"detail": "Invalid token header. No credentials provided."}' }, 'unknown', /did not receive the Authorization header/],
    ['401 with an HTML login page (a gateway, not the API)', { status: 401, headers: { 'content-type': 'text/html' }, body: '<html><body>Please sign in</body></html>' }, 'unknown', /HTTP 401 without the API's JSON error/],
    ['401 with no body', { status: 401 }, 'unknown', /HTTP 401 without the API's JSON error/],
    ['401 whose body breaks off', { status: 401, body: '{"detail": "Token does not exist"}', breakOff: true }, 'unknown', /HTTP 401 without the API's JSON error/],
    ['404 whose body breaks off (the status is the answer)', { status: 404, body: '{"detail": "Not found."}', breakOff: true }, 'live', /HTTP 404/],
    ['401 with JSON that is not an API error', { status: 401, body: '{"error": "unauthorized"}' }, 'unknown', /HTTP 401 without the API's JSON error/],
    ['429 forever', { status: 429, body: '' }, 'unknown', /rate limited \(HTTP 429\)/],
    ['500 forever', { status: 500, body: 'oops' }, 'unknown', /server error \(HTTP 500\), gave up after 3 attempts/],
    ['502 then 404', [{ status: 502 }, 'live'], 'live', /HTTP 404/],
    ['connection reset', 'reset', 'unknown', /connection reset/],
    ['no answer', 'silent', 'unknown', /timed out/],
    ['redirect', { status: 302, headers: { location: 'http://127.0.0.1:1/' } }, 'unknown', /redirect \(HTTP 302\), not followed/],
    ['418', { status: 418 }, 'unknown', /unexpected answer \(HTTP 418\)/],
    ['400', { status: 400, body: '{}' }, 'unknown', /unexpected answer \(HTTP 400\)/],
  ];
  for (const [name, reply, status, reason] of cases) {
    it(`${name} -> ${status}`, async () => {
      const key = fakeKey('test', name);
      const { get } = await verify({ [key]: reply }, [key]);
      expect(get(key)?.status).toBe(status);
      expect(get(key)?.reason).toMatch(reason);
      expect(get(key)?.cached).toBe(false);
      expect(get(key)?.checkedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    });
  }

  it('sends one read-only GET with ShippoToken and our User-Agent, and keeps no body', async () => {
    const key = fakeKey('live', 'headers');
    const { results } = await verify({ [key]: 'ok' }, [key]);
    expect(server.requests).toHaveLength(1);
    const [seen] = server.requests;
    expect(seen?.method).toBe('GET');
    expect(seen?.path).toMatch(/^\/addresses\/0{32}$/);
    expect(seen?.authorization).toBe(`ShippoToken ${key}`);
    expect(seen?.userAgent).toBe('shippo-keyguard/9.9.9');
    expect(results.get(fingerprintOf(key))?.reason).toMatch(/live mode/);
    expect(JSON.stringify([...results])).not.toContain(ACCOUNT_EMAIL);
    expect(JSON.stringify([...results])).not.toContain(key);
  });

  it.each([301, 302, 307, 308])('a %i to another server is not followed: the key never reaches it', async (status) => {
    const elsewhere = await startFakeShippo({ otherKeys: 'live' });
    try {
      const key = fakeKey('live', `redirect-${status}`);
      const { get } = await verify({ [key]: { status, headers: { location: `${elsewhere.url}/addresses/${'0'.repeat(32)}` } } }, [key]);
      expect(get(key)).toMatchObject({ status: 'unknown', reason: `unexpected redirect (HTTP ${status}), not followed` });
      expect(elsewhere.requests).toHaveLength(0);
      expect(server.countFor(key)).toBe(1);
    } finally {
      await elsewhere.close();
    }
  });

  it('a TLS failure is unknown with the reason, never dead', async () => {
    const key = fakeKey('live', 'tls');
    server.setKeys({ [key]: 'dead' });
    cache = tempDir('cache');
    const results = await verifyKeys([toVerify(key)], {
      baseUrl: resolveApiBaseUrl(`https://127.0.0.1:${server.port}`, {}).url, // TLS to a plain-HTTP port
      userAgent: 'ua',
      env: { XDG_CACHE_HOME: cache.dir },
      clock: fakeClock().clock,
    });
    expect(results.get(fingerprintOf(key))).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/^TLS error \(/) });
  });

  it('retries 5xx and network errors a bounded number of times with back-off', async () => {
    const key = fakeKey('test', 'five-hundred');
    const { get, sleeps } = await verify({ [key]: { status: 503 } }, [key]);
    expect(server.countFor(key)).toBe(3);
    expect(sleeps).toEqual([375, 750]); // 500·2^n/2 + 0.5·500·2^n/2
    expect(get(key)?.status).toBe('unknown');
  });
});

describe('rate limits', () => {
  it('honours Retry-After in seconds', async () => {
    const key = fakeKey('test', 'retry-after');
    const { get, sleeps } = await verify({ [key]: [{ status: 429, headers: { 'retry-after': '7' } }, 'live'] }, [key]);
    expect(sleeps).toEqual([7000]);
    expect(get(key)?.status).toBe('live');
    expect(server.countFor(key)).toBe(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const key = fakeKey('test', 'retry-date');
    const at = new Date(fakeClock().now + 12_000).toUTCString();
    const { get, sleeps } = await verify({ [key]: [{ status: 429, headers: { 'retry-after': at } }, 'dead'] }, [key]);
    expect(sleeps).toEqual([12_000]);
    expect(get(key)?.status).toBe('dead');
  });

  it.each(['-5', 'garbage 1', '1 2', 'Tomorrow 9'])('a Retry-After of %j is no hint: back off, never retry at once', async (value) => {
    const key = fakeKey('test', `retry-garbage-${value}`);
    const { get, sleeps } = await verify({ [key]: [{ status: 429, headers: { 'retry-after': value } }, { status: 429, headers: { 'retry-after': value } }, 'live'] }, [key]);
    expect(sleeps).toEqual([375, 750]);
    expect(get(key)?.status).toBe('live');
  });

  it('honours X-RateLimit-Reset in epoch seconds', async () => {
    const key = fakeKey('live', 'reset');
    const reset = String(Math.floor(fakeClock().now / 1000) + 9);
    const { get, sleeps } = await verify({ [key]: [{ status: 429, headers: { 'x-ratelimit-reset': reset } }, 'live'] }, [key]);
    expect(sleeps).toEqual([9000]);
    expect(get(key)?.status).toBe('live');
  });

  it('backs off exponentially with jitter when the server gives no hint (empty and non-JSON bodies)', async () => {
    const key = fakeKey('test', 'no-hint');
    const replies: Reply[] = [{ status: 429 }, { status: 429, body: '<html>slow down' }, { status: 429, body: '' }, 'live'];
    const { get, sleeps } = await verify({ [key]: replies }, [key], { random: () => 0 });
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(get(key)?.status).toBe('live');
  });

  it('gives up at once, unknown (rate limited), when the wait would pass the budget', async () => {
    const key = fakeKey('test', 'long-wait');
    const { get, sleeps } = await verify({ [key]: { status: 429, headers: { 'retry-after': '120' } } }, [key]);
    expect(sleeps).toEqual([]);
    expect(server.countFor(key)).toBe(1);
    expect(get(key)?.status).toBe('unknown');
    expect(get(key)?.reason).toMatch(/rate limited.*--verify-timeout/);
  });

  it('spends at most the budget waiting in all', async () => {
    const key = fakeKey('test', 'budget');
    const { get, sleeps } = await verify({ [key]: { status: 429, headers: { 'retry-after': '20' } } }, [key], { budgetMs: 50_000 });
    expect(sleeps).toEqual([20_000, 20_000]);
    expect(server.countFor(key)).toBe(3);
    expect(get(key)?.reason).toMatch(/rate limited/);
  });
});

describe('pool', () => {
  it('makes one request per distinct key and never more than `concurrency` at once', async () => {
    const slow = await startFakeShippo({ delayMs: 60 });
    try {
      const keys = Array.from({ length: 10 }, (_, i) => fakeKey(i % 2 ? 'live' : 'test', `pool-${i}`));
      slow.setKeys(Object.fromEntries(keys.map((k) => [k, 'live' as const])));
      cache = tempDir('cache');
      const results = await verifyKeys([...keys, ...keys, keys[0]!].map(toVerify), {
        baseUrl: resolveApiBaseUrl(slow.url, {}).url,
        userAgent: 'ua',
        env: { XDG_CACHE_HOME: cache.dir },
        concurrency: 3,
      });
      expect(slow.requests).toHaveLength(10);
      for (const k of keys) expect(slow.countFor(k)).toBe(1);
      expect(slow.maxInFlight).toBe(3);
      expect([...results.values()].every((v) => v.status === 'live')).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('a short request timeout is named in the reason, never rounded to 0 s', async () => {
    const key = fakeKey('live', 'short-request-timeout');
    const { get } = await verify({ [key]: 'silent' }, [key], { requestTimeoutMs: 30 });
    expect(get(key)?.status).toBe('unknown');
    expect(get(key)?.reason).toBe('timed out (no answer within 0.03 s), gave up after 3 attempts');
  });

  it('finishes within the budget against a server that never answers', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => fakeKey('live', `silent-${i}`));
    server.setKeys(Object.fromEntries(keys.map((k) => [k, 'silent' as const])));
    cache = tempDir('cache');
    const started = Date.now();
    const results = await verifyKeys(keys.map(toVerify), {
      baseUrl: resolveApiBaseUrl(server.url, {}).url,
      userAgent: 'ua',
      env: { XDG_CACHE_HOME: cache.dir },
      concurrency: 2,
      requestTimeoutMs: 10_000,
      budgetMs: 700,
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2500);
    expect(results.size).toBe(6);
    for (const v of results.values()) {
      expect(v.status).toBe('unknown');
      expect(v.reason).toMatch(/timed out|--verify-timeout/);
    }
  });
});

describe('cache', () => {
  it('a second run makes no request; entries expire (live 1 h, dead 30 days); unknown is never cached', async () => {
    const live = fakeKey('live', 'cache-live');
    const dead = fakeKey('test', 'cache-dead');
    const flaky = fakeKey('test', 'cache-unknown');
    server.setKeys({ [live]: 'live', [dead]: 'dead', [flaky]: { status: 500 } });
    server.requests.length = 0;
    cache = tempDir('cache');
    const time = fakeClock();
    const options: VerifyOptions = {
      baseUrl: resolveApiBaseUrl(server.url, {}).url,
      userAgent: 'ua',
      env: { XDG_CACHE_HOME: cache.dir },
      clock: time.clock,
      random: () => 0,
    };
    const keys = [live, dead, flaky].map(toVerify);
    const first = await verifyKeys(keys, options);
    expect(first.get(fingerprintOf(live))?.cached).toBe(false);
    expect(server.countFor(live)).toBe(1);
    expect(server.countFor(flaky)).toBe(3);

    const second = await verifyKeys(keys, options);
    expect(second.get(fingerprintOf(live))).toMatchObject({ status: 'live', cached: true });
    expect(second.get(fingerprintOf(dead))).toMatchObject({ status: 'dead', cached: true });
    expect(server.countFor(live)).toBe(1);
    expect(server.countFor(dead)).toBe(1);
    expect(server.countFor(flaky)).toBe(6); // unknown: asked again

    time.advance(61 * 60 * 1000);
    await verifyKeys(keys, options);
    expect(server.countFor(live)).toBe(2); // live expired after an hour
    expect(server.countFor(dead)).toBe(1); // dead still good

    time.advance(30 * 24 * 60 * 60 * 1000);
    await verifyKeys(keys, options);
    expect(server.countFor(dead)).toBe(2);

    const files = allFiles(cache.dir);
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(f.content).not.toContain(live.slice(12));
      expect(f.content).not.toContain(dead.slice(12));
      expect(JSON.parse(f.content)).toEqual({ status: expect.any(String), checkedAt: expect.any(String), expiresAt: expect.any(String) });
      expect(f.path.startsWith(cacheDirectory({ XDG_CACHE_HOME: cache.dir }))).toBe(true);
    }
  });

  it('cache: false neither reads nor writes', async () => {
    const key = fakeKey('live', 'no-cache');
    const first = await verify({ [key]: 'live' }, [key], { cache: false });
    expect(first.get(key)?.status).toBe('live');
    expect(allFiles(cache.dir)).toHaveLength(0);
  });
});
