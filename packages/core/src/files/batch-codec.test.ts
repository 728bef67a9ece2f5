import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from './batch-codec.js';
import type { Target } from './read-scan.js';

describe('worker batch codec', () => {
  it('round-trips string and raw-byte paths, flags and roots', () => {
    const targets: Target[] = [
      { path: '/r/a.env', rel: 'a.env', root: 0, fromGit: true, regular: true },
      { path: Buffer.from([0x2f, 0x72, 0x2f, 0xff]), rel: 'r/\uFFFD', root: 1 },
      { path: '/r/new\nline', rel: 'new\nline', root: 0, regular: true },
      { path: '/r/x', rel: 'x', root: 2, fromGit: true },
    ];
    const decoded = decodeBatch(structuredClone(encodeBatch(targets)));
    expect(decoded.map((t) => ({ ...t, path: typeof t.path === 'string' ? t.path : [...t.path] }))).toEqual(
      targets.map((t) => ({ ...t, path: typeof t.path === 'string' ? t.path : [...t.path] })),
    );
    expect(Buffer.isBuffer(decoded[1]!.path)).toBe(true);
  });
});
