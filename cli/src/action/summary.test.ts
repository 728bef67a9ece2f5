import { describe, expect, it } from 'vitest';
import type { Finding } from '@shippo-keyguard/core';
import { jobSummary, MAX_ROWS } from './summary.js';
import type { JsonReport } from './report.js';

const finding = (i: number): Finding => ({
  detector: 'shippo-live-key',
  kind: 'live',
  confidence: 'high',
  level: 'error',
  path: `dir with space/a|${i}.env`,
  startLine: i + 1,
  startColumn: 1,
  endLine: i + 1,
  endColumn: 53,
  startOffset: 0,
  endOffset: 52,
  fingerprint: String(i).padStart(64, '0'),
  redacted: 'shippo_live_abcd…ef01',
  binary: false,
  source: 'history',
  introduced: { commit: 'c'.repeat(40), author: 'A', email: 'a@example.com', date: '2024-01-01T00:00:00Z' },
  verification: { status: i % 2 === 0 ? 'live' : 'dead' },
});

function report(n: number): JsonReport {
  const findings = Array.from({ length: n }, (_, i) => finding(i));
  return {
    command: 'history',
    exitCode: 1,
    summary: { findings: n, keys: n, live: Math.ceil(n / 2), dead: Math.floor(n / 2), unknown: 0, unchecked: 0, suppressed: 0, scanned: 9 },
    findings,
    warnings: [],
  };
}

const links = { server: 'https://github.com', repository: 'acme/shop', sha: 'd'.repeat(40), prefix: '' };

describe('jobSummary', () => {
  it('links each finding to its file at its commit and to the commit, escaping table cells and URLs', () => {
    const md = jobSummary(report(2), links, 'the full history', []);
    expect(md).toContain(`[dir with space/a\\|0.env:1](https://github.com/acme/shop/blob/${'c'.repeat(40)}/dir%20with%20space/a%7C0.env#L1)`);
    expect(md).toContain(`[ccccccc](https://github.com/acme/shop/commit/${'c'.repeat(40)})`);
    expect(md).toContain('Verification: 1 live, 1 dead, 0 unknown, 0 not verified.');
    expect(md).toContain('| live |');
  });
  it('escapes markdown and HTML in file names, so a file name cannot break the table or the link, or inject markup', () => {
    const odd = { ...finding(0), path: 'we|ird/a<img src=x>*b*_c_`d`[e](f)g).env\nnext' };
    const md = jobSummary({ ...report(1), findings: [odd] }, links, 'the files in a<b>*c*', []);
    const row = md.split('\n').find((l) => l.startsWith('| ['));
    expect(row).toBe(
      `| [we\\|ird/a\\<img src=x\\>\\*b\\*\\_c\\_\\\`d\\\`\\[e\\](f)g).env next:1](https://github.com/acme/shop/blob/${'c'.repeat(40)}/we%7Cird/a%3Cimg%20src%3Dx%3E*b*_c_%60d%60%5Be%5D%28f%29g%29.env%0Anext#L1) | \`shippo_live_abcd…ef01\` | live | shippo-live-key | [ccccccc](https://github.com/acme/shop/commit/${'c'.repeat(40)}) | live |`,
    );
    expect(md).toContain('Scanned: the files in a\\<b\\>\\*c\\* (9 blobs and messages).');
    expect(md).not.toMatch(/(^|[^\\])<(img|b)/); // every < is escaped: shown as text, never a tag
  });
  it('links a finding inside an archive to the committed file without a line (the line is the inner file\'s) and shows the inner path', () => {
    const inside: Finding = { ...finding(2), path: 'dist/release.zip', archive: [{ format: 'tar', path: 'lib.tar' }, { format: 'zip', path: 'config/.env' }] };
    const md = jobSummary({ ...report(1), findings: [inside] }, links, 'the full history', []);
    const row = md.split('\n').find((l) => l.startsWith('| ['));
    expect(row).toContain(`| [dist/release.zip](https://github.com/acme/shop/blob/${'c'.repeat(40)}/dist/release.zip)!lib.tar!config/.env:3 |`);
    expect(md).not.toContain('#L3');
  });
  it('stays bounded on a huge history', () => {
    const md = jobSummary(report(MAX_ROWS + 7), links, 'the full history', []);
    expect(md.split('\n').filter((l) => l.startsWith('| [')).length).toBe(MAX_ROWS);
    expect(md).toContain('…and 7 more');
  });
});
