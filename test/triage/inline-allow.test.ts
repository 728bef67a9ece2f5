import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKeys, isAllowedInline } from '@shippo-keyguard/core';
import { fakeKey } from '../support/fake-keys.js';
import { allowCases, expectedOutcome } from './allow-cases.js';
import { cli, scanJson, tempRepo, type JsonReport } from './support.js';

const keyFor = (i: number) => fakeKey(i % 2 === 0 ? 'live' : 'test', `allow-case-${i}`);
const repo = tempRepo('inline');
const pathOf = (i: number) => `cases/${String(i).padStart(2, '0')}/${allowCases[i]?.filename}`;

beforeAll(() => {
  allowCases.forEach((c, i) => repo.write(pathOf(i), c.source(keyFor(i))));
});
afterAll(() => repo.cleanup());

/** Each case's outcome in one report: `allowed` when its one finding was suppressed. */
function outcomes(report: JsonReport): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of report.findings) out.set(f.path, out.has(f.path) ? 'twice' : 'reported');
  for (const f of report.suppressed ?? []) out.set(f.path, out.has(f.path) ? 'twice' : 'allowed');
  return out;
}

describe.each([
  { label: 'default', flags: [] as string[], options: {} },
  { label: '--no-foreign-allow', flags: ['--no-foreign-allow'], options: { foreignAllow: false } },
  { label: '--no-inline-allow', flags: ['--no-inline-allow'], options: { inlineAllow: false } },
])('files, $label', ({ flags, options }) => {
  let seen: Map<string, string>;
  let report: JsonReport;
  beforeAll(async () => {
    ({ report } = await scanJson(repo.dir, ['cases', ...flags]));
    seen = outcomes(report);
  });
  allowCases.forEach((c, i) => {
    it(`${c.name} (${c.filename}) is ${expectedOutcome(c.expect, options)}`, () => {
      expect(seen.get(pathOf(i))).toBe(expectedOutcome(c.expect, options));
    });
  });
  it('marks how each suppressed finding was allowed', () => {
    for (const f of report.suppressed ?? []) expect(['inline', 'inline-foreign']).toContain(f.suppression?.by);
    const foreign = (report.suppressed ?? []).filter((f) => f.suppression?.by === 'inline-foreign').length;
    expect(foreign).toBe(options.foreignAllow === false || options.inlineAllow === false ? 0 : allowCases.filter((c) => c.expect === 'foreign').length);
  });
});

describe('stdin gets the same answers', () => {
  allowCases.forEach((c, i) => {
    it(`${c.name}`, async () => {
      const { report } = await scanJson(repo.dir, ['-', '--stdin-filename', c.filename], { stdin: c.source(keyFor(i)) });
      expect(outcomes(report).get(c.filename)).toBe(expectedOutcome(c.expect));
    });
  });
});

describe('exit code and summary', () => {
  it('a file whose only key is allowed passes; the summary counts the suppressed finding', async () => {
    const result = await cli(repo.dir, ['scan', pathOf(0)]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/no Shippo keys found in 1 file · 1 suppressed/);
    expect(result.stdout).not.toContain(keyFor(0));
  });
  it('--show-suppressed lists it, redacted, with how it was allowed', async () => {
    const result = await cli(repo.dir, ['scan', pathOf(0), '--show-suppressed']);
    expect(result.stdout).toContain('Suppressed:');
    expect(result.stdout).toMatch(new RegExp(`${pathOf(0)}:1:\\d+.*allowed inline`));
    expect(result.stdout).not.toContain(keyFor(0));
  });
  it('--no-inline-allow makes the same file fail', async () => {
    const result = await cli(repo.dir, ['scan', pathOf(0), '--no-inline-allow']);
    expect(result.exitCode).toBe(1);
  });
});

describe('the function the ESLint rule calls agrees with the CLI on every case', () => {
  allowCases.forEach((c, i) => {
    it(`${c.name}`, () => {
      const text = c.source(keyFor(i));
      const [hit, ...more] = findKeys(text);
      expect(more).toEqual([]);
      const answer = (foreign: boolean) => (isAllowedInline(text, hit?.match.start ?? -1, { foreign }) ? 'allowed' : 'reported');
      expect(answer(true)).toBe(expectedOutcome(c.expect));
      expect(answer(false)).toBe(expectedOutcome(c.expect, { foreignAllow: false }));
    });
  });
});
