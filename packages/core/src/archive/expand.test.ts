import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../../../../test/support/fake-keys.js';
import { DEFAULT_ARCHIVE_LIMITS, expand } from './expand.js';
import { archivePath } from './path.js';
import { scanArchiveContent } from './scan.js';
import type { Finding } from '../finding.js';
import { scanContent } from '../scan-content.js';
import { fingerprintOf } from '../secret.js';
import { sniff } from './sniff.js';
import { TarParser, tarEntries } from './tar.js';
import { WINDOW_BYTES, WINDOW_OVERLAP } from './windows.js';

const dir = mkdtempSync(join(tmpdir(), 'skg-expand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tar built by GNU tar from the given files, in the given format. */
function gnuTar(files: Record<string, string | Buffer>, format: 'gnu' | 'pax' | 'ustar', name: string): Buffer {
  const src = join(dir, `${name}-src`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  execFileSync('tar', [`--format=${format}`, '-cf', join(dir, name), ...Object.keys(files)], { cwd: src });
  return readFileSync(join(dir, name));
}

describe('sniff', () => {
  it('knows gzip, zip and tar by their bytes, and nothing else', () => {
    expect(sniff(gzipSync('a'))).toBe('gzip');
    expect(sniff(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe('zip');
    expect(sniff(gnuTar({ 'a.txt': 'a' }, 'ustar', 'sniff.tar'))).toBe('tar');
    expect(sniff(Buffer.from('plain text that is long enough'.repeat(30)))).toBeUndefined();
    expect(sniff(Buffer.from([0x1f]))).toBeUndefined();
    expect(sniff(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('tar reader', () => {
  const long = `${'deep/'.repeat(30)}settings.env`;
  it.each(['gnu', 'pax'] as const)('reads %s long names, whole or fed a few bytes at a time', (format) => {
    const bytes = gnuTar({ [long]: 'one\n', 'short.txt': 'two\n' }, format, `long-${format}.tar`);
    const whole = [...tarEntries(bytes, 1 << 20)].filter((e) => e.type === 'file');
    expect(whole.map((e) => [e.name, e.data?.toString()])).toEqual([
      [long, 'one\n'],
      ['short.txt', 'two\n'],
    ]);
    // Chunk boundaries anywhere (in headers, data and padding) change nothing.
    const parser = new TarParser(1 << 20);
    for (let at = 0; at < bytes.length; at += 7) parser.push(bytes.subarray(at, at + 7));
    parser.end();
    expect(parser.take().filter((e) => e.type === 'file').map((e) => [e.name, e.data?.toString()])).toEqual(whole.map((e) => [e.name, e.data?.toString()]));
  });

  it('says which header is corrupt and keeps the entries before it', () => {
    const bytes = Buffer.from(gnuTar({ 'a.txt': 'a\n', 'b.txt': 'b\n' }, 'ustar', 'corrupt.tar'));
    bytes[1024 + 10] = 0x41; // the second header's name, without fixing its checksum
    const seen: string[] = [];
    expect(() => {
      for (const e of tarEntries(bytes, 1 << 20)) seen.push(e.name);
    }).toThrow(/tar header at byte 1024 is corrupt/);
    expect(seen).toEqual(['a.txt']);
  });

  it('keeps no more than the entry limit of an entry, and says how big it was', () => {
    const bytes = gnuTar({ 'big.bin': Buffer.alloc(5000, 1), 'small.txt': 's' }, 'ustar', 'limit.tar');
    const entries = [...tarEntries(bytes, 4096)];
    expect(entries.map((e) => [e.name, e.size, e.data === undefined])).toEqual([
      ['big.bin', 5000, true],
      ['small.txt', 1, false],
    ]);
  });
});

describe('expand', () => {
  it('reads a .tar.gz entry by entry: its whole can be far over the per-entry limit', () => {
    const key = fakeKey('live', 'expand-streamed');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 6; i++) files[`part${i}.bin`] = Buffer.alloc(700 * 1024, 0x2e);
    files['last/.env'] = Buffer.from(`A=1\nKEY=${key}\n`);
    const tgz = gzipSync(gnuTar(files, 'ustar', 'streamed.tar'));
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: 1 << 20 };
    const result = scanArchiveContent(tgz, { path: 'release.tgz' }, limits);
    expect(result.warnings).toEqual([]);
    expect(result.findings.map((f) => [archivePath(f.path, f.archive), f.startLine, f.startColumn])).toEqual([['release.tgz!last/.env', 2, 5]]);
  });

  it('names a gzip stream without a recorded name after its container, and one with a name by it', () => {
    const [item] = [...expand(gzipSync('text'))];
    expect(item?.chain).toEqual([{ format: 'gzip', path: '' }]);
    expect(archivePath('notes.txt.gz', item?.chain)).toBe('notes.txt.gz!notes.txt');
    expect(archivePath('data', item?.chain)).toBe('data!data~');
    expect(archivePath('logs/app.log.gz', [{ format: 'gzip', path: '' }])).toBe('logs/app.log.gz!app.log');
    expect(archivePath('r.tgz', [{ format: 'gzip', path: '' }])).toBe('r.tgz!r.tar');
    writeFileSync(join(dir, 'named.txt'), 'hello');
    execFileSync('gzip', ['-k', 'named.txt'], { cwd: dir });
    expect([...expand(readFileSync(join(dir, 'named.txt.gz')))].map((i) => i.chain)).toEqual([[{ format: 'gzip', path: 'named.txt' }]]);
  });

  it('hands back content that is no archive as it is, and opens nothing at depth 0', () => {
    const plain = Buffer.from('just text');
    expect([...expand(plain)]).toEqual([{ chain: [], bytes: plain }]);
    const gz = gzipSync('inside');
    expect([...expand(gz, { ...DEFAULT_ARCHIVE_LIMITS, depth: 0 })]).toEqual([{ chain: [], bytes: gz }]);
  });

  it('does not parse a zip that declares more entries than the limit', () => {
    const src = join(dir, 'many');
    mkdirSync(src);
    for (let i = 0; i < 30; i++) writeFileSync(join(src, `e${i}`), '');
    execFileSync('zip', ['-q', '-X', join(dir, 'many.zip'), ...Array.from({ length: 30 }, (_v, i) => `e${i}`)], { cwd: src });
    const items = [...expand(readFileSync(join(dir, 'many.zip')), { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 10 })];
    expect(items.filter((i) => i.warning).map((i) => i.warning?.message)).toEqual(['declares 30 entries, more than the limit of 10; not opened']);
    expect(items.filter((i) => i.warning).map((i) => i.warning?.code)).toEqual(['archive-too-large']);
  });

  it('stops a file at the total budget once, however many entries are left', () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 20; i++) files[`z${i}`] = Buffer.alloc(256 * 1024);
    const tgz = gzipSync(gnuTar(files, 'ustar', 'budget.tar'));
    const items = [...expand(tgz, { ...DEFAULT_ARCHIVE_LIMITS, maxTotalBytes: 1 << 20 })];
    const warnings = items.filter((i) => i.warning);
    expect(warnings.map((w) => w.warning?.message)).toEqual([expect.stringMatching(/^inflates to more than 1048576 bytes in total/)]);
    expect(items.filter((i) => !i.warning).length).toBeLessThan(5);
  });
});

describe('a gzip stream past the per-entry limit', () => {
  it('is searched in overlapping windows that find what a search of the whole finds, once each, at the same places', () => {
    const plain = fakeKey('live', 'window-plain');
    const wide = fakeKey('test', 'window-utf16');
    const encoded = fakeKey('live', 'window-base64');
    const line = `${'filler, CRLF '.repeat(5)}`.slice(0, 62) + '\r\n';
    const content = Buffer.alloc(20 << 20, line);
    // A line (a multiple of 64 bytes, so the lines around it stay in place) at `start`, holding `body` from byte `at`.
    const put = (start: number, at: number, body: Buffer, length: number) => {
      const text = Buffer.alloc(length, '.');
      text.fill('#', 0, at);
      body.copy(text, at);
      text.write('\r\n', length - 2);
      text.copy(content, start);
    };
    const edge1 = WINDOW_BYTES + WINDOW_OVERLAP;
    const edge2 = 2 * WINDOW_BYTES + WINDOW_OVERLAP;
    // Each across a window edge: UTF-16, 40 bytes before the first; base64 and plain, around the second.
    put(edge1 - 40 - ((edge1 - 40) % 64), (edge1 - 40) % 64, Buffer.from(`=${wide}`, 'utf16le'), 192);
    put(edge2 - 30 - ((edge2 - 30) % 64) - 512, 0, Buffer.from(Buffer.from(`="${encoded}"`).toString('base64')), 128);
    put(edge2 - 20 - ((edge2 - 20) % 64), (edge2 - 20) % 64, Buffer.from(plain), 128);
    // One in a window's overlap only: found once, not twice.
    put(WINDOW_BYTES + 64, 3, Buffer.from(`K=${plain}`), 128);

    const pick = (f: Finding) => [f.fingerprint, f.startOffset, f.endOffset, f.startLine, f.startColumn, f.endLine, f.endColumn];
    const whole = scanContent(content, { path: 'big.log' });
    expect(whole.map((f) => f.fingerprint).sort()).toEqual([encoded, plain, plain, wide].map(fingerprintOf).sort());
    const { findings, warnings } = scanArchiveContent(gzipSync(content), { path: 'big.log.gz' }, { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: 1 << 20 });
    expect(warnings).toEqual([]);
    expect(findings.every((f) => f.archive?.[0]?.format === 'gzip')).toBe(true);
    const byOffset = (a: Finding, b: Finding) => a.startOffset - b.startOffset;
    // Lines and columns of a key in UTF-16 are counted in the window's own characters; offsets always match.
    expect(findings.sort(byOffset).map((f) => (f.fingerprint === fingerprintOf(wide) ? pick(f).slice(0, 3) : pick(f)))).toEqual(
      whole.sort(byOffset).map((f) => (f.fingerprint === fingerprintOf(wide) ? pick(f).slice(0, 3) : pick(f))),
    );
  });

  it('stops at the per-file budget with one warning, after searching what inflated before it', () => {
    const key = fakeKey('live', 'window-budget');
    const content = Buffer.concat([Buffer.from(`K=${key}\n`), Buffer.alloc(40 << 20, 'x')]);
    const { findings, warnings } = scanArchiveContent(gzipSync(content), { path: 'big.gz' }, { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: 1 << 20, maxTotalBytes: 24 << 20 });
    expect(findings.map((f) => [f.fingerprint, f.startLine, f.startColumn])).toEqual([[fingerprintOf(key), 1, 3]]);
    expect(warnings.map((w) => w.code)).toEqual(['archive-too-large']);
    expect(warnings[0]!.message).toMatch(/^big\.gz: inflates to more than 25165824 bytes in total/);
  });
});
