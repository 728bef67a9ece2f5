import { describe, expect, it } from 'vitest';
import { detectors, shippoLiveKey, shippoTestKey, shippoKeyNonstandard, shippoKeyBase64 } from './index.js';
import { fakeKey, fakeHex, keyPrefix } from '../../test/support/fake-keys.js';
import type { Detector } from './types.js';

/** Run one detector over a whole string, the way the engine does: at every needle hit. */
function run(detector: Detector, text: string) {
  const out = [];
  for (const needle of detector.needles) {
    for (let hit = text.indexOf(needle); hit !== -1; hit = text.indexOf(needle, hit + 1)) {
      const m = detector.matchAt(text, hit, needle);
      if (m) out.push(m);
    }
  }
  return out;
}

const live = fakeKey('live', 'detectors');
const test = fakeKey('test', 'detectors');

describe('shippo-live-key boundaries', () => {
  const found = [
    ['after =', `KEY=${live}`],
    ['after : and space', `key: ${live}`],
    ['in double quotes', `"${live}"`],
    ['in single quotes', `'${live}'`],
    ['in backticks', `\`${live}\``],
    ['in parentheses', `fn(${live})`],
    ['in brackets', `[${live}]`],
    ['after ShippoToken', `Authorization: ShippoToken ${live}`],
    ['after ?token=', `https://x.test/?token=${live}&a=1`],
    ['after a \\n escape', `"line\\n${live}"`],
    ['after a \\t escape', `"a\\t${live}"`],
    ['after a \\r escape', `"a\\r${live}"`],
    ['before ,', `${live},next`],
    ['before ;', `${live};`],
    ['before an escape', `"${live}\\n"`],
    ['after a percent-encoded = (URL-encoded query)', `token%3D${live}%26a%3D1`],
    ['after a percent-encoded quote', `q=%22${live}%22`],
    ['after a JSON \\u0022 escape', `{\\u0022key\\u0022:\\u0022${live}\\u0022}`],
    ['after a \\x22 escape', `"\\x22${live}\\x22"`],
    ['after an ANSI colour escape (a coloured log)', `\u001b[1;32m${live}\u001b[0m`],
    ['at end of line', `x ${live}\nnext`],
    ['upper-case hex', `${keyPrefix('live')}${fakeHex('upper').toUpperCase()}`],
  ] as const;
  for (const [name, text] of found) {
    it(`finds a key ${name}`, () => {
      const matches = run(shippoLiveKey, text);
      expect(matches).toHaveLength(1);
      const m = matches[0]!;
      expect(text.slice(m.start, m.end)).toBe(m.key);
      expect(m.kind).toBe('live');
      expect(m.key).toMatch(/^shippo_live_[0-9a-fA-F]{40}$/);
    });
  }

  const notFound = [
    ['with a 41st hex character', `${live}a`],
    ['followed by a letter', `${live}g`],
    ['followed by _', `${live}_x`],
    ['preceded by a letter', `x${live}`],
    ['preceded by a digit', `1${live}`],
    ['preceded by _', `_${live}`],
    ['preceded by a % and one hex digit', `%3${live}`],
    ['preceded by a word that ends in hex digits', `abc%3Dx1f${live}`],
    ['with 39 hex characters', live.slice(0, -1)],
    ['placeholder xxx', `${keyPrefix('live')}xxx`],
    ['placeholder ...', `${keyPrefix('live')}...`],
    ['placeholder <your key>', `${keyPrefix('live')}<your key>`],
    ['placeholder fake', `${keyPrefix('live')}fake`],
    ['placeholder all zeros', `${keyPrefix('live')}${'0'.repeat(40)}`],
    ['placeholder repeated pattern', `${keyPrefix('live')}${'0123456789abcdef'.repeat(3).slice(0, 40)}`],
  ] as const;
  for (const [name, text] of notFound) {
    it(`does not find a key ${name}`, () => {
      expect(run(shippoLiveKey, text)).toEqual([]);
    });
  }

  it('finds two keys written back to back, with no separator, and the same key twice', () => {
    for (const [text, keys] of [
      [`${live}${test}`, [live, test]],
      [`k=${live}${live};`, [live, live]],
      [`${test}${fakeKey('live', 'old', 32)}`, [test]],
    ] as const) {
      const found = detectors.flatMap((d) => run(d, text)).sort((a, b) => a.start - b.start);
      expect(found.filter((m) => m.key.length === live.length).map((m) => m.key)).toEqual(keys);
      for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.key);
    }
  });

  it('tells live from test', () => {
    expect(run(shippoLiveKey, test)).toEqual([]);
    expect(run(shippoTestKey, test)).toHaveLength(1);
    expect(run(shippoTestKey, test)[0]!.kind).toBe('test');
  });
});

describe('UTF-16 text (read as bytes: one character per byte)', () => {
  const bytesOf = (text: string, order: 'le' | 'be') => {
    const le = Buffer.from(text, 'utf16le');
    return (order === 'le' ? le : Buffer.from(le).swap16()).toString('latin1');
  };
  for (const order of ['le', 'be'] as const) {
    it(`finds live and test keys in UTF-16${order.toUpperCase()}, with the span of their bytes`, () => {
      const text = `\uFEFFKEY=${live}\r\nTEST="${test}"\r\n`;
      const bytes = bytesOf(text, order);
      for (const [detector, key] of [
        [shippoLiveKey, live],
        [shippoTestKey, test],
      ] as const) {
        const m = run(detector, bytes);
        expect(m).toHaveLength(1);
        expect(m[0]!.key).toBe(key);
        expect(m[0]!.start).toBe(2 * text.indexOf(key));
        expect(m[0]!.end).toBe(2 * (text.indexOf(key) + key.length));
      }
      expect(run(shippoKeyNonstandard, bytes)).toEqual([]);
    });
    it(`keeps the same boundaries and placeholders in UTF-16${order.toUpperCase()}`, () => {
      for (const text of [`x${live}`, `${live}a`, `${live}_`, `${keyPrefix('live')}${'0'.repeat(40)}`, `${keyPrefix('live')}xxx`]) {
        expect(run(shippoLiveKey, bytesOf(text, order))).toEqual([]);
      }
      expect(run(shippoLiveKey, bytesOf(`url=%3D${live}`, order))).toHaveLength(1);
      expect(run(shippoKeyNonstandard, bytesOf(`k=${fakeKey('test', 'old', 32)}`, order))).toHaveLength(1);
    });
  }
});

describe('shippo-key-nonstandard', () => {
  it('finds 32-hex keys at low confidence', () => {
    const old = fakeKey('test', 'old', 32);
    const m = run(shippoKeyNonstandard, `k=${old}`);
    expect(m).toHaveLength(1);
    expect(m[0]!.key).toBe(old);
    expect(shippoKeyNonstandard.confidence).toBe('low');
    expect(shippoKeyNonstandard.level).toBe('note');
  });
  it('leaves 40-hex keys to the standard detectors and ignores out-of-range lengths', () => {
    expect(run(shippoKeyNonstandard, live)).toEqual([]);
    expect(run(shippoKeyNonstandard, fakeKey('live', 'short', 23))).toEqual([]);
    expect(run(shippoKeyNonstandard, fakeKey('live', 'long', 65))).toEqual([]);
    expect(run(shippoKeyNonstandard, fakeKey('live', 'min', 24))).toHaveLength(1);
    expect(run(shippoKeyNonstandard, fakeKey('live', 'max', 64))).toHaveLength(1);
  });
});

describe('shippo-key-base64', () => {
  for (const pad of ['', 'u', 'us']) {
    for (const alphabet of ['base64', 'base64url'] as const) {
      it(`finds a key after ${pad.length} leading bytes in ${alphabet}`, () => {
        const encoded = Buffer.from(`${pad}${pad ? ':' : ''}${live}`).toString(alphabet);
        const text = `data:\n  token: ${encoded}\n`;
        const m = run(shippoKeyBase64, text);
        expect(m).toHaveLength(1);
        expect(m[0]!.key).toBe(live);
        expect(m[0]!.kind).toBe('live');
        // The span lies inside the encoded text and covers the key's characters.
        const at = text.indexOf(encoded);
        expect(m[0]!.start).toBeGreaterThanOrEqual(at);
        expect(m[0]!.end).toBeLessThanOrEqual(at + encoded.length);
        expect(m[0]!.end - m[0]!.start).toBeGreaterThanOrEqual(Math.floor((live.length * 4) / 3));
      });
    }
  }
  it('finds keys at all three byte alignments', () => {
    for (const lead of ['', ':', ' :', 'u :', 'user:']) {
      const encoded = Buffer.from(`${lead}${test}`).toString('base64');
      expect(run(shippoKeyBase64, encoded).map((m) => m.key)).toEqual([test]);
    }
  });
  it('finds a key whose encoding runs over the line breaks of wrapped base64 (LF, CRLF, indented)', () => {
    for (const lead of ['', 'u', 'us']) {
      const encoded = Buffer.from(`${'#'.repeat(30)}\n${lead}=${live}\n`).toString('base64');
      for (const [width, eol] of [
        [76, '\n'],
        [64, '\r\n'],
        [60, '\n    '],
      ] as const) {
        const text = `data: |\n    ${encoded.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol)}\n`;
        const m = run(shippoKeyBase64, text);
        expect(m.map((x) => x.key)).toEqual([live]);
        expect(text.slice(m[0]!.start, m[0]!.end)).toMatch(/\n/);
      }
    }
  });
  it('finds a key in wrapped base64 inside a JSON string, where the line breaks are \\n escapes', () => {
    const encoded = Buffer.from(`${'#'.repeat(30)}\n=${live}\n`).toString('base64');
    for (const escape of ['\\n', '\\r\\n']) {
      const text = `{"env": "${encoded.match(/.{1,64}/g)!.join(escape)}"}`;
      const m = run(shippoKeyBase64, text);
      expect(m.map((x) => x.key)).toEqual([live]);
      expect(text.slice(m[0]!.start, m[0]!.end)).toContain(escape);
    }
  });
  it('does not join an unpadded value that ends its line with the next line', () => {
    // 2 + 52 bytes: no padding, so the value ends with its last character at the line end.
    const value = Buffer.from(`="${live}`).toString('base64');
    expect(value).not.toMatch(/=$/);
    const text = `KEY_A: ${value}\nABCDEFabcdef0123456789abcdefABCDEF\n`;
    const m = run(shippoKeyBase64, text);
    expect(m.map((x) => x.key)).toEqual([live]);
    expect(m[0]!.end).toBeLessThanOrEqual(text.indexOf('\n'));
  });
  it('does not join a key cut off at a line end with an unrelated line', () => {
    const cut = Buffer.from(`=${live}`).toString('base64').slice(0, 40);
    expect(run(shippoKeyBase64, `${cut}\n${Buffer.from('unrelated text here').toString('base64')}\n`)).toEqual([]);
  });
  it('ignores base64 of a placeholder or of a key glued to a word', () => {
    expect(run(shippoKeyBase64, Buffer.from(`${keyPrefix('live')}xxx`).toString('base64'))).toEqual([]);
    expect(run(shippoKeyBase64, Buffer.from(`abc${live}`).toString('base64'))).toEqual([]);
    expect(run(shippoKeyBase64, Buffer.from(`${live}0`).toString('base64'))).toEqual([]);
  });
});

describe('catalogue', () => {
  it('has unique ids and complete metadata', () => {
    const ids = detectors.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of detectors) {
      expect(d.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.help.text).toMatch(/Settings, API/);
      expect(d.tags).toContain('security');
      expect(d.needles.length).toBeGreaterThan(0);
    }
  });

  it('declares a rarer part only for its own needles, inside the needle, and the same part wherever needles are shared', () => {
    const parts = new Map<string, string>();
    for (const d of detectors) {
      for (const [needle, part] of Object.entries(d.rarerParts ?? {})) {
        expect(d.needles, d.id).toContain(needle);
        expect(part.length, d.id).toBeGreaterThan(0);
        expect(needle.includes(part), `${d.id}: ${JSON.stringify(part)} in ${JSON.stringify(needle)}`).toBe(true);
        expect(parts.get(needle) ?? part, d.id).toBe(part);
        parts.set(needle, part);
      }
    }
    // Every needle of the catalogue has one: the byte search never falls back to a common first byte.
    expect([...parts.keys()].sort()).toEqual([...new Set(detectors.flatMap((d) => d.needles))].sort());
  });

  it('says which detector matches an encoding of the key rather than the key', () => {
    expect(detectors.filter((d) => d.encoding !== undefined).map((d) => [d.id, d.encoding])).toEqual([[shippoKeyBase64.id, 'base64']]);
  });

  it('says how each detector\'s match is described, so no report or rule needs its id', () => {
    expect(detectors.map((d) => [d.id, d.describedAs])).toEqual([
      [shippoLiveKey.id, 'key'],
      [shippoTestKey.id, 'key'],
      [shippoKeyBase64.id, 'encoded-key'],
      [shippoKeyNonstandard.id, 'key-like'],
    ]);
    // An encoded key names its encoding; nothing else has one.
    for (const d of detectors) expect(d.encoding !== undefined, d.id).toBe(d.describedAs === 'encoded-key');
  });
});
