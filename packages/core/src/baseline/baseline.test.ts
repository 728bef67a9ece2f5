import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/load.js';
import { entriesFromFindings, formatBaseline, parseBaseline, updateBaseline, type FindingLike } from './index.js';

const fp = (c: string) => c.repeat(64);
const f = (fingerprint: string, path: string, startLine = 1, introduced?: { commit: string; date: string }): FindingLike => ({
  fingerprint,
  detector: 'shippo-live-key',
  redacted: 'shippo_live_abcd…wxyz',
  path,
  startLine,
  ...(introduced ? { introduced } : {}),
});

describe('entriesFromFindings', () => {
  it('keeps one entry per key, first seen at the first place in report order', () => {
    const entries = entriesFromFindings([f(fp('b'), 'z.js', 9), f(fp('a'), 'b.js', 3), f(fp('a'), 'a.js', 7), f(fp('a'), 'a.js', 2)], '2026-01-01');
    expect(entries.map((e) => [e.fingerprint[0], e.firstSeen.path])).toEqual([
      ['b', 'z.js'],
      ['a', 'a.js'],
    ]);
  });
  it('for history, first seen is the oldest introducing commit', () => {
    const entries = entriesFromFindings(
      [f(fp('a'), 'a.js', 1, { commit: 'c2', date: '2024-05-01T00:00:00Z' }), f(fp('a'), 'z.js', 1, { commit: 'c1', date: '2023-01-01T00:00:00Z' })],
      '2026-01-01',
    );
    expect(entries[0]?.firstSeen).toEqual({ path: 'z.js', commit: 'c1' });
  });
});

describe('updateBaseline and formatBaseline', () => {
  it('formats the same entries to the same bytes, whatever their order', () => {
    const a = updateBaseline(undefined, [f(fp('c'), 'x'), f(fp('a'), 'y')], { date: '2026-01-01' }).baseline;
    const b = updateBaseline(undefined, [f(fp('a'), 'y'), f(fp('c'), 'x')], { date: '2026-01-01' }).baseline;
    expect(formatBaseline(a)).toBe(formatBaseline(b));
    expect(formatBaseline(a).indexOf(fp('a'))).toBeLessThan(formatBaseline(a).indexOf(fp('c')));
  });
  it('keeps known entries untouched, adds new ones, keeps or prunes stale ones', () => {
    const previous = parseBaseline(
      JSON.stringify({
        version: 1,
        entries: [
          { fingerprint: fp('a'), detector: 'shippo-live-key', redacted: 'r', firstSeen: { path: 'old.js' }, date: '2020-01-01', reason: 'why' },
          { fingerprint: fp('d'), detector: 'shippo-live-key', redacted: 'r', firstSeen: { path: 'gone.js' }, date: '2020-01-01' },
        ],
      }),
      'b.json',
    );
    const kept = updateBaseline(previous, [f(fp('a'), 'new.js'), f(fp('e'), 'e.js')], { date: '2026-01-01' });
    expect(kept.added.map((e) => e.fingerprint)).toEqual([fp('e')]);
    expect(kept.stale.map((e) => e.fingerprint)).toEqual([fp('d')]);
    expect(kept.baseline.entries.find((e) => e.fingerprint === fp('a'))).toEqual(previous.entries[0]);
    expect(kept.baseline.entries).toHaveLength(3);
    const pruned = updateBaseline(previous, [f(fp('a'), 'new.js')], { date: '2026-01-01', prune: true });
    expect(pruned.baseline.entries.map((e) => e.fingerprint)).toEqual([fp('a')]);
  });
  it('rejects a malformed file with the field named', () => {
    expect(() => parseBaseline('{"version":2,"entries":[]}', 'b.json')).toThrow(ConfigError);
    expect(() => parseBaseline('{"version":1,"entries":[{"fingerprint":"x"}]}', 'b.json')).toThrow(/b\.json: entries\[0\]\.detector: required field is missing/);
    expect(() => parseBaseline('not json', 'b.json')).toThrow(/b\.json: not a valid baseline \(JSON\)/);
  });
});
