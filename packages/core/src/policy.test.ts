import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.js';
import { failsPolicy } from './policy.js';

const base = { confidence: 'high', level: 'error' } as Finding;
const withStatus = (status: 'live' | 'dead' | 'unknown') => ({ ...base, verification: { status } }) as Finding;

describe('failsPolicy', () => {
  it('any: every finding that is not a note, whatever its verification', () => {
    expect(failsPolicy(base, 'any')).toBe(true);
    expect(failsPolicy(withStatus('dead'), 'any')).toBe(true);
    expect(failsPolicy({ ...base, level: 'warning' } as Finding, 'any')).toBe(true);
    expect(failsPolicy({ ...base, level: 'note' } as Finding, 'any')).toBe(false);
    expect(failsPolicy({ ...withStatus('dead'), level: 'note' } as Finding, 'any')).toBe(false);
    expect(failsPolicy({ ...withStatus('live'), level: 'note' } as Finding, 'live')).toBe(true);
  });
  it('not-dead lets verified-dead keys pass; live fails only verified-live keys', () => {
    expect(failsPolicy(withStatus('dead'), 'not-dead')).toBe(false);
    expect(failsPolicy(withStatus('unknown'), 'not-dead')).toBe(true);
    expect(failsPolicy(base, 'not-dead')).toBe(true);
    expect(failsPolicy(withStatus('live'), 'live')).toBe(true);
    expect(failsPolicy(withStatus('unknown'), 'live')).toBe(false);
    expect(failsPolicy(base, 'live')).toBe(false);
  });
});
