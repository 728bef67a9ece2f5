import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, type RunIO } from 'shippo-keyguard';
import { fakeKey } from '../support/fake-keys.js';
import { ACCOUNT_EMAIL, startFakeShippo, startRefusingProxy, type FakeShippo } from '../support/shippo-server.js';
import { allFiles, tempDir } from './helpers.js';

const LIVE = fakeKey('live', 'e2e-live');
const DEAD = fakeKey('test', 'e2e-dead');
const FLAKY = fakeKey('test', 'e2e-flaky');
const ALL_KEYS = [LIVE, DEAD, FLAKY];
/** A 429 asking for longer than --verify-timeout: unknown at once, no wait. */
const RATE_LIMITED = { status: 429, headers: { 'retry-after': '600' } };

let server: FakeShippo;
let work: ReturnType<typeof tempDir>;
let repo: string;
let cacheHome: string;

beforeAll(async () => {
  server = await startFakeShippo();
});
afterAll(() => server.close());

beforeEach(() => {
  server.setKeys({ [LIVE]: 'ok', [DEAD]: 'dead', [FLAKY]: RATE_LIMITED });
  server.requests.length = 0;
  work = tempDir('e2e');
  repo = join(work.dir, 'repo');
  cacheHome = join(work.dir, 'cache');
  mkdirSync(join(repo, 'src'), { recursive: true });
  writeFileSync(join(repo, 'src', 'a.js'), `const live = "${LIVE}";\nconst dead = "${DEAD}";\n`);
  writeFileSync(join(repo, 'src', 'b.env'), `SHIPPO=${LIVE}\nOTHER=${FLAKY}\n`);
  writeFileSync(join(repo, 'c.txt'), `again ${LIVE} and ${DEAD}\n`);
});
afterEach(() => work.cleanup());

function io(env: NodeJS.ProcessEnv = {}): RunIO {
  return { cwd: repo, env: { XDG_CACHE_HOME: cacheHome, ...env }, stdin: Readable.from([]), stdoutIsTTY: false, stderrIsTTY: false };
}

const verifyArgs = () => ['--verify', '--api-base-url', server.url, '--verify-timeout', '5'];

/** Nothing the run printed or wrote holds a key (or the account data the API returned). */
function expectNoLeak(...texts: string[]): void {
  const everything = [...texts, ...allFiles(work.dir).filter((f) => !f.path.startsWith(repo)).map((f) => f.content)].join('\n');
  for (const key of ALL_KEYS) {
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(12)); // the hex part alone
  }
  expect(everything).not.toContain(ACCOUNT_EMAIL);
}

describe('scan --verify', () => {
  it('text: a status beside each finding and "1 live, 1 dead, 1 unknown", one request per distinct key', async () => {
    const result = await run(['scan', '.', ...verifyArgs()], io());
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.filter((l) => l.includes('[LIVE]'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes('[DEAD]'))).toHaveLength(2);
    expect(lines.filter((l) => /\[UNKNOWN \(rate limited \(HTTP 429\)/.test(l))).toHaveLength(1);
    expect(result.stdout).toMatch(/1 live, 1 dead, 1 unknown/);
    expect(result.stdout).toContain(`warning: verification sends keys to 127.0.0.1:${server.port}`);
    expect(server.countFor(LIVE)).toBe(1);
    expect(server.countFor(DEAD)).toBe(1);
    expect(server.countFor(FLAKY)).toBe(1);
    expect(server.requests.every((r) => /^shippo-keyguard\/\d+\.\d+\.\d+/.test(r.userAgent ?? ''))).toBe(true);
    expectNoLeak(result.stdout, result.stderr);
  });

  it('JSON and SARIF carry the verdicts; SARIF level follows them', async () => {
    const sarifFile = join(work.dir, 'out.sarif');
    const result = await run(['scan', '.', ...verifyArgs(), '--format', 'json', '--sarif-file', sarifFile], io());
    const report = JSON.parse(result.stdout) as { findings: { redacted: string; path: string; verification: Record<string, unknown> }[]; summary: Record<string, number> };
    expect(report.summary).toMatchObject({ live: 1, dead: 1, unknown: 1, unchecked: 0 });
    const live = report.findings.find((f) => f.path === 'src/a.js' && f.verification['status'] === 'live');
    expect(live?.verification).toEqual({ status: 'live', reason: expect.stringMatching(/live mode/), checkedAt: expect.any(String), cached: false });
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as { runs: { results: { level: string; message: { text: string }; properties: Record<string, unknown> }[] }[] };
    const results = sarif.runs[0]!.results;
    const byStatus = (s: string) => results.filter((r) => r.properties['verification'] === s);
    expect(byStatus('live').every((r) => r.level === 'error' && r.message.text.startsWith('LIVE Shippo live-mode key'))).toBe(true);
    expect(byStatus('dead').every((r) => r.level === 'note' && r.message.text.startsWith('DEAD '))).toBe(true);
    expect(byStatus('unknown').every((r) => r.level === 'error' && /verification: rate limited/.test(r.message.text))).toBe(true);
    expect(byStatus('live')).toHaveLength(3);
    expectNoLeak(result.stdout, result.stderr);
  });

  it('second run answers from the cache; --no-verify-cache asks again and writes nothing', async () => {
    await run(['scan', '.', ...verifyArgs()], io());
    expect(server.requests).toHaveLength(3);
    const cached = await run(['scan', '.', ...verifyArgs(), '--format', 'json'], io());
    expect(server.requests).toHaveLength(4); // only the unknown key again
    const findings = (JSON.parse(cached.stdout) as { findings: { verification: { status: string; cached: boolean } }[] }).findings;
    expect(findings.filter((f) => f.verification.cached).length).toBe(5);
    const cacheFiles = allFiles(cacheHome);
    expect(cacheFiles).toHaveLength(2);

    const bypass = await run(['scan', '.', ...verifyArgs(), '--no-verify-cache', '--format', 'json'], { ...io(), env: { XDG_CACHE_HOME: join(work.dir, 'other-cache') } });
    expect(server.requests).toHaveLength(7);
    expect((JSON.parse(bypass.stdout) as { findings: { verification: { cached: boolean } }[] }).findings.some((f) => f.verification.cached)).toBe(false);
    expect(() => allFiles(join(work.dir, 'other-cache'))).toThrow(/ENOENT/);
    expectNoLeak(cached.stdout, bypass.stdout);
  });

  it('a corrupt cache entry is ignored with a warning and rebuilt', async () => {
    await run(['scan', '.', ...verifyArgs()], io());
    const [entry] = allFiles(cacheHome);
    writeFileSync(entry!.path, '{"status": "li');
    const result = await run(['scan', '.', ...verifyArgs()], io());
    expect(result.stdout).toMatch(/warning: ignoring a corrupt verification cache entry/);
    expect(JSON.parse(readFileSync(entry!.path, 'utf8'))).toMatchObject({ status: expect.stringMatching(/^(live|dead)$/) });
  });

  it('without --verify nothing is sent and findings stay unchecked', async () => {
    const result = await run(['scan', '.', '--api-base-url', server.url, '--format', 'sarif'], io());
    expect(server.requests).toHaveLength(0);
    const sarif = JSON.parse(result.stdout) as { runs: { results: { properties: Record<string, unknown> }[] }[] };
    expect(sarif.runs[0]!.results.every((r) => r.properties['verification'] === 'unchecked')).toBe(true);
  });

  it('suppressed (inline-allowed) keys are never sent', async () => {
    writeFileSync(join(repo, 'src', 'a.js'), `const live = "${LIVE}"; // shippo-keyguard:allow\n`);
    writeFileSync(join(repo, 'src', 'b.env'), '');
    writeFileSync(join(repo, 'c.txt'), `x ${DEAD}\n`);
    await run(['scan', '.', ...verifyArgs()], io());
    expect(server.countFor(LIVE)).toBe(0);
    expect(server.countFor(DEAD)).toBe(1);
  });
});

describe('--fail-on with verification', () => {
  const exit = async (failOn: string, table: Parameters<FakeShippo['setKeys']>[0]) => {
    server.setKeys(table);
    return (await run(['scan', '.', ...verifyArgs(), '--no-verify-cache', '--fail-on', failOn], io())).exitCode;
  };
  it('any: every finding fails, dead ones too', async () => {
    expect(await exit('any', { [LIVE]: 'dead', [DEAD]: 'dead', [FLAKY]: 'dead' })).toBe(1);
  });
  it('not-dead: passes when every key is dead, fails on unknown or live', async () => {
    expect(await exit('not-dead', { [LIVE]: 'dead', [DEAD]: 'dead', [FLAKY]: 'dead' })).toBe(0);
    expect(await exit('not-dead', { [LIVE]: 'dead', [DEAD]: 'dead', [FLAKY]: RATE_LIMITED })).toBe(1);
    expect(await exit('not-dead', { [LIVE]: 'ok', [DEAD]: 'dead', [FLAKY]: 'dead' })).toBe(1);
  });
  it("not-dead: a 401 that is not the API's answer (a gateway's login page, an empty body) is unknown, so it fails", async () => {
    const gateway = { status: 401, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to the network</html>' };
    expect(await exit('not-dead', { [LIVE]: gateway, [DEAD]: 'dead', [FLAKY]: 'dead' })).toBe(1);
    expect(await exit('not-dead', { [LIVE]: { status: 401 }, [DEAD]: 'dead', [FLAKY]: 'dead' })).toBe(1);
  });
  it('a low-confidence (note) finding passes every policy unless the API says its key is live: then it fails them all', async () => {
    const older = fakeKey('live', 'e2e-32-hex', 32); // the older 32-hex style: a note by default
    writeFileSync(join(repo, 'src', 'a.js'), `const old = "${older}";\n`);
    writeFileSync(join(repo, 'src', 'b.env'), '');
    writeFileSync(join(repo, 'c.txt'), '');
    for (const failOn of ['any', 'not-dead', 'live']) {
      expect(await exit(failOn, { [older]: 'live' }), `${failOn}, live`).toBe(1);
      expect(await exit(failOn, { [older]: 'dead' }), `${failOn}, dead`).toBe(0);
      expect(await exit(failOn, { [older]: RATE_LIMITED }), `${failOn}, unknown`).toBe(0);
    }
    expect((await run(['scan', '.', '--fail-on', 'live'], io())).exitCode).toBe(0); // unchecked
  });
  it('live: fails only on verified-live keys (403 counts as live)', async () => {
    expect(await exit('live', { [LIVE]: 'dead', [DEAD]: RATE_LIMITED, [FLAKY]: 'no-credentials' })).toBe(0);
    expect(await exit('live', { [LIVE]: 'forbidden', [DEAD]: 'dead', [FLAKY]: 'dead' })).toBe(1);
    expect(await exit('live', { [LIVE]: 'dead', [DEAD]: 'dead', [FLAKY]: 'live' })).toBe(1);
  });
});

describe('bounds', () => {
  it('a server that never answers: the run ends within --verify-timeout, every key unknown', async () => {
    server.setKeys({ [LIVE]: 'silent', [DEAD]: 'silent', [FLAKY]: 'silent' });
    const started = Date.now();
    const result = await run(['scan', '.', '--verify', '--api-base-url', server.url, '--verify-timeout', '1', '--format', 'json'], io());
    expect(Date.now() - started).toBeLessThan(3000);
    const report = JSON.parse(result.stdout) as { summary: Record<string, number>; findings: { verification: { reason: string } }[] };
    expect(report.summary).toMatchObject({ live: 0, dead: 0, unknown: 3 });
    expect(report.findings.every((f) => /timed out|--verify-timeout/.test(f.verification.reason))).toBe(true);
    expect(result.exitCode).toBe(1);
  });

  it('--verify-concurrency bounds the requests in flight', async () => {
    const slow = await startFakeShippo({ delayMs: 80, otherKeys: 'live' });
    try {
      const keys = Array.from({ length: 8 }, (_, i) => fakeKey('test', `conc-${i}`));
      writeFileSync(join(repo, 'many.txt'), keys.join('\n'));
      const result = await run(['scan', '.', '--verify', '--api-base-url', slow.url, '--verify-concurrency', '2'], io());
      expect(result.stdout).toMatch(/11 live, 0 dead, 0 unknown/);
      expect(slow.requests).toHaveLength(11);
      expect(slow.maxInFlight).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it('--verify-request-timeout (or verify.requestTimeout in the config file) bounds each request; the default waits longer', async () => {
    const slow = await startFakeShippo({ delayMs: 1200, otherKeys: 'live' });
    try {
      writeFileSync(join(repo, 'src', 'b.env'), '');
      writeFileSync(join(repo, 'c.txt'), '');
      const verify = ['scan', '.', '--verify', '--api-base-url', slow.url, '--verify-timeout', '20', '--no-verify-cache', '--format', 'json'];
      type Report = { summary: Record<string, number>; findings: { verification: { status: string; reason: string } }[] };
      const bounded = JSON.parse((await run([...verify, '--verify-request-timeout', '0.2'], io())).stdout) as Report;
      expect(bounded.summary).toMatchObject({ live: 0, dead: 0, unknown: 2 });
      for (const f of bounded.findings) expect(f.verification.reason).toMatch(/timed out \(no answer within 0\.2 s\)/);

      writeFileSync(join(repo, '.shippo-keyguard.json'), JSON.stringify({ verify: { requestTimeout: 0.2 } }));
      const fromConfig = JSON.parse((await run(verify, io())).stdout) as Report;
      expect(fromConfig.summary).toMatchObject({ unknown: 2 });
      rmSync(join(repo, '.shippo-keyguard.json'));

      const patient = JSON.parse((await run(verify, io())).stdout) as Report;
      expect(patient.summary).toMatchObject({ live: 2, unknown: 0 });
    } finally {
      await slow.close();
    }
  });

  it('bad option values exit 2 with one line', async () => {
    for (const bad of [
      ['--verify-concurrency', '0'],
      ['--verify-concurrency', 'x'],
      ['--verify-timeout', '-1'],
      ['--verify-request-timeout', '0'],
      ['--verify-request-timeout', '-1'],
      ['--verify-request-timeout', 'soon'],
      ['--verify-request-timeout', '601'],
    ]) {
      // Not after verifyArgs' own --verify-timeout: an option given twice is refused before its value is checked.
      const base = verifyArgs().filter((a, i, all) => bad[0] !== '--verify-timeout' || (a !== '--verify-timeout' && all[i - 1] !== '--verify-timeout'));
      const result = await run(['scan', '.', ...base, ...bad], io());
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      // The line names the option, so it is the option's own check and not some later failure.
      expect(result.stderr.startsWith(`shippo-keyguard: ${bad[0]}: `), result.stderr).toBe(true);
    }
  });
});

describe('where keys may go', () => {
  it('plain http to a non-loopback host is refused with exit 2, before any request', async () => {
    for (const url of ['http://example.com', 'http://10.0.0.1:8080', 'ftp://127.0.0.1/']) {
      const result = await run(['scan', '.', '--verify', '--api-base-url', url], io());
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^shippo-keyguard: --api-base-url: /);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    const fromEnv = await run(['scan', '.', '--verify'], io({ SHIPPO_API_BASE_URL: 'http://evil.example' }));
    expect(fromEnv.exitCode).toBe(2);
    expect(fromEnv.stderr).toMatch(/SHIPPO_API_BASE_URL: plain http would send keys in clear text to evil\.example/);
  });

  it('SHIPPO_API_BASE_URL works, with a warning naming the host; the flag wins over it', async () => {
    const result = await run(['scan', '.', '--verify', '--verify-timeout', '5'], io({ SHIPPO_API_BASE_URL: `http://localhost:${server.port}` }));
    expect(result.stdout).toContain(`verification sends keys to localhost:${server.port}`);
    expect(result.stdout).toContain('set by SHIPPO_API_BASE_URL');
    expect(server.requests).toHaveLength(3);

    const evil = await startFakeShippo({ otherKeys: 'live' });
    try {
      const flagged = await run(['scan', '.', ...verifyArgs(), '--no-verify-cache'], io({ SHIPPO_API_BASE_URL: evil.url }));
      expect(flagged.stdout).toContain('set by --api-base-url');
      expect(evil.requests).toHaveLength(0);
      expect(server.requests).toHaveLength(6);
    } finally {
      await evil.close();
    }
  });

  it('a .shippo-keyguard.json in the scanned repository cannot redirect keys', async () => {
    const evil = await startFakeShippo({ otherKeys: 'live' });
    const proxy = await startRefusingProxy();
    try {
      const config = { apiBaseUrl: evil.url, 'api-base-url': evil.url, api_base_url: evil.url, verify: { apiBaseUrl: evil.url, baseUrl: evil.url } };
      writeFileSync(join(repo, '.shippo-keyguard.json'), JSON.stringify(config));
      // The configuration loader refuses every spelling of a base URL before anything is sent:
      // exit 2, one line per field, naming the file and the field.
      for (const flags of [['--verify', '--verify-timeout', '5'], verifyArgs()]) {
        const refused = await run(['scan', '.', ...flags], io({ HTTPS_PROXY: proxy.url }));
        expect(refused.exitCode).toBe(2);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toMatch(/\.shippo-keyguard\.json: apiBaseUrl: the API base URL cannot be set in a configuration file/);
        expect(refused.stderr).toMatch(/\.shippo-keyguard\.json: verify\.baseUrl: /);
        expectNoLeak(refused.stdout, refused.stderr);
      }
      expect(evil.requests).toHaveLength(0);
      expect(server.requests).toHaveLength(0);
      expect(proxy.connects).toHaveLength(0);
      rmSync(join(repo, '.shippo-keyguard.json'));
    } finally {
      await evil.close();
      await proxy.close();
    }
  });

  it('HTTPS_PROXY: an https API is reached through CONNECT, so the proxy sees the host and never the key', async () => {
    const proxy = await startRefusingProxy();
    try {
      // A reserved name (.invalid) that cannot resolve: nothing can leave the machine even if the proxy were bypassed.
      const args = ['scan', '.', '--verify', '--api-base-url', 'https://api.shippo.invalid', '--verify-timeout', '5', '--format', 'json'];
      const result = await run(args, io({ HTTPS_PROXY: proxy.url }));
      expect(proxy.connects.length).toBeGreaterThan(0);
      expect(new Set(proxy.connects)).toEqual(new Set(['api.shippo.invalid:443']));
      const report = JSON.parse(result.stdout) as { summary: Record<string, number>; findings: { verification: { reason: string } }[] };
      expect(report.summary).toMatchObject({ live: 0, dead: 0, unknown: 3 });
      expect(report.findings.every((f) => /proxy refused the connection \(403\)/.test(f.verification.reason))).toBe(true);
      expectNoLeak(result.stdout, result.stderr);
    } finally {
      await proxy.close();
    }
  });

  it('a loopback base URL never goes through a proxy, even without NO_PROXY: plain http must not cross the network', async () => {
    const proxy = await startRefusingProxy();
    try {
      for (const variable of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy']) {
        server.requests.length = 0;
        const result = await run(['scan', '.', ...verifyArgs(), '--no-verify-cache'], io({ [variable]: proxy.url }));
        expect(result.stdout, variable).toMatch(/1 live, 1 dead, 1 unknown/);
        expect(server.requests).toHaveLength(3);
      }
      expect(proxy.connects).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  it('NO_PROXY lets loopback bypass the proxy', async () => {
    const proxy = await startRefusingProxy();
    try {
      const result = await run(['scan', '.', ...verifyArgs()], io({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }));
      expect(result.stdout).toMatch(/1 live, 1 dead, 1 unknown/);
      expect(proxy.connects).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });
});
