import { describe, expect, it } from 'vitest';
import { planScan } from './plan.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('planScan', () => {
  it('pull_request: base..head from the payload', () => {
    expect(planScan('auto', 'pull_request', { pull_request: { number: 3, base: { sha: A }, head: { sha: B } } })).toMatchObject({ kind: 'range', base: A, head: B });
  });
  it('merge_group: base_sha..head_sha', () => {
    expect(planScan('auto', 'merge_group', { merge_group: { base_sha: A, head_sha: B, head_ref: 'refs/heads/gh-readonly-queue/main/pr-1' } })).toMatchObject({ kind: 'range', base: A, head: B });
  });
  it('push: before..after; a new branch is the whole branch; a deletion is nothing', () => {
    expect(planScan('auto', 'push', { before: A, after: B, ref: 'refs/heads/x' })).toMatchObject({ kind: 'range', base: A, head: B });
    expect(planScan('auto', 'push', { before: Z, after: B, created: true })).toMatchObject({ kind: 'branch', head: B });
    expect(planScan('auto', 'push', { before: A, after: Z, deleted: true })).toMatchObject({ kind: 'none' });
  });
  it('schedule, workflow_dispatch and mode: history scan everything; mode: files scans files', () => {
    expect(planScan('auto', 'schedule', {}).kind).toBe('full');
    expect(planScan('auto', 'workflow_dispatch', {}).kind).toBe('full');
    expect(planScan('history', 'pull_request', {}).kind).toBe('full');
    expect(planScan('files', 'push', {}).kind).toBe('files');
  });
  it('refuses a payload without commit ids instead of scanning nothing', () => {
    expect(() => planScan('auto', 'pull_request', { pull_request: { base: {}, head: { sha: B } } })).toThrow(/pull_request\.base\.sha/);
    expect(() => planScan('auto', 'push', { before: A, after: 'main' })).toThrow(/push after/);
  });
});
