import { describe, expect, it } from 'vitest';
import type { KeyKind } from '@shippo-keyguard/rules';
import type { Finding } from './finding.js';
import { failsPolicy } from './policy.js';
import { findingLevel, levelFor, unverifiedLevel, withVerification, type Level, type VerificationStatus } from './severity.js';

/** The table in docs/architecture.md, row by row: detector, kind, then the level per verification status. */
const TABLE: [string, KeyKind, Record<VerificationStatus, Level>][] = [
  ['shippo-live-key', 'live', { unchecked: 'error', unknown: 'error', live: 'error', dead: 'note' }],
  ['shippo-test-key', 'test', { unchecked: 'error', unknown: 'error', live: 'error', dead: 'note' }],
  ['shippo-key-base64', 'live', { unchecked: 'error', unknown: 'error', live: 'error', dead: 'note' }],
  ['shippo-key-base64', 'test', { unchecked: 'error', unknown: 'error', live: 'error', dead: 'note' }],
  ['shippo-key-nonstandard', 'live', { unchecked: 'note', unknown: 'note', live: 'error', dead: 'note' }],
  ['shippo-key-nonstandard', 'test', { unchecked: 'note', unknown: 'note', live: 'error', dead: 'note' }],
];

const finding = (detector: string, kind: KeyKind, level: Level) =>
  ({ detector, kind, level, confidence: level === 'note' ? 'low' : 'high' }) as Finding;

describe('severity: (detector, key kind, verification status) -> level', () => {
  for (const [detector, kind, levels] of TABLE) {
    for (const [status, expected] of Object.entries(levels) as [VerificationStatus, Level][]) {
      it(`${detector}, ${kind} key, ${status}: ${expected}`, () => {
        const before = unverifiedLevel(detector, kind);
        expect(levelFor(before, status)).toBe(expected);
        const f = status === 'unchecked' ? finding(detector, kind, before) : withVerification(finding(detector, kind, before), { status });
        expect(f.level).toBe(expected);
        expect(findingLevel(f)).toBe(expected);
      });
    }
  }

  it('the configuration replaces the unverified level; verification still decides after it', () => {
    expect(unverifiedLevel('shippo-test-key', 'test', 'warning')).toBe('warning');
    expect(levelFor('warning', 'unknown')).toBe('warning');
    expect(levelFor('warning', 'live')).toBe('error');
    expect(levelFor('warning', 'dead')).toBe('note');
    expect(unverifiedLevel('a-detector-we-do-not-know', 'live')).toBe('error');
  });

  it('verifying twice is the same as once: the level before verification is kept', () => {
    const once = withVerification(finding('shippo-live-key', 'live', 'error'), { status: 'dead' });
    expect(once).toMatchObject({ level: 'note', unverifiedLevel: 'error' });
    const twice = withVerification(once, { status: 'live' });
    expect(twice.level).toBe('error');
    expect(twice.unverifiedLevel).toBeUndefined();
  });

  it('fail policy: a live key fails everywhere; a test key fails --fail-on any; a dead key shown as a note still fails any', () => {
    const live = withVerification(finding('shippo-live-key', 'live', 'error'), { status: 'live' });
    const test = finding('shippo-test-key', 'test', unverifiedLevel('shippo-test-key', 'test'));
    const dead = withVerification(finding('shippo-live-key', 'live', 'error'), { status: 'dead' });
    const lowDead = withVerification(finding('shippo-key-nonstandard', 'live', 'note'), { status: 'dead' });
    for (const failOn of ['any', 'not-dead', 'live'] as const) expect(failsPolicy(live, failOn)).toBe(true);
    expect([failsPolicy(test, 'any'), failsPolicy(test, 'not-dead'), failsPolicy(test, 'live')]).toEqual([true, true, false]);
    expect([failsPolicy(dead, 'any'), failsPolicy(dead, 'not-dead'), failsPolicy(dead, 'live')]).toEqual([true, false, false]);
    expect(failsPolicy(lowDead, 'any')).toBe(false);
  });
});
