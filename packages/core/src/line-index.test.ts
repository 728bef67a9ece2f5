import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index.js';

describe('LineIndex', () => {
  it('counts LF, CRLF and lone CR as line breaks', () => {
    const text = 'a\nbb\r\nccc\rdddd';
    const idx = new LineIndex(text);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.position(text.indexOf('bb'))).toEqual({ line: 2, column: 1 });
    expect(idx.position(text.indexOf('ccc') + 2)).toEqual({ line: 3, column: 3 });
    expect(idx.position(text.indexOf('dddd') + 1)).toEqual({ line: 4, column: 2 });
  });

  it('gives the same line and column for a Buffer (byte offsets) as for the string (UTF-16 offsets)', () => {
    const text = '// é ü 😀\r\nconst x = "ñ😀 TARGET";\n';
    const buf = Buffer.from(text, 'utf8');
    const fromText = new LineIndex(text).position(text.indexOf('TARGET'));
    const fromBytes = new LineIndex(buf).position(buf.indexOf('TARGET'));
    expect(fromText).toEqual({ line: 2, column: 16 });
    expect(fromBytes).toEqual(fromText);
  });

  it('gives a byte order mark no column, as editors and ESLint do', () => {
    const text = '\uFEFFconst k = "TARGET";\nTARGET';
    const buf = Buffer.from(text, 'utf8');
    expect(buf.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(new LineIndex(text).position(text.indexOf('TARGET'))).toEqual({ line: 1, column: 12 });
    expect(new LineIndex(buf).position(buf.indexOf('TARGET'))).toEqual({ line: 1, column: 12 });
    // Only line 1 holds the mark.
    expect(new LineIndex(buf).position(buf.lastIndexOf('TARGET'))).toEqual({ line: 2, column: 1 });
    expect(new LineIndex('\uFEFF').position(0)).toEqual({ line: 1, column: 1 });
  });

  it('handles a file without line breaks and an offset at the end', () => {
    const buf = Buffer.from('x'.repeat(1000));
    expect(new LineIndex(buf).position(1000)).toEqual({ line: 1, column: 1001 });
  });

  it('gives the same answers when one index is asked many times, in and out of order (a Buffer reuses the last position)', () => {
    const line = Array.from({ length: 200 }, (_, i) => `é${i}😀 TARGET`).join(' ');
    const buf = Buffer.from(`\uFEFFhead ñ TARGET\n${line}\r\n${line}\n`, 'utf8');
    const offsets: number[] = [];
    for (let at = buf.indexOf('TARGET'); at !== -1; at = buf.indexOf('TARGET', at + 1)) offsets.push(at, at + 6);
    expect(offsets.length).toBe(2 * 401);
    const shared = new LineIndex(buf);
    const order = [...offsets, ...offsets.slice().reverse(), offsets[10]!, offsets[500]!, offsets[3]!];
    for (const offset of order) expect(shared.position(offset)).toEqual(new LineIndex(buf).position(offset));
    // The string form of the same text agrees, TARGET by TARGET.
    const text = buf.toString('utf8');
    const textOffsets: number[] = [];
    for (let at = text.indexOf('TARGET'); at !== -1; at = text.indexOf('TARGET', at + 1)) textOffsets.push(at);
    expect(textOffsets.map((o) => new LineIndex(text).position(o))).toEqual(offsets.filter((_, i) => i % 2 === 0).map((o) => shared.position(o)));
  });
});
