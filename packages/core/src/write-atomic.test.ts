import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'skg-write-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temp file', () => {
    const file = join(dir, 'report.json');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('throws the error that stopped the write, not the cleanup after it', () => {
    writeFileSync(join(dir, 'plain'), 'x');
    // The temp file cannot be created under a plain file: open fails, and so would the cleanup's lstat.
    expect(() => writeFileAtomic(join(dir, 'plain', 'report.json'), 'x')).toThrow(/^ENOTDIR: not a directory, open /);
  });
});
