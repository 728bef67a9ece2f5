import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBin, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { cleanup, makeTree } from '../support/tree.js';

/** Edge cases of the CLI's inputs, arguments and report files, as a demanding user meets them. */
const guard = new LeakGuard();
const live = guard.plant(fakeKey('live', 'edges-live'));
const dir = makeTree({ 'app/.env': `SHIPPO_API_KEY=${live}\n` }, 'skg-edges-');
const out = makeTree({}, 'skg-edges-out-');
afterAll(() => cleanup(dir, out));

const oneLineError = (stderr: string) => {
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).toMatch(/^shippo-keyguard: /);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('report files that are not plain files', () => {
  it('a file descriptor named as the report (/dev/fd/1, /proc/self/fd/1) is written through, appending to a >> log', () => {
    for (const fdPath of ['/dev/fd/1', '/proc/self/fd/1']) {
      const log = join(out, 'ci.log');
      writeFileSync(log, 'earlier step\n');
      const script = `"${process.execPath}" "${BIN}" scan app --format json -o ${fdPath} >> "${log}"`;
      const child = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
      const text = readFileSync(log, 'utf8');
      guard.record({ scenario: `-o ${fdPath}`, channel: 'log', text: `${text}${child.stderr}`, revealAllowed: false });
      expect(child.status, child.stderr).toBe(1);
      expect(text.startsWith('earlier step\n{')).toBe(true);
      expect(JSON.parse(text.slice('earlier step\n'.length)).findings).toHaveLength(1);
    }
  });

  it('a FIFO gets the whole report (a reader on the other end), and stays a FIFO', async () => {
    const fifo = join(out, 'report.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    const closed = new Promise<void>((done) => reader.on('close', () => done()));
    // Were the FIFO replaced instead of written, cat would wait on it forever: end it after a while.
    const stop = setTimeout(() => reader.kill(), 10_000);
    const r = await runCli(['scan', 'app', '--format', 'json', '--output', fifo], { cwd: dir, guard });
    await closed;
    clearTimeout(stop);
    guard.record({ scenario: 'fifo report', channel: 'fifo', text: received, revealAllowed: false });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(received).findings).toHaveLength(1);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a symbolic link is replaced, never written through (a link in a checkout cannot aim the report elsewhere)', async () => {
    mkdirSync(join(out, 'artifacts'));
    writeFileSync(join(out, 'artifacts', 'keys.sarif'), 'old');
    const link = join(out, 'keys.sarif');
    symlinkSync('artifacts/keys.sarif', link);
    const toNull = join(out, 'to-null.json');
    symlinkSync('/dev/null', toNull);
    const r = await runCli(['scan', 'app', '--sarif-file', link, '--json-file', toNull], { cwd: dir, guard, writes: [link, toNull] });
    expect(r.exitCode).toBe(1);
    expect(lstatSync(link).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(link, 'utf8')).runs[0].results).toHaveLength(1);
    expect(readFileSync(join(out, 'artifacts', 'keys.sarif'), 'utf8')).toBe('old');
    expect(lstatSync(toNull).isFile()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a report file that is replaced keeps its permissions (a private report stays private)', async () => {
    const file = join(out, 'private.json');
    writeFileSync(file, '{}', { mode: 0o600 });
    chmodSync(file, 0o600);
    const r = await runCli(['scan', 'app', '--json-file', file], { cwd: dir, guard, writes: [file] });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).findings).toHaveLength(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a directory as the report: one line naming it, exit 2, the directory untouched', async () => {
    mkdirSync(join(out, 'a-dir'));
    const r = await runCli(['scan', 'app', '--output', join(out, 'a-dir')], { cwd: dir, guard });
    expect(r.exitCode).toBe(2);
    oneLineError(r.stderr);
    expect(r.stderr).toContain('is a directory');
    expect(statSync(join(out, 'a-dir')).isDirectory()).toBe(true);
  });

  it('a report that can never be written fails before the scan: one line naming the place, no report on stdout', async () => {
    for (const [file, why] of [
      ['app/.env/report.json', 'app/.env is not a directory'],
      ['no/such/dir/report.json', 'the directory no/such/dir does not exist'],
      ['app', 'it is a directory'],
    ] as const) {
      const r = await runCli(['scan', 'app', '--json-file', file], { cwd: dir, guard });
      expect(r.exitCode).toBe(2);
      oneLineError(r.stderr);
      expect(r.stderr).toBe(`shippo-keyguard: cannot write report ${file}: ${why}\n`);
      // Nothing was scanned: no text report, no summary line.
      expect(r.stdout).toBe('');
    }
  });
});

describe('options given twice or in conflict', () => {
  it('--stdin-filename without "-" is one line and exit 2, not a scan of the current directory', async () => {
    const r = await runCli(['scan', '--stdin-filename', 'pasted.env'], { cwd: dir, guard });
    expect(r.exitCode).toBe(2);
    oneLineError(r.stderr);
    expect(r.stderr).toBe('shippo-keyguard: --stdin-filename names stdin: give "-" as the path to scan stdin\n');
    expect(r.stdout).toBe('');
  });

  it('an option given twice is one line and exit 2, never a run without a report', async () => {
    for (const args of [
      ['--format', 'json', '--format', 'sarif'],
      ['-f', 'json', '--format', 'sarif'],
      ['-o', 'a.json', '-o', 'b.json'],
      ['--sarif-file', 'a.sarif', '--sarif-file', 'b.sarif'],
      ['--max-file-size', '1', '--max-file-size', '2'],
      ['--verify-timeout', '3', '--verify-timeout', '4'],
      ['--fail-on', 'live', '--fail-on', 'any'],
    ]) {
      const r = await runCli(['scan', 'app', ...args], { cwd: dir, guard });
      expect(r.exitCode, args.join(' ')).toBe(2);
      oneLineError(r.stderr);
      expect(r.stderr, args.join(' ')).toMatch(/^shippo-keyguard: --[a-z-]+: given more than once/);
    }
    expect(readdirSync(dir)).toEqual(['app']);
  });

  it('two reports to the same file: one line and exit 2, nothing written', async () => {
    const r = await runCli(['scan', 'app', '-o', 'same.out', '--sarif-file', './same.out'], { cwd: dir, guard });
    expect(r.exitCode).toBe(2);
    oneLineError(r.stderr);
    expect(r.stderr).toContain('same file');
    expect(readdirSync(dir)).toEqual(['app']);
  });

  it('an option without its value, or an empty report file name: one line and exit 2, not a run without that report', async () => {
    for (const args of [
      ['--sarif-file'],
      ['--sarif-file', '--format', 'json'],
      ['--sarif-file='],
      ['-o', ''],
      ['--json-file', ''],
      ['--fail-on'],
      ['--format'],
      ['--max-file-size'],
      ['--stdin-filename'],
      ['--config'],
      ['--baseline'],
    ]) {
      const r = await runCli(['scan', 'app', ...args], { cwd: dir, guard });
      expect(r.exitCode, args.join(' ')).toBe(2);
      oneLineError(r.stderr);
      expect(r.stdout).toBe('');
    }
    const noConfig = await runCli(['scan', 'app', '--no-config'], { cwd: dir, guard });
    expect(noConfig.exitCode).toBe(1);
    expect(readdirSync(dir)).toEqual(['app']);
  });

  it('repeatable things still repeat: several paths, --no-redact after --redact', async () => {
    const r = await runCli(['scan', 'app', 'app/.env', '--redact', '--no-redact', '--format', 'json'], { cwd: dir, guard });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].key).toBe(live);
  });
});

describe('stdin', () => {
  it('an absolute --stdin-filename is made relative to the current directory, so SARIF URIs stay relative', async () => {
    const sarif = join(out, 'stdin-abs.sarif');
    for (const [name, expected] of [
      [join(dir, 'app', 'pasted.env'), 'app/pasted.env'],
      ['//host/share/x.env', null],
    ] as const) {
      const r = await runCli(['scan', '-', '--stdin-filename', name, '--sarif-file', sarif, '--format', 'json'], {
        cwd: dir,
        guard,
        stdin: `k=${live}\n`,
        writes: [sarif],
      });
      expect(r.exitCode).toBe(1);
      const path: string = JSON.parse(r.stdout).findings[0].path;
      if (expected !== null) expect(path).toBe(expected);
      expect(path).not.toMatch(/^\//);
      const log = JSON.parse(r.files[sarif]!);
      expect(sarifSchemaErrors(log)).toEqual([]);
      expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).not.toMatch(/^\//);
      expect(multitoolIssues([sarif], out).filter((i) => i.level === 'error' || i.level === 'warning')).toEqual([]);
    }
  }, 120_000);

  it('stdin over --max-file-size is not held in memory: a too-large warning and exit 2, as for a file', () => {
    const r = runBin(['scan', '-', '--max-file-size', '1KiB', '--format', 'json'], { cwd: dir, guard, stdin: `k=${live}\n${'x'.repeat(4096)}` });
    expect(r.exitCode).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.warnings).toEqual([expect.objectContaining({ code: 'too-large', path: '-' })]);
    expect(report.summary).toMatchObject({ scanned: 0, skipped: 1 });
    expect(r.stderr).toContain('1024');
  });

  it('stdin up to the limit is scanned, a key split across pipe writes included', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '-', '--max-file-size', '1KiB', '--format', 'json'], { cwd: dir });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    child.stdin.write(`a=1\nk=${live.slice(0, 20)}`);
    await new Promise((r) => setTimeout(r, 200));
    child.stdin.end(`${live.slice(20)}\n`);
    expect(await exit).toBe(1);
    guard.record({ scenario: 'stdin split', channel: 'stdout', text: stdout, revealAllowed: false });
    expect(JSON.parse(stdout).findings[0]).toMatchObject({ path: '-', startLine: 2, startColumn: 3 });
  });
});

describe('special files', () => {
  it('a socket is skipped with a warning that says so', async () => {
    const sockDir = makeTree({}, 'skg-sock-');
    const server = createServer();
    await new Promise<void>((done) => server.listen(join(sockDir, 'agent.sock'), () => done()));
    try {
      const r = await runCli(['scan', '--format', 'json', join(sockDir, 'agent.sock')], { cwd: sockDir, guard });
      expect(r.exitCode).toBe(2);
      expect(JSON.parse(r.stdout).warnings).toEqual([{ code: 'not-regular', message: 'agent.sock: skipped, a socket', path: 'agent.sock' }]);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
      cleanup(sockDir);
    }
  });
});

describe('the process', () => {
  it('a reader that stops early (| head) ends the run quietly: no stack trace, the exit code kept', () => {
    const many = Array.from({ length: 3000 }, (_, i) => guard.plant(fakeKey('live', `edges-many-${i}`)));
    const tree = makeTree({ 'many.env': many.map((k) => `k=${k}\n`).join('') }, 'skg-epipe-');
    try {
      const script = `"${process.execPath}" "${BIN}" scan many.env 2>err.txt | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}" > rc.txt`;
      expect(spawnSync('bash', ['-c', script], { cwd: tree }).status).toBe(0);
      const stderr = readFileSync(join(tree, 'err.txt'), 'utf8');
      guard.record({ scenario: 'epipe', channel: 'stderr', text: stderr, revealAllowed: false });
      expect(stderr).toBe('');
      expect(readFileSync(join(tree, 'rc.txt'), 'utf8').trim()).toBe('1');
    } finally {
      cleanup(tree);
    }
  });

  it('a current directory that was deleted: one line and exit 2, no stack trace', () => {
    const parent = makeTree({}, 'skg-gone-');
    try {
      const child = spawnSync('bash', ['-c', `mkdir gone && cd gone && rmdir ../gone && exec "${process.execPath}" "${BIN}" scan`], {
        cwd: parent,
        encoding: 'utf8',
      });
      expect(child.status).toBe(2);
      oneLineError(child.stderr);
      expect(child.stderr).toContain('current directory');
      expect(child.stdout).toBe('');
    } finally {
      cleanup(parent);
    }
  });
});

describe('leaks', () => {
  it('no output above holds a key, except JSON under --no-redact', () => guard.assertNoLeaks());
});
