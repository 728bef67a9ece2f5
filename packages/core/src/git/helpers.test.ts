import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { balancedSlices } from './cat-file.js';
import { lineSplitter, nulSplitter, unquotePath } from './exec.js';
import { MAX_SUMMARY, redactKeysIn, summaryOf } from './redact-text.js';
import { stripCredentials } from './repo.js';
import { revisionInput } from './revisions.js';

describe('git helpers', () => {
  it('hands full object ids to git on stdin and keeps its own pseudo-options on the command line', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(64);
    expect(revisionInput([a, `^${b}`, '--not', '--remotes=origin'])).toEqual({ args: ['--stdin', '--not', '--remotes=origin'], input: `${a}\n^${b}\n` });
    expect(revisionInput(['--all'])).toEqual({ args: ['--all'] });
    // An id after --not is negated on stdin, as it was among the arguments; a second --not undoes it.
    expect(revisionInput([a, '--not', b, `^${a}`, '--not', b])).toEqual({ args: ['--stdin', '--not', '--not'], input: `${a}\n^${b}\n${a}\n${b}\n` });
    // Anything that is not a full id never goes to stdin: an abbreviation, upper case, an option.
    for (const odd of [a.slice(0, 12), a.toUpperCase(), '--output=x', `${a}a`]) expect(revisionInput([odd]).input).toBeUndefined();
  });

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

  it('drops a NUL-ended token over the limit as it streams, handing over its size; the next token is whole', () => {
    const seen: (string | number)[] = [];
    let n = 0;
    // Only every second token is limited (as only a commit's message is).
    const ns = nulSplitter((t) => seen.push(t), { maxToken: () => (n++ % 2 === 1 ? 8 : Infinity), onOversized: ({ size }) => seen.push(size) });
    const input = Buffer.from(`id-that-is-long\0${'m'.repeat(50)}\0next-id\0short\0`);
    for (let i = 0; i < input.length; i += 7) ns.push(input.subarray(i, i + 7));
    ns.end();
    expect(seen).toEqual(['id-that-is-long', 50, 'next-id', 'short']);
  });

  it('joins a token and a line that span many reads', () => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    const tokens: string[] = [];
    const lines: string[] = [];
    const ns = nulSplitter((t) => tokens.push(t));
    const ls = lineSplitter((l) => lines.push(l));
    for (let i = 0; i < 64; i++) {
      ns.push(chunk);
      ls.push(chunk);
    }
    ns.push(Buffer.from('\0tail'));
    ls.push(Buffer.from('\ntail'));
    ns.end();
    ls.end();
    expect(tokens.map((t) => t.length)).toEqual([64 * 64 * 1024, 4]);
    expect(lines.map((l) => l.length)).toEqual([64 * 64 * 1024, 4]);
  });

  it('a summary is the redacted first line, cut short; a cut never leaves part of a key', () => {
    const hex = createHash('sha256').update('summary').digest('hex').slice(0, 40);
    const key = ['shippo', 'live', ''].join('_') + hex;
    expect(summaryOf(`fix ${key}\nbody`)).toBe(`fix ${redactKeysIn(key)}`);
    const long = summaryOf(`${'a'.repeat(150)} ${key} ${'b'.repeat(1000)}`);
    expect(long.length).toBe(MAX_SUMMARY);
    expect(long).not.toContain(hex.slice(4, 36));
    const keys = summaryOf(`${`${key} `.repeat(40)}`);
    expect(keys.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(keys).not.toContain(hex.slice(4, 36));
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
