import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintOf } from '@shippo-keyguard/core';
import { CACHE_TTL_MS, cacheDirectory, cacheFile, readCachedVerification, writeCachedVerification } from '@shippo-keyguard/core/cache';
import { cacheKeyFor, resolveApiBaseUrl, verifyKeys } from '@shippo-keyguard/core/verify';
import { BIN } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { startFakeShippo } from '../support/shippo-server.js';
import { allFiles, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.cleanup());

describe('verification cache files', () => {
  it('what the CLI writes is what the ESLint plugin reads: by fingerprint, with expiry, no key', () => {
    tmp = tempDir('cache');
    const env = { XDG_CACHE_HOME: tmp.dir };
    const key = fakeKey('live', 'cache-contract');
    const fp = fingerprintOf(key);
    const now = new Date('2026-03-01T12:00:00Z');
    writeCachedVerification(fp, 'live', { env, now });
    expect(cacheFile(fp, env)).toBe(join(tmp.dir, 'shippo-keyguard', 'verify', 'v1', `${fp}.json`));
    const text = readFileSync(cacheFile(fp, env), 'utf8');
    expect(text).not.toContain(key.slice(12));
    expect(readCachedVerification(fp, { env, now })).toEqual({
      status: 'live',
      checkedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + CACHE_TTL_MS.live).toISOString(),
    });
    expect(readCachedVerification(fp, { env, now: new Date(now.getTime() + CACHE_TTL_MS.live) })).toBeUndefined();
    writeCachedVerification(fp, 'dead', { env, now });
    expect(readCachedVerification(fp, { env, now: new Date(now.getTime() + 29 * 24 * 3600 * 1000) })?.status).toBe('dead');
    expect(readdirSync(cacheDirectory(env))).toEqual([`${fp}.json`]); // no temp files left
  });

  it('only Shippo verdicts live under the fingerprint; another base URL gets its own entries', () => {
    const fp = fingerprintOf(fakeKey('test', 'names'));
    expect(cacheKeyFor(fp, resolveApiBaseUrl(undefined, {}).url)).toBe(fp);
    const local = cacheKeyFor(fp, resolveApiBaseUrl('http://127.0.0.1:9', {}).url);
    expect(local).toMatch(/^[0-9a-f]{64}$/);
    expect(local).not.toBe(fp);
  });

  it('two processes writing the same entry at once never leave a torn file', async () => {
    tmp = tempDir('cache-race');
    const env = { ...process.env, XDG_CACHE_HOME: tmp.dir };
    const fp = fingerprintOf(fakeKey('live', 'race'));
    const module = new URL('../../packages/core/dist/cache/index.js', import.meta.url).href;
    const script = (status: string) =>
      `const { writeCachedVerification } = await import(${JSON.stringify(module)});
       for (let i = 0; i < 200; i++) writeCachedVerification(${JSON.stringify(fp)}, ${JSON.stringify(status)});`;
    const writer = (status: string) =>
      new Promise<number | null>((done) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script(status)], { env, stdio: 'ignore' });
        child.on('exit', done);
      });
    let corrupt = 0;
    let reads = 0;
    let running = true;
    const both = Promise.all([writer('live'), writer('dead')]).finally(() => (running = false));
    while (running) {
      const hit = readCachedVerification(fp, { env, onCorrupt: () => corrupt++ });
      if (hit) reads++;
      await new Promise((r) => setImmediate(r));
    }
    expect(await both).toEqual([0, 0]);
    expect(corrupt).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(readCachedVerification(fp, { env })?.status).toMatch(/^(live|dead)$/);
    expect(readdirSync(cacheDirectory(env))).toEqual([`${fp}.json`]);
  });

  it('an unwritable cache is a warning, not a failure', async () => {
    tmp = tempDir('cache-ro');
    // A file where the directory should be: fails for root too (permissions would not).
    const env = { XDG_CACHE_HOME: join(tmp.dir, 'not-a-dir') };
    writeFileSync(env.XDG_CACHE_HOME, '');
    const server = await startFakeShippo({ otherKeys: 'live' });
    try {
      const key = fakeKey('live', 'ro');
      const warnings: string[] = [];
      const results = await verifyKeys([{ key, fingerprint: fingerprintOf(key), kind: 'live' }], {
        baseUrl: resolveApiBaseUrl(server.url, {}).url,
        userAgent: 'ua',
        env,
        onWarning: (code, message) => warnings.push(`${code}: ${message}`),
      });
      expect(results.get(fingerprintOf(key))?.status).toBe('live');
      expect(warnings).toEqual(['verify-cache-unwritable: cannot write the verification cache (ENOTDIR); results are not cached']);
    } finally {
      await server.close();
    }
  });
});

/** The real bin in a child process, without blocking this one (the fake server answers from here). */
function runBinAsync(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, prefix: readonly string[] = []) {
  const command = [...prefix, process.execPath, BIN, ...args];
  return new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (exitCode) => done({ exitCode, stdout, stderr }));
  });
}

describe('where the cache lives when the environment gives no good place', () => {
  const key = fakeKey('live', 'no-home');
  const other = fakeKey('test', 'no-home');
  async function scanWith(env: NodeJS.ProcessEnv, prefix: readonly string[] = []) {
    tmp = tempDir('cache-home');
    chmodSync(tmp.dir, 0o777); // readable by the unprivileged user of the setpriv case
    const repo = join(tmp.dir, 'repo');
    mkdirSync(repo, { mode: 0o777 });
    chmodSync(repo, 0o777);
    writeFileSync(join(repo, 'app.env'), `SHIPPO=${key}\nSHIPPO_TEST=${other}\n`);
    const server = await startFakeShippo({ otherKeys: 'live' });
    try {
      const result = await runBinAsync(['scan', '.', '--verify', '--api-base-url', server.url, '--verify-timeout', '10'], repo, env, prefix);
      return { ...result, repo, requests: server.requests.length };
    } finally {
      await server.close();
    }
  }
  const expectVerifiedWithoutCacheInRepo = (run: Awaited<ReturnType<typeof scanWith>>) => {
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain('[LIVE]');
    expect(run.requests).toBe(2);
    // Nothing but the scanned file in the scanned directory: no cache written into it.
    expect(allFiles(run.repo).map((f) => f.path)).toEqual([join(run.repo, 'app.env')]);
    for (const k of [key, other]) expect(run.stdout + run.stderr).not.toContain(k.slice(12));
  };

  it('HOME empty and no XDG_CACHE_HOME: no cache in the current directory, a warning, the verdict stands', async () => {
    const run = await scanWith({ HOME: '' });
    expectVerifiedWithoutCacheInRepo(run);
    expect(run.stdout).toMatch(/warning: cannot write the verification cache \(no cache directory: /);
    expect(run.stdout.match(/cannot write the verification cache/g)).toHaveLength(1); // once, not once per key
  });

  it('a relative XDG_CACHE_HOME is ignored, as the XDG spec says: the cache goes under HOME', async () => {
    const home = tempDir('home');
    try {
      const run = await scanWith({ HOME: home.dir, XDG_CACHE_HOME: 'relative-cache' });
      expectVerifiedWithoutCacheInRepo(run);
      expect(allFiles(join(home.dir, '.cache', 'shippo-keyguard', 'verify', 'v1'))).toHaveLength(2);
    } finally {
      home.cleanup();
    }
  });

  it('no HOME and no passwd entry for the user (a container): the scan still runs and verifies', async () => {
    // As root, become a user the passwd file does not know, so os.homedir() has nothing to return.
    const prefix = process.getuid?.() === 0 ? ['setpriv', '--reuid=54321', '--regid=54321', '--clear-groups'] : [];
    const run = await scanWith({}, prefix);
    expectVerifiedWithoutCacheInRepo(run);
  });
});

describe('interrupted verification', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s mid-verification: the process ends by the signal, no report, only whole cache entries', async (signal) => {
    tmp = tempDir('cache-signal');
    const repo = join(tmp.dir, 'repo');
    mkdirSync(repo);
    const keys = Array.from({ length: 12 }, (_, i) => fakeKey('live', `signal-${i}`));
    writeFileSync(join(repo, 'app.env'), keys.map((k, i) => `K${i}=${k}`).join('\n'));
    // Half the keys get an answer at once, the other half never do: the run is mid-way when killed.
    const server = await startFakeShippo({ keys: Object.fromEntries(keys.map((k, i) => [k, i % 2 ? ('silent' as const) : ('live' as const)])) });
    try {
      const cacheHome = join(tmp.dir, 'cache');
      const args = [BIN, 'scan', '.', '--verify', '--api-base-url', server.url, '--verify-timeout', '60', '--sarif-file', 'out.sarif'];
      const child = spawn(process.execPath, args, { cwd: repo, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmp.dir, XDG_CACHE_HOME: cacheHome } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const ended = new Promise<[number | null, string | null]>((done) => child.on('close', (code, sig) => done([code, sig])));
      while (server.requests.length < 6) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200)); // the answered keys get written
      child.kill(signal);
      expect(await ended).toEqual([null, signal]); // a shell shows 128 + the signal number: 130, 143
      expect(existsSync(join(repo, 'out.sarif'))).toBe(false);
      const entries = readdirSync(cacheDirectory({ XDG_CACHE_HOME: cacheHome }));
      expect(entries.length).toBeGreaterThan(0);
      for (const name of entries) {
        expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
        expect(JSON.parse(readFileSync(join(cacheDirectory({ XDG_CACHE_HOME: cacheHome }), name), 'utf8'))).toMatchObject({ status: 'live' });
      }
      for (const k of keys) expect(output).not.toContain(k.slice(12));
    } finally {
      await server.close();
    }
  });
});
