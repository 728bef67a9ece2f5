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
});
