import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runBin } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { cleanup, makeTree } from '../support/tree.js';

const guard = new LeakGuard();
const live = guard.plant(fakeKey('live', 'bin-live'));
const dir = makeTree({ 'deploy/.env': `SHIPPO_API_KEY=${live}\n`, 'README.md': 'nothing here\n' });
const out = makeTree({}, 'skg-bin-out-');
afterAll(() => cleanup(dir, out));

describe('the real bin (cli/bin/shippo-keyguard.js)', () => {
  it('the repository scans clean with its own scanner', () => {
    const r = runBin(['scan', '.'], { cwd: REPO_ROOT, guard });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^✔ no Shippo keys found in \d+ files\n$/);
    expect(r.exitCode).toBe(0);
  });

  it('findings: exit 1, plain text when piped (no colour, no progress), SARIF file alongside', () => {
    const sarif = join(out, 'ci.sarif');
    const r = runBin(['scan', '--sarif-file', sarif], { cwd: dir, guard, writes: [sarif], env: { FORCE_COLOR: '1' } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(
      `deploy/.env:1:16  error  shippo-live-key  live key  ${live.slice(0, 16)}…${live.slice(-4)}\n✖ 1 finding (1 distinct key) in 2 files\n`,
    );
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.files[sarif]!);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(multitoolIssues([sarif], out).filter((i) => i.level !== 'note')).toEqual([]);
  }, 60_000);

  it('stdin through "-"', () => {
    const r = runBin(['scan', '-', '--stdin-filename', 'clipboard.txt', '--format', 'json'], { cwd: dir, guard, stdin: `key: ${live}` });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ path: 'clipboard.txt', source: 'stdin', startColumn: 6 });
  });

  it('bad arguments: exit 2 with one line and no stack trace', () => {
    for (const args of [['scan', '--format', 'xml'], ['scan', '-', 'deploy'], ['bogus'], ['scan', 'no-such-path']]) {
      const r = runBin(args, { cwd: dir, guard });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
      expect(r.stderr.trim().split('\n').length, r.stderr).toBe(1);
    }
  });

  it('--help documents the exit codes', () => {
    const r = runBin(['scan', '--help'], { cwd: dir, guard });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('1  findings fail the policy');
    expect(r.stdout).toContain('--max-file-size');
  });

  it('no output above holds a key', () => guard.assertNoLeaks());
});
