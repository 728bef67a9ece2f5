import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDirectory, pruneVerificationCache, readCachedVerification, recordVerification, writeCachedVerification } from './index.js';

const FP = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const HOUR = 60 * 60 * 1000;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skg-cache-record-'));
  env = { XDG_CACHE_HOME: dir };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recordVerification', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('keeps the original check time, so the entry expires when the first one would have', () => {
    expect(recordVerification(FP, { status: 'live', checkedAt: '2026-03-01T11:30:00Z' }, { env, now })).toBe(true);
    expect(readCachedVerification(FP, { env, now })).toEqual({ status: 'live', checkedAt: '2026-03-01T11:30:00.000Z', expiresAt: '2026-03-01T12:30:00.000Z' });
    expect(readCachedVerification(FP, { env, now: new Date(now.getTime() + HOUR) })).toBeUndefined();
  });

  it('the newer of two verdicts wins, whichever is recorded first', () => {
    writeCachedVerification(FP, 'dead', { env, now: new Date('2026-02-28T00:00:00Z') });
    expect(recordVerification(FP, { status: 'live', checkedAt: '2026-03-01T11:59:00Z' }, { env, now })).toBe(true);
    expect(recordVerification(FP, { status: 'dead', checkedAt: '2026-03-01T10:00:00Z' }, { env, now })).toBe(false);
    expect(readCachedVerification(FP, { env, now })?.status).toBe('live');
  });

  it('writes nothing for an expired verdict, one from the future or an unreadable time', () => {
    expect(recordVerification(FP, { status: 'live', checkedAt: '2026-03-01T10:00:00Z' }, { env, now })).toBe(false);
    expect(recordVerification(FP, { status: 'dead', checkedAt: '2026-03-02T12:00:00Z' }, { env, now })).toBe(false);
    expect(recordVerification(FP, { status: 'dead', checkedAt: 'yesterday' }, { env, now })).toBe(false);
    expect(readCachedVerification(FP, { env, now })).toBeUndefined();
  });
});

describe('pruneVerificationCache', () => {
  it('removes expired and corrupt entries, keeps current ones and files not its own', () => {
    const then = new Date('2026-01-01T00:00:00Z');
    writeCachedVerification(FP, 'live', { env, now: then });
    writeCachedVerification(OTHER, 'dead', { env, now: then });
    writeFileSync(join(cacheDirectory(env), `${'c'.repeat(64)}.json`), 'not json');
    writeFileSync(join(cacheDirectory(env), '.tmp-writer-at-work'), '{}');
    expect(pruneVerificationCache({ env, now: new Date(then.getTime() + 2 * HOUR) })).toBe(2);
    expect(readdirSync(cacheDirectory(env)).sort()).toEqual(['.tmp-writer-at-work', `${OTHER}.json`]);
  });

  it('an absent cache is an empty one', () => {
    expect(pruneVerificationCache({ env: { XDG_CACHE_HOME: join(dir, 'none') } })).toBe(0);
  });
});
