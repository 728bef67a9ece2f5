import { describe, expect, it } from 'vitest';
import { Linter } from 'eslint';
import { keysProcessor, toVirtualText } from './processor.js';

describe('toVirtualText', () => {
  it('wraps the text in one block comment without moving any character', () => {
    const text = 'A=1\r\nB: "two" */ three\u2028four\rfive\n';
    const virtual = toVirtualText(text);
    expect(virtual.length).toBe(text.length + 4);
    expect(virtual.startsWith('/*') && virtual.endsWith('*/')).toBe(true);
    const inner = virtual.slice(2, -2);
    expect(inner).toBe('A=1\r\nB: "two"  / three four\rfive\n');
    // Every program parses, whatever the file holds.
    const linter = new Linter();
    for (const t of [text, '*/ */ /* `${', '', '#!/bin/sh\n*/']) {
      expect(linter.verify(toVirtualText(t), [{}]).filter((m) => m.fatal)).toEqual([]);
    }
  });
});

describe('keysProcessor', () => {
  it('names the block with an extension no JS config matches', () => {
    const [block] = keysProcessor.preprocess('K=v');
    expect(block?.filename).toBe('file.shippo-keyguard-text');
    expect(block?.filename.endsWith('.js')).toBe(false);
  });

  it('maps line 1 back by the opener, keeps other lines, drops fixes and foreign rules', () => {
    const base = { severity: 2 as const, message: 'm', nodeType: null };
    const out = keysProcessor.postprocess([
      [
        { ...base, ruleId: 'shippo-keyguard/no-hardcoded-key', line: 1, column: 3, endLine: 1, endColumn: 55, suggestions: [] },
        { ...base, ruleId: 'shippo-keyguard/no-hardcoded-key', line: 1, column: 40, endLine: 2, endColumn: 10 },
        { ...base, ruleId: 'shippo-keyguard/no-public-env-key', line: 4, column: 1, endLine: 4, endColumn: 23, fix: { range: [0, 1], text: '' } },
        { ...base, ruleId: 'no-warning-comments', line: 1, column: 1 },
        { ...base, ruleId: null, line: 1, column: 1, fatal: true, message: 'Parsing error' },
      ],
    ]);
    expect(out).toEqual([
      { ...base, ruleId: 'shippo-keyguard/no-hardcoded-key', line: 1, column: 1, endLine: 1, endColumn: 53 },
      { ...base, ruleId: 'shippo-keyguard/no-hardcoded-key', line: 1, column: 38, endLine: 2, endColumn: 10 },
      { ...base, ruleId: 'shippo-keyguard/no-public-env-key', line: 4, column: 1, endLine: 4, endColumn: 23 },
      { ...base, ruleId: null, line: 1, column: 1, fatal: true, message: 'Parsing error' },
    ]);
  });
});
