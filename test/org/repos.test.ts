import { afterEach, describe, expect, it } from 'vitest';
import { listRepositories } from '../../cli/dist/org/github.js';
import { planShards } from '../../cli/dist/org/shards.js';
import { runCli } from '../support/cli.js';
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from '../support/github-server.js';

let server: FakeGitHub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const many = (n: number, extra: (i: number) => Partial<FakeRepo> = () => ({})): FakeRepo[] =>
  Array.from({ length: n }, (_v, i) => ({ name: `svc-${String(i).padStart(3, '0')}`, ...extra(i) }));

interface Matrix {
  include: { shard: number; repos: string; count: number }[];
}

async function repos(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['repos', ...args], { cwd: process.cwd(), env: { GITHUB_API_URL: server!.url, ...env } });
}

describe('repos: the plan of an organisation scan', () => {
  it('reads every page (Link headers) and prints matrix shards fromJSON can take', async () => {
    server = await startFakeGitHub({ orgs: { acme: many(230) }, token: 'tok-123' });
    const r = await repos(['acme', '--shard-size', '50'], { GITHUB_TOKEN: 'tok-123' });
    expect(r.stderr).toContain('230 of 230 repositories of acme in 5 shards');
    expect(r.exitCode).toBe(0);
    const matrix = JSON.parse(r.stdout) as Matrix;
    expect(matrix.include.map((s) => s.shard)).toEqual([1, 2, 3, 4, 5]);
    expect(matrix.include.map((s) => s.count)).toEqual([50, 50, 50, 50, 30]);
    const names = matrix.include.flatMap((s) => s.repos.split(' '));
    expect(new Set(names).size).toBe(230);
    expect(names[0]).toBe('acme/svc-000');
    // Three pages of 100, each asked once, with the token (never printed).
    const pages = server.requests.map((q) => new URL(q.path, server!.url)).map((u) => `${u.pathname} ${u.searchParams.get('page') ?? '1'} ${u.searchParams.get('per_page')}`);
    expect(pages).toEqual(['/orgs/acme/repos 1 100', '/orgs/acme/repos 2 100', '/orgs/acme/repos 3 100']);
    expect(server.requests.every((q) => q.authorization === 'token tok-123')).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('tok-123');
  });

  it('GH_TOKEN works too, and a user (not an organisation) is listed through /users', async () => {
    server = await startFakeGitHub({ users: { octo: many(3) }, token: 'gh-tok' });
    const r = await repos(['octo'], { GH_TOKEN: 'gh-tok' });
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as Matrix).include).toEqual([{ shard: 1, repos: 'octo/svc-000 octo/svc-001 octo/svc-002', count: 3 }]);
    expect(server.requests.map((q) => q.path.split('?')[0])).toEqual(['/orgs/octo/repos', '/users/octo/repos']);
  });

  it('filters: archived, forks, visibility, topics, name globs, pushed since', async () => {
    server = await startFakeGitHub({
      orgs: {
        acme: [
          { name: 'api', topics: ['production'], visibility: 'private' },
          { name: 'web', topics: ['production', 'frontend'] },
          { name: 'old-api', archived: true, topics: ['production'] },
          { name: 'fork-of-x', fork: true },
          { name: 'infra', visibility: 'internal', pushed_at: '2020-01-01T00:00:00Z' },
          { name: 'empty', pushed_at: null },
          { name: 'docs-site' },
        ],
      },
    });
    const names = async (...args: string[]) => {
      const r = await repos(['acme', ...args]);
      expect(r.stderr).not.toMatch(/error|Error/);
      return (JSON.parse(r.stdout) as Matrix).include.flatMap((s) => s.repos.split(' ')).filter((n) => n !== '');
    };
    expect(await names()).toEqual(['acme/api', 'acme/docs-site', 'acme/empty', 'acme/infra', 'acme/web']);
    expect(await names('--archived', 'include', '--forks', 'include')).toHaveLength(7);
    expect(await names('--archived', 'only')).toEqual(['acme/old-api']);
    expect(await names('--forks', 'only')).toEqual(['acme/fork-of-x']);
    expect(await names('--visibility', 'private')).toEqual(['acme/api']);
    expect(await names('--visibility', 'internal')).toEqual(['acme/infra']);
    expect(await names('--topic', 'frontend', '--topic', 'nothing')).toEqual(['acme/web']);
    expect(await names('--match', '*api*', '--archived', 'include')).toEqual(['acme/api', 'acme/old-api']);
    expect(await names('--match', 'acme/w*')).toEqual(['acme/web']);
    expect(await names('--exclude', 'docs-*', '--exclude', 'e*')).toEqual(['acme/api', 'acme/infra', 'acme/web']);
    expect(await names('--pushed-since', '2023-01-01')).toEqual(['acme/api', 'acme/docs-site', 'acme/web']);
  });

  it('an empty selection is an empty matrix, not an error (the workflow skips the scan jobs)', async () => {
    server = await startFakeGitHub({ orgs: { acme: many(2) } });
    const r = await repos(['acme', '--match', 'nothing-*']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ include: [] });
  });

  it('never more than 256 jobs: shards grow instead, and say so', async () => {
    expect(planShards(Array.from({ length: 600 }, (_v, i) => `o/r${i}`), 1).matrix.include).toHaveLength(200);
    expect(planShards(Array.from({ length: 513 }, (_v, i) => `o/r${i}`), 1).matrix.include.length).toBeLessThanOrEqual(256);
    server = await startFakeGitHub({ orgs: { acme: many(30) } });
    const r = await repos(['acme', '--shard-size', '1', '--max-jobs', '8']);
    const matrix = JSON.parse(r.stdout) as Matrix;
    expect(matrix.include).toHaveLength(8);
    expect(matrix.include.reduce((n, s) => n + s.count, 0)).toBe(30);
    expect(r.stderr).toContain('grown from 1 to stay within 8 jobs');
    expect((await repos(['acme', '--max-jobs', '300'])).stderr).toContain('--max-jobs: expected a whole number from 1 to 256');
  });

  it('--github-output appends matrix and count for the plan job', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'skg-gh-out-')), 'output');
    writeFileSync(out, '');
    server = await startFakeGitHub({ orgs: { acme: many(3) } });
    const r = await repos(['acme', '--github-output'], { GITHUB_OUTPUT: out });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`matrix=${r.stdout.trim()}\ncount=3\n`);
  });
});

describe('repos: rate limits and errors', () => {
  it('waits out a rate limit, a secondary rate limit and a 5xx, and still lists everything', async () => {
    server = await startFakeGitHub({ orgs: { acme: many(150) }, failures: ['rate-limit', 'secondary-rate-limit', 'server-error'], retryAfter: 2 });
    const waits: string[] = [];
    const started = Date.now();
    const listed = await listRepositories({
      owner: 'acme',
      ownerType: 'org',
      baseUrl: server.url,
      userAgent: 'test',
      maxRetries: 3,
      maxWaitSeconds: 60,
      msPerSecond: 5, // GitHub's seconds, shrunk: the test must not sleep
      onWait: (m) => waits.push(m),
    });
    expect(listed).toHaveLength(150);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(waits.some((w) => w.startsWith('GitHub API rate limit: waiting'))).toBe(true);
    expect(waits.some((w) => w.startsWith('GitHub API secondary rate limit: waiting 2 s'))).toBe(true);
    expect(server.requests.map((q) => q.status)).toEqual([403, 403, 502, 200, 200]);
  });

  it('a rate limit longer than --max-wait is an error, not a silent hours-long wait', async () => {
    server = await startFakeGitHub({ orgs: { acme: many(2) }, failures: ['secondary-rate-limit'], retryAfter: 3600 });
    const r = await repos(['acme', '--max-wait', '60']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^shippo-keyguard: GitHub API: listing the repositories of acme: HTTP 403: You have exceeded a secondary rate limit/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('a server that keeps failing: one line, exit 2', async () => {
    server = await startFakeGitHub({ orgs: { acme: many(2) }, failures: ['always-server-error'] });
    const r = await repos(['acme', '--max-retries', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('shippo-keyguard: GitHub API: listing the repositories of acme: HTTP 502: Server Error\n');
  });

  it('bad credentials, an unknown owner and a bad API URL: one line, exit 2', async () => {
    server = await startFakeGitHub({ orgs: { acme: many(2) }, token: 'right' });
    const bad = await repos(['acme'], { GITHUB_TOKEN: 'wrong' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('shippo-keyguard: GitHub API: listing the repositories of acme: HTTP 401: Bad credentials\n');
    const missing = await repos(['nobody'], { GITHUB_TOKEN: 'right' });
    expect(missing.stderr).toBe('shippo-keyguard: GitHub API: listing the repositories of nobody: HTTP 404: Not Found\n');
    const plain = await runCli(['repos', 'acme', '--api-url', 'http://example.com/api'], { cwd: process.cwd(), env: {} });
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain('--api-url: expected an https:// URL');
    const down = await runCli(['repos', 'acme', '--api-url', 'http://127.0.0.1:9', '--max-retries', '0'], { cwd: process.cwd(), env: {} });
    expect(down.exitCode).toBe(2);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/^shippo-keyguard: GitHub API: listing the repositories of acme: /);
  });
});
