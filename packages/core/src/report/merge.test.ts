import { describe, expect, it } from 'vitest';
import type { Finding, Verification } from '../finding.js';
import { mergeReports } from './merge.js';
import type { ReportInput } from './read-json.js';
import { parseJsonReport, ReportInputError } from './read-json.js';
import { repositoryNameOf } from './repository-name.js';

const FP = (c: string) => c.repeat(64);

function finding(fp: string, path: string, verification?: Verification): Finding {
  return {
    detector: 'shippo-live-key', kind: 'live', confidence: 'high', level: 'error', path,
    startLine: 1, startColumn: 1, endLine: 1, endColumn: 53, startOffset: 0, endOffset: 52,
    fingerprint: fp, redacted: 'shippo_live_abcd…ef01', binary: false, source: 'file',
    ...(verification ? { verification } : {}),
  };
}

function input(name: string, findings: Finding[], endedAt = '2026-01-01T00:00:00Z'): ReportInput {
  return { name, repository: { name }, root: '/r', command: 'scan', exitCode: 1, endedAt, findings, warnings: [], file: `${name}.json` };
}

describe('mergeReports', () => {
  it('gives every place of a key the best verdict: an answer beats unknown, the newer answer wins', () => {
    const live: Verification = { status: 'live', checkedAt: '2026-01-01T00:00:00Z' };
    const deadLater: Verification = { status: 'dead', checkedAt: '2026-02-01T00:00:00Z' };
    const merged = mergeReports([
      input('o/a', [finding(FP('a'), 'x', live)]),
      input('o/b', [finding(FP('a'), 'y', { status: 'unknown', reason: 'timeout' })]),
      input('o/c', [finding(FP('a'), 'z', deadLater)]),
    ]);
    expect(merged.keys).toHaveLength(1);
    expect(merged.keys[0]!.verification).toEqual(deadLater);
    expect(merged.findings.map((f) => f.verification?.status)).toEqual(['dead', 'dead', 'dead']);
    expect(merged.repositories.map((r) => [r.name, r.dead])).toEqual([['o/a', 1], ['o/b', 1], ['o/c', 1]]);
  });

  it('orders keys live, unknown, not verified, dead; marks new ones only when compared', () => {
    const merged = mergeReports(
      [input('o/a', [finding(FP('d'), 'd', { status: 'dead' }), finding(FP('u'), 'u'), finding(FP('l'), 'l', { status: 'live' }), finding(FP('k'), 'k', { status: 'unknown' })])],
      new Set([FP('l')]),
    );
    expect(merged.keys.map((k) => [k.fingerprint[0], k.new])).toEqual([['l', false], ['k', true], ['u', true], ['d', true]]);
    expect(mergeReports([input('o/a', [finding(FP('a'), 'a')])]).keys[0]).not.toHaveProperty('new');
  });

  it('the newest report of a repository names its refs', () => {
    const older = { ...input('o/a', []), repository: { name: 'o/a', refs: { 'refs/heads/main': '1'.repeat(40) } } };
    const newer = { ...input('o/a', [], '2026-03-01T00:00:00Z'), repository: { name: 'o/a', refs: { 'refs/heads/main': '2'.repeat(40) } } };
    expect(mergeReports([newer, older]).repositories[0]!.refs).toEqual({ 'refs/heads/main': '2'.repeat(40) });
  });
});

describe('parseJsonReport and repositoryNameOf', () => {
  it('drops a key a --no-redact report holds, and refuses what is not a report', () => {
    const body = { version: 1, tool: { name: 'shippo-keyguard' }, command: 'history', findings: [{ ...finding(FP('a'), 'p'), key: 'the-key-itself' }] };
    const [parsed] = parseJsonReport(JSON.stringify(body), 'r.json');
    expect(JSON.stringify(parsed)).not.toContain('the-key-itself');
    expect(() => parseJsonReport(JSON.stringify({ ...body, version: 2 }), 'r.json')).toThrow(ReportInputError);
    expect(() => parseJsonReport(JSON.stringify({ ...body, findings: [{ path: 'p' }] }), 'r.json')).toThrow(/findings\[0\]/);
  });

  it('names a repository by its remote', () => {
    expect(repositoryNameOf('https://github.com/acme/shop.git')).toBe('acme/shop');
    expect(repositoryNameOf('git@github.com:acme/shop.git')).toBe('acme/shop');
    expect(repositoryNameOf('ssh://git@ghe.example.com/acme/shop')).toBe('acme/shop');
    expect(repositoryNameOf('https://gitlab.com/group/sub/project.git')).toBe('group/sub/project');
    expect(repositoryNameOf('file:///srv/repo')).toBeUndefined();
    expect(repositoryNameOf('/srv/repo')).toBeUndefined();
  });
});
