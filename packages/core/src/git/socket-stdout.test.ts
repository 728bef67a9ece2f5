import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnWithSocketStdout } from './socket-stdout.js';

// A child that writes `total` bytes of a known pattern in pieces of varying size (as git does).
const WRITER = `
const total = Number(process.argv[1]);
const out = Buffer.alloc(total);
for (let i = 0; i < total; i++) out[i] = (i * 31 + (i >> 9)) & 255;
let at = 0, n = 0;
const next = () => {
  while (at < total) {
    const size = [1, 52, 4096, 16384, 70000][n++ % 5];
    const piece = out.subarray(at, Math.min(total, at + size));
    at += piece.length;
    if (!process.stdout.write(piece)) return process.stdout.once('drain', next);
  }
};
next();
`;

function expected(total: number): string {
  const out = Buffer.alloc(total);
  for (let i = 0; i < total; i++) out[i] = (i * 31 + (i >> 9)) & 255;
  return createHash('sha256').update(out).digest('hex');
}

describe.runIf(process.platform === 'linux')('stdout through a socket', () => {
  let dir: string;
  const saved = process.env.TMPDIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skg-socket-test-'));
    process.env.TMPDIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands over every byte in order, in reads no larger than its buffer, and leaves no socket file behind', async () => {
    const total = 6 * 1024 * 1024 + 123;
    const hash = createHash('sha256');
    let reads = 0;
    let largest = 0;
    const run = await spawnWithSocketStdout(process.execPath, ['-e', WRITER, String(total)], {}, (chunk) => {
      reads++;
      largest = Math.max(largest, chunk.length);
      // The buffer is reused: what is handed over must be used during the call.
      hash.update(chunk);
    });
    expect(run).toBeDefined();
    expect(readdirSync(dir)).toEqual([]);
    run!.child.stdin!.end();
    const code = new Promise((resolve) => run!.child.on('close', resolve));
    await run!.drained;
    expect(await code).toBe(0);
    expect(hash.digest('hex')).toBe(expected(total));
    expect(reads).toBeGreaterThan(1);
    expect(largest).toBeLessThanOrEqual(512 * 1024);
  });

  it('ends when the child exits without writing, with its exit code', async () => {
    let bytes = 0;
    const run = await spawnWithSocketStdout(process.execPath, ['-e', 'process.exit(3)'], {}, (chunk) => {
      bytes += chunk.length;
    });
    const code = new Promise((resolve) => run!.child.on('close', resolve));
    await run!.drained;
    expect(await code).toBe(3);
    expect(bytes).toBe(0);
  });

  it('declines (the caller uses a pipe) when the temporary directory is too deep for a socket name', async () => {
    const deep = join(dir, 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(deep, { recursive: true });
    process.env.TMPDIR = deep;
    const run = await spawnWithSocketStdout(process.execPath, ['-e', ''], {}, () => undefined);
    expect(run).toBeUndefined();
    expect(readdirSync(deep)).toEqual([]);
  });
});
