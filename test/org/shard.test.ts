import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitAuthEnv } from '../../cli/dist/org/git-remote.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { git, makeRepo, removeDir, sh, tempDir, writeFile } from '../integrations/support/git.js';

const TOKEN = ['ghs', 'shardTestToken9876543210'].join('_');
const KEY = fakeKey('live', 'shard-key');
let temp: string;
let server: string;

beforeAll(() => {
  temp = tempDir('shard');
  server = join(temp, 'server');
  const work = join(temp, 'work');
  sh('mkdir', ['-p', work, join(server, 'acme')]);
  makeRepo(work, [{ 'a.env': `K=${KEY}\n` }]);
  git(temp, 'clone', '-q', '--bare', work, join(server, 'acme', 'one.git'));
});
afterAll(() => removeDir(temp));

describe('shard', () => {
  it('sends the token to the server only as a header from the environment: not in a URL, an argument, a file or a log', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const http = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(404).end();
    });
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const r = await runCli(['shard', '--repos', 'acme/one', '--server-url', url, '--out-dir', 'out-http'], { cwd: temp, env: { GITHUB_TOKEN: TOKEN, PATH: process.env['PATH'] } });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^acme\/one: not scanned: git ls-remote failed: /m);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]!['authorization']).toBe(`basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
      const report = readFileSync(join(temp, 'out-http', 'acme__one.json'), 'utf8');
      expect(JSON.parse(report)).toMatchObject({ exitCode: 2, repository: { name: 'acme/one' } });
      for (const text of [r.stdout, r.stderr, report]) expect(text).not.toContain(TOKEN);
    } finally {
      http.close();
    }
    const env = gitAuthEnv('https://ghe.example.com', TOKEN, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.x', GIT_CONFIG_VALUE_0: 'y' });
    expect([env['GIT_CONFIG_COUNT'], env['GIT_CONFIG_KEY_1']]).toEqual(['2', 'http.https://ghe.example.com/.extraheader']);
    expect(gitAuthEnv('file:///srv', TOKEN, {})['GIT_CONFIG_COUNT']).toBeUndefined();
  });

  it('scans each repository, names it, records its refs, and keeps going past one that cannot be cloned', async () => {
    const r = await runCli(['shard', '--repos', 'acme/one acme/missing', '--server-url', `file://${server}`, '--out-dir', 'out'], { cwd: temp, env: { GITHUB_TOKEN: TOKEN, PATH: process.env['PATH'] } });
    expect(r.exitCode).toBe(2);
    expect(readdirSync(join(temp, 'out')).sort()).toEqual(['acme__missing.json', 'acme__one.json']);
    const one = JSON.parse(readFileSync(join(temp, 'out', 'acme__one.json'), 'utf8')) as { scan: string; repository: { name: string; uri: string; refs: Record<string, string> }; findings: { path: string }[] };
    expect(one.scan).toBe('full');
    expect(one.repository.name).toBe('acme/one');
    expect(one.repository.uri).toBe(`file://${server}/acme/one.git`);
    expect(Object.keys(one.repository.refs)).toEqual(['refs/heads/main']);
    expect(one.findings.map((f) => f.path)).toEqual(['a.env']);
    expect(r.stderr).toContain('1 of 2 repositories done; 1 failed');
    // Unchanged the next night: not cloned, the findings carried over.
    const merged = await runCli(['merge', 'out', '--json-file', 'state.json', '-f', 'text'], { cwd: temp });
    expect(merged.stderr).toContain('incomplete scans (exit 2) of acme/missing');
    const again = await runCli(['shard', '--repos', 'acme/one', '--server-url', `file://${server}`, '--out-dir', 'out2', '--previous', 'state.json'], { cwd: temp, env: { PATH: process.env['PATH'] } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('acme/one: unchanged since the previous scan (1 ref), not cloned');
    const carried = JSON.parse(readFileSync(join(temp, 'out2', 'acme__one.json'), 'utf8')) as { scan: string; findings: { path: string }[] };
    expect([carried.scan, carried.findings.map((f) => f.path)]).toEqual(['unchanged', ['a.env']]);
  });

  it('--config applies one allow list to every repository', async () => {
    const fp = (JSON.parse(readFileSync(join(temp, 'out', 'acme__one.json'), 'utf8')) as { findings: { fingerprint: string }[] }).findings[0]!.fingerprint;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(temp, 'org.yaml'), `allow:\n  - fingerprint: ${fp}\n    reason: a documented example key\n`);
    const r = await runCli(['shard', '--repos', 'acme/one', '--server-url', `file://${server}`, '--out-dir', 'out3', '--config', 'org.yaml'], { cwd: temp, env: { PATH: process.env['PATH'] } });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(temp, 'out3', 'acme__one.json'), 'utf8')) as { findings: unknown[]; summary: { suppressed: number } };
    expect([report.findings.length, report.summary.suppressed]).toEqual([0, 1]);
  });

  it('--config: ignore patterns match paths within each repository', async () => {
    writeFile(temp, 'org-ignore.yaml', 'ignore:\n  - "*.env"\n');
    const r = await runCli(['shard', '--repos', 'acme/one', '--server-url', `file://${server}`, '--out-dir', 'out4', '--config', 'org-ignore.yaml'], { cwd: temp, env: { PATH: process.env['PATH'] } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('acme/one: ✔ no Shippo keys found');
    const report = JSON.parse(readFileSync(join(temp, 'out4', 'acme__one.json'), 'utf8')) as { findings: unknown[]; repository: { name: string } };
    expect([report.findings.length, report.repository.name]).toEqual([0, 'acme/one']);
  });

  it('bad scan options stop the shard before anything is cloned: one line, exit 2, no report', async () => {
    for (const [args, message] of [
      [['--verify-concurrency', '0'], '--verify-concurrency: expected a whole number from 1 to 64, got 0'],
      [['--verify-timeout', '-1'], '--verify-timeout: expected a positive number of seconds, got -1'],
      [['--max-file-size', 'lots'], '--max-file-size: invalid size "lots"'],
    ] as const) {
      const r = await runCli(['shard', '--repos', 'acme/one', '--server-url', `file://${server}`, '--out-dir', 'out-bad', ...args], { cwd: temp, env: { PATH: process.env['PATH'] } });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(temp, 'out-bad', 'acme__one.json'))).toBe(false);
    }
  });

  it('bad arguments: one line, exit 2', async () => {
    writeFile(temp, 'bad-org.yaml', 'ignore: docs/**\n');
    for (const [args, message] of [
      [['--repos', '../etc', '--out-dir', 'x'], '--repos: "../etc" is not owner/name'],
      [['--repos', ' ', '--out-dir', 'x'], '--repos: no repository named'],
      [['--repos', 'a/b', '--out-dir', 'x', '--server-url', 'http://example.com'], '--server-url: expected an https:// URL'],
      [['--repos', 'a/b', '--out-dir', 'x', '--previous', 'nope.json'], '--previous: cannot read nope.json'],
      [['--repos', 'a/b', '--out-dir', 'x', '--config', 'nope.yaml'], '--config: nope.yaml does not exist'],
      [['--repos', 'a/b', '--out-dir', 'x', '--config', 'bad-org.yaml'], 'bad-org.yaml: ignore: '],
    ] as const) {
      const r = await runCli(['shard', ...args], { cwd: temp });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
