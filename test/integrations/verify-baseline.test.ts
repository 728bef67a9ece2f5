// Runs once the verify and triage branches are merged (it needs --verify, test/support/shippo-server.ts,
// --baseline and the baseline command): then rename this file to verify-baseline.test.ts. Checked green
// on a trial merge of integrations + verify + triage.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { startFakeShippo, type FakeShippo } from '../support/shippo-server.js';
import { disposeFreshCheckout, freshCheckout } from './support/checkout.js';
import { git, makeRepo, removeDir, sh, tempDir, writeFile } from './support/git.js';
import { ROOT } from './support/checkout.js';
import { readmeSnippet, runCompositeAction, workflowStepInputs } from './support/runner.js';

const LIVE = fakeKey('live', 'weekly-live');
const DEAD = fakeKey('live', 'weekly-dead');
const workflow = readmeSnippet('github-workflow');

let temp: string;
let actionDir: string;
let shippo: FakeShippo;

beforeAll(async () => {
  actionDir = (await freshCheckout()).dir;
  temp = tempDir('weekly');
  shippo = await startFakeShippo({ keys: { [LIVE]: 'live', [DEAD]: 'dead' } });
});
afterAll(async () => {
  await shippo.close();
  removeDir(temp);
  await disposeFreshCheckout();
});

describe('the README history job (weekly): full history with verification', () => {
  it('verifies each key once against the API, fails on the live one only (fail-on: live), and counts them', async () => {
    const ws = join(temp, 'repo');
    git(temp, 'init', '-q', ws);
    makeRepo(ws, [{ 'a.env': `A=${LIVE}\n` }, { 'a.env': 'A=\n', 'b.env': `B=${DEAD}\n` }, { 'b.env': 'B=\n' }]);
    const run = await runCompositeAction({
      actionDir,
      workspace: ws,
      with: workflowStepInputs(workflow, 'history'),
      eventName: 'schedule',
      payload: { schedule: '23 4 * * 1' },
      env: { SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: join(temp, 'cache') },
    });
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['findings']).toBe('2');
    expect(run.outputs["live"]).toBe("1");
    expect(run.outputs['sarif-file']).toBe(join(ws, 'shippo-keyguard-history.sarif'));
    expect(run.summary).toContain('Verification: 1 live, 1 dead, 0 unknown, 0 not verified.');
    expect(run.log).toMatch(/^::error file=a\.env,line=1,.*LIVE Shippo live-mode key/m);
    expect(run.log).toMatch(/^::notice file=b\.env,line=1,/m);
    expect(shippo.countFor(LIVE)).toBe(1);
    expect(shippo.countFor(DEAD)).toBe(1);
    for (const text of [run.log, run.summary, readFileSync(run.outputs['sarif-file']!, 'utf8')]) {
      expect(text).not.toContain(LIVE);
      expect(text).not.toContain(DEAD);
    }
  });
});

describe('baselines in the action and the hooks', () => {
  const BIN = join(ROOT, 'cli', 'bin', 'shippo-keyguard.js');

  it('the action input baseline suppresses known keys', async () => {
    const ws = join(temp, 'baseline-action');
    git(temp, 'init', '-q', ws);
    makeRepo(ws, [{ 'a.env': `A=${LIVE}\n` }]);
    expect(sh(process.execPath, [BIN, 'baseline', 'history'], { cwd: ws }).status).toBe(0);
    const run = await runCompositeAction({
      actionDir,
      workspace: ws,
      with: { ...workflowStepInputs(workflow, 'changes'), baseline: '.shippo-keyguard-baseline.json' },
      eventName: 'schedule',
      payload: {},
    });
    expect(run.status, run.log).toBe(0);
    expect(run.outputs['findings']).toBe('0');
    expect(run.summary).toContain('1 suppressed.');
  });

  it('install-hook: a key recorded with `baseline staged` and the baseline committed passes', () => {
    const ws = join(temp, 'baseline-hook');
    git(temp, 'init', '-q', ws);
    makeRepo(ws, [{ 'README.md': '# x\n' }]);
    expect(sh(process.execPath, [BIN, 'install-hook'], { cwd: ws }).status).toBe(0);
    writeFile(ws, 'k.env', `K=${DEAD}\n`);
    git(ws, 'add', '-A');
    const blocked = sh('git', ['commit', '-q', '-m', 'k'], { cwd: ws });
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toContain('shippo-keyguard baseline staged');
    expect(sh(process.execPath, [BIN, 'baseline', 'staged'], { cwd: ws }).status).toBe(0);
    git(ws, 'add', '-A');
    const passed = sh('git', ['commit', '-q', '-m', 'k'], { cwd: ws });
    expect(passed.status, passed.stderr).toBe(0);
    expect(passed.stdout + passed.stderr).toContain('1 suppressed');
  });
});
