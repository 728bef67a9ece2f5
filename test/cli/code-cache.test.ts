import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { codeCacheDir, identityKey, type FileIdentity } from '../../cli/dist/code-cache.js';

/**
 * The bundle runs its commands through cli/src/code-cache.ts: each run in a process of its own
 * (the cache is written when the process ends), as the bin runs it.
 */
const temp = mkdtempSync(join(tmpdir(), 'skg-code-cache-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const LOADER = pathToFileURL(join(__dirname, '..', '..', 'cli', 'dist', 'code-cache.js')).href;

function script(dir: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'commands.cjs');
  writeFileSync(file, body);
  writeFileSync(join(dir, 'helper.mjs'), 'export const answer = 42;\n');
  return file;
}

/** Runs `file` through the code cache in a fresh Node; what it exports and how the cache was used. */
function runOnce(file: string, cacheHome: string): { cache: string; value: unknown } {
  const program = [
    `import { runWithCodeCache } from ${JSON.stringify(LOADER)};`,
    `const file = ${JSON.stringify(file)};`,
    "const importModule = (s) => import(s.startsWith('./') ? new URL(s, 'file://' + file).href : s);",
    'const { exports, cache } = runWithCodeCache(file, importModule);',
    'console.log(JSON.stringify({ cache, value: await exports.value() }));',
  ].join('\n');
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return JSON.parse(res.stdout) as { cache: string; value: unknown };
}

const BODY = [
  "const { basename } = require('node:path');",
  'exports.value = async () => ({ name: basename(__filename), helper: (await __skgImport("./helper.mjs")).answer, fs: typeof (await __skgImport("node:fs")).readFileSync });',
  '',
].join('\n');

describe('the code cache of the bundled commands', () => {
  it('lives under XDG_CACHE_HOME, or ~/.cache, in a directory of its own; never under a relative one', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe(join('/x/cache', 'shippo-keyguard', 'v8'));
    expect(codeCacheDir({})).toBe(join(homedir(), '.cache', 'shippo-keyguard', 'v8'));
    // The scanned directory must never supply code to run.
    expect(codeCacheDir({ XDG_CACHE_HOME: 'cache' })).toBe(join(homedir(), '.cache', 'shippo-keyguard', 'v8'));
  });

  it('is written by the first run and used by the next; require, __filename and imports work either way', () => {
    const file = script(join(temp, 'a'), BODY);
    const home = join(temp, 'a-cache');
    const expected = { name: 'commands.cjs', helper: 42, fs: 'function' };
    expect(runOnce(file, home)).toEqual({ cache: 'miss', value: expected });
    const written = readdirSync(join(home, 'shippo-keyguard', 'v8'));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^commands\.cjs\.[0-9a-f]{32}\.bin$/);
    expect(runOnce(file, home)).toEqual({ cache: 'hit', value: expected });
    expect(runOnce(file, home)).toEqual({ cache: 'hit', value: expected });
  });

  it('changed code gets a cache of its own; data V8 refuses is replaced', () => {
    const file = script(join(temp, 'b'), BODY);
    const home = join(temp, 'b-cache');
    runOnce(file, home);
    writeFileSync(file, `${BODY}exports.extra = 1;\n`);
    expect(runOnce(file, home).cache).toBe('miss');
    const dir = join(home, 'shippo-keyguard', 'v8');
    expect(readdirSync(dir)).toHaveLength(2);
    for (const name of readdirSync(dir)) writeFileSync(join(dir, name), 'not V8 code cache data');
    expect(runOnce(file, home).cache).toBe('rejected');
    expect(runOnce(file, home).cache).toBe('hit');
  });

  it('a file rewritten in place with the same length and times gets no stale code', () => {
    // V8 compares only the source's length with its data, and runs the old code for a new source
    // of the same length: the cache's name has to change with any write. A rewrite that keeps the
    // inode, the size and (as `cp -p` or `touch -r` do) the modification time leaves the status
    // change time as the only trace.
    const value = (word: string) => `exports.value = async () => ${JSON.stringify(word)};\n`;
    const file = script(join(temp, 'e'), value('first'));
    const stamp = new Date('2026-01-02T03:04:05Z'); // whole seconds: set back exactly below
    utimesSync(file, stamp, stamp);
    const home = join(temp, 'e-cache');
    expect(runOnce(file, home)).toEqual({ cache: 'miss', value: 'first' });
    expect(runOnce(file, home)).toEqual({ cache: 'hit', value: 'first' });
    const before = statSync(file);
    writeFileSync(file, value('again'));
    utimesSync(file, stamp, stamp);
    const after = statSync(file);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    expect(runOnce(file, home)).toEqual({ cache: 'miss', value: 'again' });
    expect(runOnce(file, home)).toEqual({ cache: 'hit', value: 'again' });
  });

  it('names the cache by every field of the file identity and by the runtime', () => {
    const base: FileIdentity = { dev: 2049n, ino: 1234567n, size: 545338n, mtimeNs: 1764878400123456789n, ctimeNs: 1764878400223456789n };
    const key = identityKey(base, 'v20.19.0\0x64');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(identityKey({ ...base }, 'v20.19.0\0x64')).toBe(key);
    const changed = [
      identityKey({ ...base, dev: base.dev + 1n }, 'v20.19.0\0x64'),
      identityKey({ ...base, ino: base.ino + 1n }, 'v20.19.0\0x64'),
      identityKey({ ...base, size: base.size + 1n }, 'v20.19.0\0x64'),
      identityKey({ ...base, mtimeNs: base.mtimeNs + 1n }, 'v20.19.0\0x64'),
      identityKey({ ...base, ctimeNs: base.ctimeNs + 1n }, 'v20.19.0\0x64'),
      identityKey(base, 'v20.19.1\0x64'),
      identityKey(base, 'v20.19.0\0arm64'),
    ];
    expect(new Set([key, ...changed]).size).toBe(changed.length + 1);
  });

  it('a cache directory it cannot write costs only the time: the run works and says nothing', () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: a file where the directory should be stops it instead.
      const home = join(temp, 'c-cache');
      writeFileSync(home, 'a file, not a directory');
      const file = script(join(temp, 'c'), BODY);
      expect(runOnce(file, home).cache).toBe('miss');
      expect(runOnce(file, home).cache).toBe('miss');
      return;
    }
    const home = join(temp, 'd-cache');
    mkdirSync(home);
    chmodSync(home, 0o500);
    const file = script(join(temp, 'd'), BODY);
    expect(runOnce(file, home).cache).toBe('miss');
    expect(runOnce(file, home).cache).toBe('miss');
  });
});
