import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { ESLint as ESLint9 } from 'eslint';
import { ESLint as ESLint10 } from 'eslint10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/src/run.js';
import { writeFixture } from './fixture.js';

/** The detector behind each `no-hardcoded-key` message id. */
const DETECTOR_OF: Record<string, string> = {
  liveKey: 'shippo-live-key',
  testKey: 'shippo-test-key',
  base64Key: 'shippo-key-base64',
  nonstandardKey: 'shippo-key-nonstandard',
};

interface Place {
  path: string;
  detector: string;
  span: string;
  preview: string;
}

let dir: string;
let cli: Place[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skg-parity-'));
  writeFixture(dir);
  const io = { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdin: Readable.from([]), stdoutIsTTY: false, stderrIsTTY: false };
  const result = await run(['scan', '.', '--format', 'json'], io);
  expect(result.exitCode, result.stderr).toBe(1);
  const report = JSON.parse(result.stdout) as {
    findings: { path: string; detector: string; startLine: number; startColumn: number; endLine: number; endColumn: number; redacted: string }[];
  };
  cli = report.findings
    .map((f) => ({ path: f.path, detector: f.detector, span: `${f.startLine}:${f.startColumn}-${f.endLine}:${f.endColumn}`, preview: f.redacted }))
    .sort(byPlace);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function byPlace(a: Place, b: Place): number {
  return `${a.path} ${a.span} ${a.detector}` < `${b.path} ${b.span} ${b.detector}` ? -1 : 1;
}

for (const [name, ESLint] of [
  ['ESLint 9', ESLint9],
  ['ESLint 10', ESLint10],
] as const) {
  describe(`${name} and "shippo-keyguard scan --format json"`, () => {
    it('find the same keys at the same lines and columns, with the same redacted preview', async () => {
      const results = (await new ESLint({ cwd: dir }).lintFiles(['.'])) as ESLint9.LintResult[];
      const fromEslint: (Place & { message: string })[] = results
        .flatMap((r) =>
          r.messages
            .filter((m) => m.ruleId === 'shippo-keyguard/no-hardcoded-key')
            .map((m) => ({
              path: relative(dir, r.filePath),
              detector: DETECTOR_OF[m.messageId ?? ''] ?? `unknown ${m.messageId}`,
              span: `${m.line}:${m.column}-${m.endLine}:${m.endColumn}`,
              preview: '',
              message: m.message,
            })),
        )
        .sort(byPlace);
      expect(cli.length).toBeGreaterThanOrEqual(15);
      expect(fromEslint.map(({ path, detector, span }) => ({ path, detector, span }))).toEqual(
        cli.map(({ path, detector, span }) => ({ path, detector, span })),
      );
      fromEslint.forEach((e, i) => expect(e.message).toContain(cli[i]?.preview));
    });
  });
}
