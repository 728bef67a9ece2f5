import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { disposeFreshCheckout, freshCheckout } from './support/checkout.js';
import { git, gitEnv, removeDir, sh, tempDir } from './support/git.js';
import { readmeSnippet, runCompositeAction } from './support/runner.js';

/**
 * Scans of 2,000 files or more start reader threads. Through the committed bundle (what
 * pre-commit's clone and the Action run: no cli/dist, no node_modules) the thread's code must
 * ship beside the bundle; these runs are big enough to start them.
 */
const KEY = fakeKey('live', 'bundle-large');
let temp: string;
let checkout: { dir: string; sha: string };

beforeAll(async () => {
  checkout = await freshCheckout();
  temp = tempDir('bundle-large');
}, 120_000);

afterAll(async () => {
  removeDir(temp);
  await disposeFreshCheckout();
});

/** A repository of `count` small files, one of which (deep in the list) holds the key. */
function bigRepo(name: string, count: number, keyAt: string): string {
  const dir = join(temp, name);
  for (let i = 0; i < count; i++) {
    const sub = join(dir, 'src', `d${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `line one of file ${i}\nnothing to see\n`);
  }
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, keyAt), `# settings\nSHIPPO_API_KEY=${KEY}\n`);
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

describe('the committed bundle on large trees', () => {
  it('the pre-commit framework: `pre-commit run --all-files` on 5,001 files finds the key', () => {
    const dir = bigRepo('pre-commit', 5000, 'config/prod.env');
    const env = gitEnv({ PRE_COMMIT_HOME: join(temp, 'store'), PRE_COMMIT_COLOR: 'never' });
    const config = readmeSnippet('pre-commit-config')
      .replace(/repo: \S+/, `repo: ${checkout.dir}`)
      .replace(/rev: \S+/, `rev: ${checkout.sha}`);
    writeFileSync(join(dir, '.pre-commit-config.yaml'), config);
    git(dir, 'add', '-A');
    const ran = sh('pre-commit', ['run', 'shippo-keyguard', '--all-files'], { cwd: dir, env, timeout: 240_000 });
    const out = ran.stdout + ran.stderr;
    expect(out).not.toMatch(/Cannot find module|worker/i);
    expect(ran.status, out).toBe(1);
    expect(out).toMatch(/shippo-keyguard \(Shippo API keys in what you commit\)\.+Failed/);
    expect(out).toMatch(/config\/prod\.env:2:16 .*shippo-live-key/);
    expect(out).not.toContain(KEY);
  }, 300_000);

  it('the Action, mode: files, on a tree of 2,100 files finds the key', async () => {
    const ws = bigRepo('action', 2100, 'config/app.env');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'tree');
    const head = git(ws, 'rev-parse', 'HEAD');
    const run = await runCompositeAction({
      actionDir: checkout.dir,
      workspace: ws,
      with: { mode: 'files' },
      eventName: 'workflow_dispatch',
      payload: {},
      env: { GITHUB_SHA: head },
    });
    expect(run.log).not.toMatch(/Cannot find module/);
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['findings']).toBe('1');
    expect(run.log).toMatch(/^::error file=config\/app\.env,line=2,/m);
    expect(run.log).not.toContain(KEY);
  }, 300_000);
});
