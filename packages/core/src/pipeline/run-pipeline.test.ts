import { describe, expect, it } from 'vitest';
import { fakeKey } from '../../../../test/support/fake-keys.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../archive/index.js';
import { fingerprintOf } from '../secret.js';
import type { Finding } from '../finding.js';
import { filterStep, runPipeline, type PipelineOptions } from './run-pipeline.js';
import { stdinSource } from './source-stdin.js';

const TOOL: PipelineOptions['tool'] = { name: 'shippo-keyguard', version: '0.0.0-test', informationUri: 'https://example.test' } as PipelineOptions['tool'];
const live = fakeKey('live', 'pipeline-live');
const test = fakeKey('test', 'pipeline-test');

const source = (text: string, maxSize = 1024) =>
  stdinSource({ content: async () => (text.length > maxSize ? undefined : Buffer.from(text)), path: 'config.env', root: '/repo', maxSize, archives: DEFAULT_ARCHIVE_LIMITS });

describe('runPipeline: source -> detect -> filter -> verify -> report', () => {
  it('reports what the source found, with its origin, and fails the policy on it', async () => {
    const { report, secrets } = await runPipeline(source(`A=${live}\nB=${test}\n`), { tool: TOOL, command: 'scan', failOn: 'any' });
    expect(report.findings.map((f) => [f.path, f.startLine, f.source, f.kind])).toEqual([
      ['config.env', 1, 'stdin', 'live'],
      ['config.env', 2, 'stdin', 'test'],
    ]);
    expect(report.exitCode).toBe(1);
    expect(report.stats).toMatchObject({ scanned: 1, skipped: 0 });
    // The key itself stays in the store, never in the report.
    expect(secrets.get(fingerprintOf(live))).toBe(live);
    expect(JSON.stringify(report)).not.toContain(live);
  });

  it('filters before it verifies: a baselined key is suppressed and never reaches the verify step', async () => {
    const seen: Finding[][] = [];
    const { report } = await runPipeline(source(`A=${live}\nB=${test}\n`), {
      tool: TOOL,
      command: 'scan',
      failOn: 'any',
      filter: filterStep({ baselined: (fp) => (fp === fingerprintOf(live) ? { reason: 'rotated' } : undefined) }),
      verify: (collected) => {
        seen.push([...collected.findings]);
      },
    });
    expect(seen.map((findings) => findings.map((f) => f.kind))).toEqual([['test']]);
    expect(report.findings.map((f) => f.kind)).toEqual(['test']);
    expect(report.suppressed?.map((f) => [f.kind, f.suppression])).toEqual([['live', { by: 'baseline', reason: 'rotated' }]]);
  });

  it('a source that could not read anything ends the run with exit 2 and says why', async () => {
    const { report } = await runPipeline(source(`A=${live}\n`, 4), { tool: TOOL, command: 'scan', failOn: 'any' });
    expect(report.exitCode).toBe(2);
    expect(report.findings).toEqual([]);
    expect(report.warnings.map((w) => w.code)).toEqual(['too-large']);
  });
});
