import { describe, expect, it } from 'vitest';
import { backoffDelay, serverRequestedWait } from './backoff.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('serverRequestedWait', () => {
  it('Retry-After in seconds', () => {
    expect(serverRequestedWait({ 'retry-after': '3' }, NOW)).toBe(3000);
    expect(serverRequestedWait({ 'retry-after': '0' }, NOW)).toBe(0);
  });
  it('Retry-After as an HTTP date, never negative', () => {
    expect(serverRequestedWait({ 'retry-after': new Date(NOW + 45_000).toUTCString() }, NOW)).toBe(45_000);
    expect(serverRequestedWait({ 'retry-after': new Date(NOW - 45_000).toUTCString() }, NOW)).toBe(0);
  });
  it('X-RateLimit-Reset in epoch seconds, or small values as seconds from now', () => {
    expect(serverRequestedWait({ 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toBe(30_000);
    expect(serverRequestedWait({ 'x-ratelimit-reset': '15' }, NOW)).toBe(15_000);
  });
  it('Retry-After wins over X-RateLimit-Reset; nonsense is no hint', () => {
    expect(serverRequestedWait({ 'retry-after': '2', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toBe(2000);
    expect(serverRequestedWait({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    // Date.parse takes these as dates in 2001: they must not read as "retry now".
    for (const junk of ['-5', 'garbage 1', '1 2', '-0.5']) expect(serverRequestedWait({ 'retry-after': junk }, NOW)).toBeUndefined();
    expect(serverRequestedWait({ 'x-ratelimit-reset': '-5' }, NOW)).toBeUndefined();
    expect(serverRequestedWait({}, NOW)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt, jitter in the upper half, capped', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, () => 0.5)).toBe(22_500);
  });
});
