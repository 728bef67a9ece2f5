import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { startFakeShippo, type FakeShippo } from '../support/shippo-server.js';
import { cleanup, makeTree } from '../support/tree.js';
import { Repo, cleanup as cleanupRepos } from '../git/repo-fixture.js';

/**
 * What a new user meets in the first ten minutes: each case here was a rough edge (a run that
 * scanned nothing looking like success, progress glued to the first finding, a stash key that
 * did not say it was one, silence while waiting for the API, a typo without a suggestion).
 */

const guard = new LeakGuard();
const dirs: string[] = [];
afterAll(() => {
  cleanup(...dirs);
  cleanupRepos();
  guard.assertNoLeaks();
});

interface Spawned {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** When each stderr chunk arrived, in ms after the start, with its text. */
  readonly stderrChunks: readonly { at: number; text: string }[];
  readonly ms: number;
}

/** The bin as a child process, asynchronously, so a server in this process can answer it. */
function spawnAsync(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Spawned> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const stderrChunks: { at: number; text: string }[] = [];
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
    stderrChunks.push({ at: Date.now() - started, text: c.toString('utf8') });
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, stderrChunks, ms: Date.now() - started }));
  });
}

/** What a terminal shows after this output: `\r` goes back to column 0, `ESC[2K` clears the line. */
function screen(raw: string): string[] {
  const lines: string[] = [''];
  let col = 0;
  const text = raw.replace(/\u001b\[[0-9;]*m/g, ''); // colours do not move the cursor
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('\u001b[2K', i)) {
      lines[lines.length - 1] = '';
      i += 3;
      continue;
    }
    const ch = text[i]!;
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      lines.push('');
      col = 0;
    } else {
      const line = lines[lines.length - 1]!;
      lines[lines.length - 1] = line.slice(0, col).padEnd(col, ' ') + ch + line.slice(col + 1);
      col++;
    }
  }
  return lines.filter((l) => l.trim() !== '');
}

/** Each progress line drawn: the text after every `\r ESC[2K`. */
function progressTexts(raw: string): string[] {
  return raw
    .split('\r\u001b[2K')
    .slice(1)
    .map((t) => t.split(/[\r\n]/)[0] ?? '')
    .filter((t) => t !== '');
}

describe('scan of a path that does not exist', () => {
  it('does not print a green "no keys found": the summary says nothing was scanned, and the exit code is 2', async () => {
    const dir = makeTree({ 'here.txt': 'nothing\n' });
    dirs.push(dir);
    const r = await runCli(['scan', 'missing-path'], { cwd: dir, guard, stdoutIsTTY: true });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).not.toContain('no Shippo keys found');
    expect(r.stdout).not.toContain('✔');
    expect(r.stdout).toMatch(/✖ nothing was scanned/);
    expect(r.stdout).toContain('missing-path: no such file or directory');
    // In colour, the summary is not green.
    expect(r.stdout).not.toContain('\u001b[32m');
  });

  it('a scan that read something but must exit 2 (history --strict on a shallow clone) says it is incomplete', async () => {
    const origin = new Repo();
    origin.write('a.txt', 'one\n').commit('one');
    origin.write('a.txt', 'two\n').commit('two');
    const clone = new Repo(undefined, false);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin.dir}`, clone.dir]);
    const r = await runCli(['history', '--strict'], { cwd: clone.dir, guard });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).not.toContain('✔');
    expect(r.stdout).toMatch(/✖ incomplete: no Shippo keys found in \d+ blobs and messages/);
  });
});

describe('a mistyped option', () => {
  it('gets a suggestion, as a mistyped command does', async () => {
    const dir = makeTree({ 'a.txt': 'x\n' });
    dirs.push(dir);
    const r = await runCli(['scan', '--formt', 'json'], { cwd: dir, guard });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('shippo-keyguard: Unknown argument: --formt (did you mean --format?)\n');
  });

  it('suggests for each of several, for options of the command given, and for --no- forms', async () => {
    const dir = makeTree({ 'a.txt': 'x\n' });
    dirs.push(dir);
    const two = await runCli(['scan', '--formt', 'json', '--outptu', 'x'], { cwd: dir, guard });
    expect(two.stderr).toBe('shippo-keyguard: Unknown arguments: --formt (did you mean --format?), --outptu (did you mean --output?)\n');
    const history = await runCli(['history', '--rnage', 'a..b'], { cwd: dir, guard });
    expect(history.stderr).toBe('shippo-keyguard: Unknown argument: --rnage (did you mean --range?)\n');
    const negated = await runCli(['scan', '--no-redcat'], { cwd: dir, guard });
    expect(negated.stderr).toContain('did you mean --no-redact?');
    // Nothing close: no guess.
    const far = await runCli(['scan', '--zzzzzzzz'], { cwd: dir, guard });
    expect(far.stderr).toBe('shippo-keyguard: Unknown argument: --zzzzzzzz\n');
    // Commands keep their own suggestion.
    const command = await runCli(['scna'], { cwd: dir, guard });
    expect(command.stderr).toContain('Did you mean scan?');
    expect(command.stderr).toBe('shippo-keyguard: Unknown command: scna. Did you mean scan?\n');
  });
});

describe('a key that exists only in a stash entry', () => {
  it('says it is in the stash, in text and JSON', async () => {
    const key = guard.plant(fakeKey('live', 'first-minutes-stash'));
    const repo = new Repo();
    repo.write('app.js', 'const a = 1;\n').commit('initial');
    repo.write('app.js', `const a = "${key}";\n`);
    repo.git('stash', 'push', '-q', '-m', 'try the live key');
    const text = await runCli(['history'], { cwd: repo.dir, guard });
    expect(text.exitCode).toBe(1);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('app.js:1:'));
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toMatch(/^ {4}introduced in stash entry stash@\{0\} \([0-9a-f]{12}\) by Fixture Bot /);
    const json = JSON.parse((await runCli(['history', '--format', 'json'], { cwd: repo.dir, guard })).stdout) as {
      findings: { introduced?: { stash?: string; commit: string } }[];
    };
    expect(json.findings[0]?.introduced?.stash).toBe('stash@{0}');
    expect(json.findings[0]?.introduced?.commit).toBe(repo.git('rev-parse', 'stash@{0}'));
  });

  it('a key committed on a branch is not called a stash', async () => {
    const key = guard.plant(fakeKey('test', 'first-minutes-branch'));
    const repo = new Repo();
    repo.write('b.env', `K=${key}\n`).commit('add');
    repo.write('other.txt', 'x\n');
    repo.git('stash', 'push', '-q', '-u');
    const r = await runCli(['history', '--format', 'json'], { cwd: repo.dir, guard });
    const f = (JSON.parse(r.stdout) as { findings: { introduced?: { stash?: string } }[] }).findings;
    expect(f).toHaveLength(1);
    expect(f[0]?.introduced).toBeDefined();
    expect(f[0]?.introduced?.stash).toBeUndefined();
    expect(r.stdout).not.toContain('stash@');
  });
});

describe('on a terminal', () => {
  let api: FakeShippo;
  let repo: Repo;
  const key = guard.plant(fakeKey('live', 'first-minutes-terminal'));
  beforeAll(async () => {
    api = await startFakeShippo({ keys: { [key]: 'live' } });
    repo = new Repo();
    // 1,200 committed blobs (so progress is drawn) and 1,000 that no commit holds (read from the
    // object store, then dropped: the count the progress line must not pass off as the summary's).
    const stream: string[] = [];
    for (let i = 0; i < 1000; i++) stream.push('blob', `data ${`dangling ${i}\n`.length}`, `dangling ${i}`, '');
    stream.push('commit refs/heads/main', 'committer A <a@example.test> 1700000000 +0000', 'data 4', 'many');
    for (let i = 0; i < 1200; i++) stream.push(`M 100644 inline f/${i}.txt`, `data ${`file ${i}\n`.length}`, `file ${i}`);
    stream.push('');
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: `${stream.join('\n')}\n` });
    repo.git('reset', '-q', '--hard', 'main');
    repo.write('deploy/.env', `SHIPPO_API_KEY=${key}\n`).commit('deploy');
  });
  afterAll(() => api.close());

  it('clears the progress line before the first finding, and never shows a count above the summary', async () => {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: repo.dir, TERM: 'xterm', NO_COLOR: '1', XDG_CACHE_HOME: `${repo.dir}/.cache` };
    const cmd = [process.execPath, BIN, 'history', '--verify', '--api-base-url', api.url].map((a) => `'${a}'`).join(' ');
    // util-linux `script` runs the command on a pseudo-terminal, as a person at a terminal would.
    const r = await spawnAsync('script', ['-qec', cmd, '/dev/null'], { cwd: repo.dir, env });
    guard.record({ scenario: 'history on a terminal', channel: 'pty', text: r.stdout, revealAllowed: false });
    expect(r.code, r.stdout).toBe(1);
    const drawn = progressTexts(r.stdout);
    expect(drawn.some((t) => t.includes('1000') || t.includes('2000')), drawn.join(' | ')).toBe(true);
    expect(drawn.some((t) => /verif/.test(t)), drawn.join(' | ')).toBe(true);
    const shown = screen(r.stdout);
    expect(shown[0]).toMatch(/^deploy\/\.env:1:16 {2}error/);
    expect(shown.filter((l) => /read \d+ git objects|verifying keys with/.test(l))).toEqual([]);
    // The summary counts blobs of the history and messages; a progress line may not claim more blobs.
    const summary = shown.find((l) => l.includes('blobs and messages'))!;
    const total = Number(/in (\d+) blobs and messages/.exec(summary)?.[1]);
    expect(total).toBeGreaterThan(1200);
    for (const t of drawn) {
      const blobs = /(\d+) blobs/.exec(t);
      if (blobs) expect(Number(blobs[1]), t).toBeLessThanOrEqual(total);
    }
  });
});

describe('verification against an API that never answers, stderr not a terminal', () => {
  let api: FakeShippo;
  const key = guard.plant(fakeKey('live', 'first-minutes-silent'));
  beforeAll(async () => {
    api = await startFakeShippo({ keys: { [key]: 'silent' } });
  });
  afterAll(() => api.close());

  it('says once, while it waits, what it is waiting for', async () => {
    const dir = makeTree({ 'k.env': `K=${key}\n` });
    dirs.push(dir);
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, CI: 'true', XDG_CACHE_HOME: `${dir}/.cache` };
    const r = await spawnAsync(process.execPath, [BIN, 'scan', '--verify', '--api-base-url', api.url, '--verify-timeout', '5', '--verify-request-timeout', '5'], { cwd: dir, env });
    guard.record({ scenario: 'silent API', channel: 'stderr', text: r.stderr, revealAllowed: false });
    guard.record({ scenario: 'silent API', channel: 'stdout', text: r.stdout, revealAllowed: false });
    expect(r.code).toBe(1);
    const waiting = r.stderrChunks.filter((c) => c.text.includes('waiting for'));
    expect(waiting, r.stderr).toHaveLength(1);
    expect(r.stderr.match(/waiting for/g)).toHaveLength(1);
    expect(waiting[0]!.text).toContain(`127.0.0.1:${api.port}`);
    expect(waiting[0]!.text).toMatch(/1 key/);
    expect(waiting[0]!.text).toContain('--verify-timeout');
    // Said while waiting, not with the report at the end.
    expect(waiting[0]!.at).toBeLessThan(r.ms - 1500);
    expect(r.stdout).toContain('UNKNOWN');
  });

  it('says nothing when the answer comes quickly', async () => {
    const quick = await startFakeShippo({ otherKeys: 'dead' });
    try {
      const dir = makeTree({ 'k.env': `K=${key}\n` });
      dirs.push(dir);
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, CI: 'true', XDG_CACHE_HOME: `${dir}/.cache` };
      const r = await spawnAsync(process.execPath, [BIN, 'scan', '--verify', '--api-base-url', quick.url], { cwd: dir, env });
      guard.record({ scenario: 'quick API', channel: 'stderr', text: r.stderr, revealAllowed: false });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('DEAD');
      expect(r.stderr).not.toContain('waiting for');
    } finally {
      await quick.close();
    }
  });
});

describe('the husky recipe', () => {
  it('gives the install command, not only "installed as a dev dependency"', () => {
    const hooks = readFileSync(`${REPO_ROOT}docs/hooks.md`, 'utf8');
    const husky = hooks.slice(hooks.indexOf('## husky'), hooks.indexOf('\n## ', hooks.indexOf('## husky') + 1));
    expect(husky).toContain('npm i -D shippo-keyguard');
  });
});
