import { describe, expect, it } from 'vitest';
import type { Finding } from '@shippo-keyguard/core';
import { annotation } from './annotations.js';

const finding: Finding = {
  detector: 'shippo-live-key',
  kind: 'live',
  confidence: 'high',
  level: 'error',
  path: 'dir,with:odd%chars/a.env',
  startLine: 3,
  startColumn: 5,
  endLine: 3,
  endColumn: 57,
  startOffset: 0,
  endOffset: 52,
  fingerprint: 'f'.repeat(64),
  redacted: 'shippo_live_abcd…ef01',
  binary: false,
  source: 'file',
};

describe('annotation', () => {
  it('escapes properties and data the way the runner parses workflow commands', () => {
    const line = annotation(finding, { prefix: 'sub' }, 'any');
    expect(line.startsWith('::error file=sub/dir%2Cwith%3Aodd%25chars/a.env,line=3,endLine=3,col=5,endColumn=57,title=Shippo live key (shippo-live-key)::')).toBe(true);
    expect(line).not.toContain('\n');
  });
  it('names an archive as a whole (no inner line numbers) and says where inside it the key is', () => {
    const line = annotation({ ...finding, path: 'release.zip', archive: [{ format: 'zip', path: 'config/.env' }] }, { prefix: '' }, 'any');
    expect(line.startsWith('::error file=release.zip,title=Shippo live key (shippo-live-key)::')).toBe(true);
    expect(line).toContain('inside release.zip!config/.env');
  });
  it('is an error exactly when the finding fails the step (fail-on); else a notice for dead keys, a warning otherwise', () => {
    expect(annotation({ ...finding, level: 'warning' }, { prefix: '' }, 'any')).toMatch(/^::error /);
    expect(annotation({ ...finding, verification: { status: 'dead' } }, { prefix: '' }, 'not-dead')).toMatch(/^::notice /);
    expect(annotation({ ...finding, verification: { status: 'unknown' } }, { prefix: '' }, 'live')).toMatch(/^::warning /);
    // A note never fails the step (the nonstandard detector, or one lowered in the config): a notice.
    expect(annotation({ ...finding, confidence: 'low', level: 'note' }, { prefix: '' }, 'any')).toMatch(/^::notice /);
    // A detector raised from note to warning in the config fails the step like any other.
    expect(annotation({ ...finding, confidence: 'low', level: 'warning' }, { prefix: '' }, 'any')).toMatch(/^::error /);
  });
});
