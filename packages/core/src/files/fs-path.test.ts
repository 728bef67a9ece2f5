import { describe, expect, it } from 'vitest';
import { fsPathFromBytes, insideGitDir, isWithin, joinFsPath, printablePath } from './fs-path.js';

describe('fs paths', () => {
  it('keep raw bytes only when a name is not UTF-8', () => {
    expect(fsPathFromBytes(Buffer.from('ключ.env'))).toBe('ключ.env');
    expect(Buffer.isBuffer(fsPathFromBytes(Buffer.from([0x61, 0xff])))).toBe(true);
    expect(joinFsPath('/a/', 'b')).toBe('/a/b');
    expect([...(joinFsPath('/a', Buffer.from([0xff])) as Buffer)]).toEqual([0x2f, 0x61, 0x2f, 0xff]);
  });

  it('containment and .git segments', () => {
    expect(isWithin('/r', '/r/x')).toBe(true);
    expect(isWithin('/r', '/r')).toBe(true);
    expect(isWithin('/r', '/rx/y')).toBe(false);
    expect(insideGitDir('a/.git/config')).toBe(true);
    expect(insideGitDir('a/.github/x')).toBe(false);
  });

  it('escape control characters for one-line messages', () => {
    expect(printablePath('new\nline\t\u0001.env')).toBe('new\\nline\\t\\x01.env');
    // Shown as they are, these would make a terminal show another name: a bidi override reads backwards.
    expect(printablePath('key\u202Evne.txt')).toBe('key\\u202evne.txt');
    expect(printablePath('a\u0085b\u2028c\u2067d\u200fe')).toBe('a\\x85b\\u2028c\\u2067d\\u200fe');
    expect(printablePath('ключ 😀 é.env')).toBe('ключ 😀 é.env');
  });
});
