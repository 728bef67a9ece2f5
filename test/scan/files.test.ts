import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '@shippo-keyguard/core';
import { listTargets, PARALLEL_THRESHOLD, scanFiles } from '@shippo-keyguard/core/files';
import { runBin, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { cleanup, git, makeTree, writeTree } from '../support/tree.js';

const guard = new LeakGuard();
const key = (name: string, kind: 'live' | 'test' = 'live') => guard.plant(fakeKey(kind, `files-${name}`));
const dirs: string[] = [];
const sarifFiles: string[] = [];
let out: string;

beforeAll(() => {
  out = makeTree({}, 'skg-files-out-');
  dirs.push(out);
});
afterAll(() => cleanup(...dirs));

function tree(files: Record<string, string | Buffer>): string {
  const dir = makeTree(files);
  dirs.push(dir);
  return dir;
}

async function json(args: string[], cwd: string, scenario?: string) {
  const r = await runCli(['scan', ...args, '--format', 'json'], { cwd, guard, ...(scenario ? { scenario } : {}) });
  return { ...r, report: r.stdout ? JSON.parse(r.stdout) : undefined };
}

async function sarif(args: string[], cwd: string) {
  const r = await runCli(['scan', ...args, '--format', 'sarif'], { cwd, guard });
  const file = join(out, `${sarifFiles.length}.sarif`);
  writeFileSync(file, r.stdout);
  sarifFiles.push(file);
  const log = JSON.parse(r.stdout);
  expect(sarifSchemaErrors(log)).toEqual([]);
  return log;
}

const paths = (report: any): string[] => report.findings.map((f: any) => f.path);
const oneLine = (stderr: string) => stderr.split('\n').filter(Boolean).every((l) => !/^\s+at /.test(l));

describe('inside a git work tree', () => {
  const k = { tracked: key('tracked'), untracked: key('untracked'), ignored: key('ignored'), gitdir: key('gitdir'), build: key('build') };
  let repo: string;
  beforeAll(() => {
    repo = tree({
      '.gitignore': '*.log\nbuild/\n',
      'app/a.env': `KEY=${k.tracked}\n`,
      'gone.txt': 'tracked, then deleted from the work tree\n',
    });
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'init');
    unlinkSync(join(repo, 'gone.txt'));
    writeTree(repo, {
      'new.txt': `token ${k.untracked}\n`,
      'debug.log': `KEY=${k.ignored}\n`,
      'build/out.js': `var k="${k.build}";\n`,
      '.git/secret-note': `KEY=${k.gitdir}\n`,
    });
  });

  it('scans tracked and untracked-not-ignored files (git ls-files -co --exclude-standard), never .git', async () => {
    const r = await json([], repo);
    expect(r.exitCode).toBe(1);
    expect(paths(r.report)).toEqual(['app/a.env', 'new.txt']);
    expect(r.report.warnings).toEqual([]); // a tracked file deleted from the work tree is not "vanished"
  });

  it('scans an ignored file when it is named, and an ignored directory when it is named', async () => {
    expect(paths((await json(['debug.log'], repo)).report)).toEqual(['debug.log']);
    expect(paths((await json(['build'], repo)).report)).toEqual(['build/out.js']);
  });

  it('--no-gitignore walks everything but .git', async () => {
    const r = await json(['--no-gitignore'], repo);
    expect(paths(r.report)).toEqual(['app/a.env', 'build/out.js', 'debug.log', 'new.txt']);
  });

  it('a path inside .git is refused with a warning and exit 2', async () => {
    const r = await json(['.git'], repo);
    expect(r.exitCode).toBe(2);
    expect(r.report.findings).toEqual([]);
    expect(r.stderr).toContain("warning: .git: skipped, git's own directory is never scanned");
  });

  it('paths are relative to the current directory, with /', async () => {
    const r = await json(['.'], join(repo, 'app'));
    expect(paths(r.report)).toEqual(['a.env']);
    const up = await json(['../new.txt', '.'], join(repo, 'app'));
    expect(paths(up.report)).toEqual(['../new.txt', 'a.env']);
  });
});

describe('git refuses the work tree', () => {
  it('says so in a warning and walks the directory instead of silently scanning nothing', async () => {
    const k = key('git-refused');
    const dir = tree({ 'a.env': `KEY=${k}\n` });
    git(dir, 'init', '-q');
    // A repository format git does not know makes every git command fail with "fatal: ...".
    git(dir, 'config', 'core.repositoryformatversion', '99');
    const r = await json([], dir);
    expect(r.exitCode).toBe(1);
    expect(paths(r.report)).toEqual(['a.env']);
    expect(r.report.warnings).toHaveLength(1);
    expect(r.report.warnings[0].code).toBe('git-refused');
    expect(r.stderr).toMatch(/^warning: \.: git refused to list this work tree \(.+\); walking it without \.gitignore rules$/m);
  });
});

describe('file names', () => {
  const names: [string | Buffer, string][] = [
    ['with space.env', 'space'],
    ['new\nline.env', 'newline'],
    ['ключ-🔑.env', 'unicode'],
    [Buffer.from([0x6b, 0xff, 0xfe, 0x2e, 0x65, 0x6e, 0x76]), 'latin1'],
    [Buffer.concat([Buffer.from('d'), Buffer.from([0xe9]), Buffer.from('/inner.env')]), 'latin1-dir'],
  ];
  const keys = names.map(([, seed]) => key(`name-${seed}`));

  function oddTree(): string {
    const dir = tree({});
    names.forEach(([name, _], i) => {
      const path = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name)]);
      if (typeof name !== 'string' && name.includes(0x2f)) mkdirSync(path.subarray(0, path.lastIndexOf(0x2f)));
      writeFileSync(path, `KEY=${keys[i]}\n`);
    });
    return dir;
  }

  for (const mode of ['fast-glob (no git)', 'git ls-files']) {
    it(`spaces, newlines, unicode and non-UTF-8 names are found and reported (${mode})`, async () => {
      const dir = oddTree();
      if (mode === 'git ls-files') {
        git(dir, 'init', '-q');
        git(dir, 'add', '-A');
      }
      const r = await json([], dir);
      expect(r.report.warnings).toEqual([]);
      expect(r.report.summary.scanned).toBe(names.length);
      expect(new Set(r.report.findings.map((f: any) => f.fingerprint)).size).toBe(names.length);
      expect(paths(r.report)).toContain('new\nline.env');
      expect(paths(r.report)).toContain('ключ-🔑.env');
      expect(paths(r.report)).toContain('k\uFFFD\uFFFD.env');
      expect(paths(r.report)).toContain('d\uFFFD/inner.env');
      const log = await sarif([], dir);
      const uris = log.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
      expect(uris).toContain('new%0Aline.env');
      expect(uris).toContain('with%20space.env');
      // Text keeps one line per finding: the line break in a name is escaped.
      const text = await runCli(['scan'], { cwd: dir, guard });
      expect(text.stdout).toContain('new\\nline.env:1:5  error');
      expect(text.stdout.trimEnd().split('\n')).toHaveLength(names.length + 1);
    });
  }
});

describe('symbolic links', () => {
  const inside = key('link-inside');
  const outside = key('link-outside');
  let dir: string;
  let elsewhere: string;
  beforeAll(() => {
    elsewhere = tree({ 'far.env': `KEY=${outside}\n` });
    dir = tree({ 'real.env': `KEY=${inside}\n` });
    symlinkSync(join(elsewhere, 'far.env'), join(dir, 'out.env'));
    symlinkSync(elsewhere, join(dir, 'outdir'));
    symlinkSync('real.env', join(dir, 'alias.env'));
  });

  it('are not followed out of the scan root (with a warning), and a link inside it does not double a finding', async () => {
    const r = await json([], dir);
    expect(paths(r.report)).toEqual(['real.env']);
    expect(r.report.warnings.map((w: any) => `${w.code} ${w.path}`)).toEqual([
      'symlink-outside-root out.env',
      'symlink-outside-root outdir',
    ]);
    expect(r.exitCode).toBe(1);
  });

  it('named on the command line: followed inside the root, refused outside it', async () => {
    const alias = await json(['alias.env'], dir);
    expect(paths(alias.report)).toEqual(['alias.env']);
    const far = await json(['out.env'], dir);
    expect(far.exitCode).toBe(2);
    expect(far.report.findings).toEqual([]);
    expect(far.stderr).toContain('warning: out.env: skipped, symbolic link out of the scan root');
  });
});

describe('content', () => {
  it('binary files are scanned and marked; a file of NUL bytes is scanned quietly', async () => {
    const k = key('binary');
    const dir = tree({
      'app.pyc': Buffer.concat([Buffer.from([0x42, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]), Buffer.from(`\u0000${k}\u0000`), Buffer.alloc(64)]),
      'zeros.bin': Buffer.alloc(1 << 20),
    });
    const r = await json([], dir);
    expect(r.report.findings).toHaveLength(1);
    expect(r.report.findings[0]).toMatchObject({ path: 'app.pyc', binary: true, startOffset: 9 });
    expect(r.report.summary).toMatchObject({ scanned: 2, skipped: 0 });
    const text = await runCli(['scan'], { cwd: dir, guard });
    expect(text.stdout).toContain('(binary)');
  });

  it('invalid UTF-8: the key is found, with a one-line warning about columns', async () => {
    const k = key('latin1');
    const dir = tree({ 'latin1.txt': Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0xff]), Buffer.from(` = ${k}\n`)]) });
    const r = await json([], dir);
    expect(r.exitCode).toBe(1);
    expect(r.report.findings[0]).toMatchObject({ startLine: 1, startColumn: 9, startOffset: 8 });
    expect(r.report.warnings.map((w: any) => w.code)).toEqual(['not-utf8']);
  });

  it('a 50 MB single-line minified file: the key at its end is found, at the right column', async () => {
    const k = key('minified');
    const body = Buffer.alloc(50 * 1024 * 1024, 'a;');
    const dir = tree({ 'bundle.min.js': Buffer.concat([body, Buffer.from(`"${k}"`)]) });
    const started = Date.now();
    const r = await json([], dir);
    expect(r.report.findings[0]).toMatchObject({ startLine: 1, startColumn: body.length + 2 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a file over --max-file-size is skipped with a warning that names it', async () => {
    const k = key('big');
    const dir = tree({ 'big.env': `KEY=${k}\n${'x'.repeat(4096)}\n`, 'small.txt': 'nothing here\n' });
    const r = await json(['--max-file-size', '1KiB'], dir);
    expect(r.exitCode).toBe(0);
    expect(r.report.findings).toEqual([]);
    expect(r.report.summary).toMatchObject({ scanned: 1, skipped: 1 });
    expect(r.stderr).toMatch(/^warning: big\.env: skipped, 4\d{3} bytes is over the size limit of 1024 \(--max-file-size\)$/m);
    const only = await json(['big.env', '--max-file-size', '1KiB'], dir);
    expect(only.exitCode).toBe(2); // nothing could be scanned
    const bad = await runCli(['scan', '--max-file-size', 'lots'], { cwd: dir, guard });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^shippo-keyguard: --max-file-size: invalid size "lots"/);
  });
});

describe('bad input: a one-line warning, and the scan goes on', () => {
  const k = key('bad-input');

  it('a path that does not exist', async () => {
    const dir = tree({ 'ok.env': `KEY=${k}\n` });
    const both = await json(['missing.txt', 'ok.env'], dir);
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toBe('warning: missing.txt: no such file or directory\n');
    const only = await runCli(['scan', 'missing.txt'], { cwd: dir, guard });
    expect(only.exitCode).toBe(2);
    expect(only.stdout).toContain('warning: missing.txt: no such file or directory');
  });

  it('a FIFO in the tree does not hang the scan; a device named on the command line is refused', async () => {
    const dir = tree({ 'ok.env': `KEY=${k}\n` });
    expect(spawnSync('mkfifo', [join(dir, 'pipe')]).status).toBe(0);
    const r = await json([], dir);
    expect(r.exitCode).toBe(1);
    expect(r.report.warnings).toEqual([{ code: 'not-regular', message: 'pipe: skipped, a FIFO', path: 'pipe' }]);
    const device = await json(['/dev/null'], dir);
    expect(device.exitCode).toBe(2);
    expect(device.stderr).toMatch(/^warning: .*dev\/null: skipped, a character device$/m);
  });

  it('a directory without read permission (real bin, unprivileged user)', () => {
    const dir = tree({ 'ok.env': `KEY=${k}\n`, 'locked/inner.env': `KEY=${k}\n` });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'ok.env'), 0o644);
    chmodSync(join(dir, 'locked'), 0o000);
    // Root reads everything: drop to nobody so the permission is real.
    const prefix = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    try {
      const r = runBin(['scan', '--no-gitignore'], { cwd: dir, guard, prefix });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain('ok.env:1:5');
      expect(r.stdout).toContain('warning: locked: cannot read directory (EACCES), skipped');
      expect(oneLine(r.stderr + r.stdout)).toBe(true);
      const only = runBin(['scan', 'locked'], { cwd: dir, guard, prefix });
      expect(only.exitCode).toBe(2);
      expect(only.stdout).toContain('warning: locked: cannot read directory (EACCES)');
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
    }
  });

  it('a file that vanishes between listing and reading', async () => {
    const dir = tree({ 'stays.env': `KEY=${k}\n`, 'goes.env': `KEY=${k}\n` });
    const list = await listTargets({ paths: ['.'], cwd: dir, gitignore: true });
    expect(list.targets.map((t) => t.rel).sort()).toEqual(['goes.env', 'stays.env']);
    rmSync(join(dir, 'goes.env'));
    const { scanTargets } = await import('../../packages/core/dist/files/pool.js');
    const result = await scanTargets(list.targets, { maxFileSize: 1 << 20, roots: list.roots, threads: 1 });
    expect(result.scanned).toBe(1);
    expect(result.findings.map((f: any) => f.path)).toEqual(['stays.env']);
    expect(result.warnings).toEqual([{ code: 'vanished', message: 'goes.env: skipped, vanished before it could be read', path: 'goes.env' }]);
  });
});

describe('many files: spread over worker threads', () => {
  it('gives the same findings as one thread, keys included (for --no-redact and verification)', async () => {
    const files: Record<string, string | Buffer> = {};
    const planted: string[] = [];
    for (let i = 0; i < PARALLEL_THRESHOLD + 100; i++) {
      const hasKey = i % 97 === 0;
      const k = hasKey ? key(`many-${i}`, i % 2 ? 'test' : 'live') : '';
      if (hasKey) planted.push(k);
      files[`d${i % 20}/f${i}.txt`] = hasKey ? `line\nX=${k}\n` : `plain file ${i}\n`;
    }
    const dir = tree(files);
    writeFileSync(Buffer.from(`${dir}/\xff-odd.env`, 'latin1'), `KEY=${planted[0]}\n`);
    const one = new SecretStore();
    const two = new SecretStore();
    const single = await scanFiles({ paths: ['.'], cwd: dir, threads: 1, secrets: one });
    const multi = await scanFiles({ paths: ['.'], cwd: dir, threads: 2, secrets: two });
    const norm = (fs: any[]) => [...fs].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(multi.findings.length).toBe(planted.length + 1);
    expect(norm(multi.findings)).toEqual(norm(single.findings));
    expect(multi.stats).toEqual(single.stats);
    for (const p of planted) expect([...two.fingerprints()].some((fp) => two.get(fp) === p)).toBe(true);
    const cli = await json([], dir);
    expect(cli.report.findings).toHaveLength(planted.length + 1);
  });
});

describe('progress', () => {
  it('is never drawn when stderr is not a terminal, or in CI', async () => {
    const dir = tree({ 'a.txt': 'x\n' });
    const lines: string[] = [];
    await runCli(['scan'], { cwd: dir, guard, stderrIsTTY: false, progress: (l) => lines.push(l) });
    await runCli(['scan'], { cwd: dir, guard, stderrIsTTY: true, env: { CI: 'true' }, progress: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });
});

describe('every output above', () => {
  it('SARIF passes the Multitool', () => {
    expect(sarifFiles.length).toBeGreaterThan(0);
    expect(multitoolIssues(sarifFiles, out).filter((i) => i.level !== 'note')).toEqual([]);
  }, 120_000);

  it('holds no key', () => guard.assertNoLeaks());
});
