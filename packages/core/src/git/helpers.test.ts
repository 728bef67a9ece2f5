import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { balancedSlices } from './cat-file.js';
import { lineSplitter, nulSplitter, unquotePath } from './exec.js';
import { redactKeysIn } from './redact-text.js';
import { stripCredentials } from './repo.js';

describe('git helpers', () => {
  it('splits a list into contiguous slices of about equal weight', () => {
    const sizes = [10, 10, 10, 10, 50, 5, 5];
    const slices = balancedSlices(sizes, (n) => n, 2);
    expect(slices).toEqual([[10, 10, 10, 10, 50], [5, 5]]);
    expect(slices.flat()).toEqual(sizes);
    expect(balancedSlices([1, 2, 3], (n) => n, 1)).toEqual([[1, 2, 3]]);
    expect(balancedSlices([], (n: number) => n, 2)).toEqual([]);
  });

  it('undoes git path quoting, including octal UTF-8 bytes', () => {
    expect(unquotePath('plain/path.txt')).toBe('plain/path.txt');
    expect(unquotePath('"tab\\there"')).toBe('tab\there');
    expect(unquotePath('"caf\\303\\251.txt"')).toBe('café.txt');
    expect(unquotePath('"quote\\"d\\\\"')).toBe('quote"d\\');
    // Raw (core.quotePath=false) characters outside the BMP next to an escape.
    expect(unquotePath('"say \\"hi\\" 😀\\t.txt"')).toBe('say "hi" 😀\t.txt');
  });

  it('splits streams on lines and NULs across chunk boundaries', () => {
    const lines: string[] = [];
    const ls = lineSplitter((l) => lines.push(l));
    ls.push(Buffer.from('ab\ncd'));
    ls.push(Buffer.from('ef\n\ngh'));
    ls.end();
    expect(lines).toEqual(['ab', 'cdef', '', 'gh']);
    const tokens: string[] = [];
    const ns = nulSplitter((t) => tokens.push(t));
    const bytes = Buffer.from('é\0x', 'utf8');
    ns.push(bytes.subarray(0, 1));
    ns.push(bytes.subarray(1));
    ns.end();
    expect(tokens).toEqual(['é', 'x']);
  });

  it('keeps a UTF-8 character that a chunk boundary cuts in two, in lines too', () => {
    const lines: string[] = [];
    const ls = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('café\n鍵.txt\nend', 'utf8');
    // Cut inside "é" (2 bytes) and inside "鍵" (3 bytes): git's output reaches us in pipe chunks.
    for (const [from, to] of [[0, 4], [4, 8], [8, 9], [9, bytes.length]] as const) ls.push(bytes.subarray(from, to));
    ls.end();
    expect(lines).toEqual(['café', '鍵.txt', 'end']);
  });

  it('removes credentials from remote URLs', () => {
    expect(stripCredentials('https://x-access-token:abc123@github.com/o/r.git')).toBe('https://github.com/o/r.git');
    expect(stripCredentials('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });

  it('redacts keys inside commit subjects and leaves other text alone', () => {
    const hex = createHash('sha256').update('subject').digest('hex').slice(0, 40);
    const key = ['shippo', 'live', ''].join('_') + hex;
    const out = redactKeysIn(`oops ${key} here`);
    expect(out).not.toContain(key);
    expect(out).toBe(`oops ${['shippo', 'live', ''].join('_')}${hex.slice(0, 4)}…${hex.slice(-4)} here`);
    expect(redactKeysIn('nothing to see')).toBe('nothing to see');
  });
});
