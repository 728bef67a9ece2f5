import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { fakeKey } from '../support/fake-keys.js';
import { startFakeShippo } from '../support/shippo-server.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { disposeFreshCheckout, freshCheckout, ROOT } from './support/checkout.js';
import { git, makeRepo, removeDir, sh, tempDir, writeFile } from './support/git.js';
import { actionMetadata, readmeSnippet, runCompositeAction, workflowStepInputs, type ActionRun } from './support/runner.js';

const OLD_KEY = fakeKey('live', 'action-old');
const NEW_KEY = fakeKey('test', 'action-new');
const workflow = readmeSnippet('github-workflow');

let actionDir: string;
let temp: string;
let origin: string;
let base: string;
let head: string;

/** origin (bare) with main = [readme, legacy key]; branch feature = main + [new key]. */
beforeAll(async () => {
  actionDir = (await freshCheckout()).dir;
  temp = tempDir('action');
  const dev = join(temp, 'dev');
  sh('mkdir', ['-p', dev]);
  [, base] = makeRepo(dev, [{ 'README.md': '# shop\n' }, { 'legacy/old.env': `SHIPPO_TOKEN=${OLD_KEY}\n` }]) as [string, string];
  git(dev, 'checkout', '-q', '-b', 'feature');
  writeFile(dev, 'config/app.env', `# settings\nSHIPPO_API_KEY="${NEW_KEY}"\n`);
  git(dev, 'add', '-A');
  git(dev, 'commit', '-q', '-m', 'add settings');
  head = git(dev, 'rev-parse', 'HEAD');
  origin = join(temp, 'origin.git');
  git(temp, 'clone', '-q', '--bare', dev, origin);
});

afterAll(async () => {
  removeDir(temp);
  await disposeFreshCheckout();
});

let n = 0;
/** A runner checkout of origin at `sha`, like actions/checkout (depth 0 unless told). */
function checkout(sha: string, depth?: number): string {
  const dir = join(temp, `ws-${n++}`);
  git(temp, 'clone', '-q', ...(depth ? ['--depth', String(depth), '--no-single-branch'] : []), `file://${origin}`, dir);
  git(dir, 'checkout', '-q', '--detach', sha);
  return dir;
}

function pullRequestEvent(): unknown {
  return {
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      state: 'open',
      title: 'Add settings',
      head: { ref: 'feature', sha: head, repo: { full_name: 'acme/shop' } },
      base: { ref: 'main', sha: base, repo: { full_name: 'acme/shop' } },
    },
    repository: { full_name: 'acme/shop', default_branch: 'main' },
    sender: { login: 'octocat' },
  };
}

function pushEvent(before: string, after: string, extra: Record<string, unknown> = {}): unknown {
  return {
    ref: 'refs/heads/feature',
    before,
    after,
    created: /^0+$/.test(before),
    deleted: /^0+$/.test(after),
    forced: false,
    base_ref: null,
    compare: `https://github.com/acme/shop/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: [],
    head_commit: null,
    repository: { full_name: 'acme/shop', default_branch: 'main' },
    pusher: { name: 'octocat' },
    ...extra,
  };
}

function expectNoKey(run: ActionRun, workspace: string): void {
  const sarif = run.outputs['sarif-file'] && existsSync(run.outputs['sarif-file']) ? readFileSync(run.outputs['sarif-file'], 'utf8') : '';
  for (const text of [run.log, run.summary, JSON.stringify(run.outputs), sarif, readFileSync(join(workspace, '.git', 'config'), 'utf8')]) {
    expect(text).not.toContain(OLD_KEY);
    expect(text).not.toContain(NEW_KEY);
  }
}

describe('action.yml metadata', () => {
  const meta = actionMetadata();
  const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');

  it('has the required fields and a composite run that needs no install', () => {
    expect(meta.name).toBeTruthy();
    expect(meta.description).toBeTruthy();
    expect(meta.runs?.using).toBe('composite');
    for (const step of meta.runs?.steps ?? []) {
      expect(step.shell).toBeTruthy();
      expect(step.run).toContain('cli/bin/shippo-keyguard.js');
    }
    for (const [name, spec] of Object.entries(meta.inputs ?? {})) expect(spec.description, name).toBeTruthy();
    for (const [name, spec] of Object.entries(meta.outputs ?? {})) expect(spec.value, name).toMatch(/\$\{\{ steps\.[\w-]+\.outputs\.[\w-]+ \}\}/);
  });

  it('declares the documented inputs and outputs, and references only those (and every one of them)', () => {
    expect(Object.keys(meta.inputs ?? {}).sort()).toEqual(['baseline', 'config', 'fail-on', 'mode', 'path', 'sarif-file', 'verify']);
    expect(Object.keys(meta.outputs ?? {}).sort()).toEqual(['findings', 'live', 'sarif-file']);
    const referenced = new Set([...text.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1]));
    expect([...referenced].sort()).toEqual(Object.keys(meta.inputs ?? {}).sort());
    const stepIds = new Set((meta.runs?.steps ?? []).map((s) => s.id));
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs/g)) expect(stepIds.has(m[1])).toBe(true);
  });

  it('the README workflow checks out full history, can upload SARIF, and uses only declared inputs', () => {
    const doc = YAML.parse(workflow) as {
      on: Record<string, unknown>;
      jobs: Record<string, { permissions: Record<string, string>; steps: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(Object.keys(doc.on)).toEqual(expect.arrayContaining(['pull_request', 'push', 'schedule', 'workflow_dispatch']));
    for (const job of Object.values(doc.jobs)) {
      const [checkout, keys] = job.steps;
      expect(checkout?.uses).toMatch(/^actions\/checkout@/);
      expect(checkout?.with?.['fetch-depth']).toBe(0);
      expect(keys?.uses).toMatch(/^shippo-keyguard\/shippo-keyguard@v1$/);
      for (const name of Object.keys(keys?.with ?? {})) expect(Object.keys(meta.inputs ?? {})).toContain(name);
    }
    // Only a scan of the whole history is uploaded: an upload is the whole state of its category, so a
    // scan of a push's commits would mark every earlier key's alert fixed while the key is still in history.
    const uploads = Object.entries(doc.jobs).filter(([, job]) => job.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@')));
    expect(uploads.map(([name]) => name)).toEqual(['history']);
    const history = doc.jobs['history']!;
    expect(history.permissions['security-events']).toBe('write');
    expect(history.steps[2]?.with?.['sarif_file']).toBe('${{ steps.keys.outputs.sarif-file }}');
    expect(doc.jobs['changes']!.permissions['security-events']).toBeUndefined();
    expect(workflowStepInputs(workflow, 'history')).toMatchObject({ mode: 'history', verify: true, 'fail-on': 'live' });
    expect(workflowStepInputs(workflow, 'changes')).toMatchObject({ mode: 'auto', 'fail-on': 'any' });
  });
});

describe('the action, run the way the runner runs it', () => {
  it('mode: files scans the files, annotates, summarises, writes SARIF and fails', async () => {
    const ws = checkout(head);
    const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'files' }, eventName: 'push', payload: pushEvent(base, head), env: { GITHUB_SHA: head } });
    expect(run.status).toBe(1);
    expect(run.outputs['findings']).toBe('2');
    expect(run.outputs['live']).toBe('0');
    expect(run.outputs['sarif-file']).toBe(join(ws, 'shippo-keyguard.sarif'));
    // Each output is a heredoc with a delimiter of its own, random as @actions/core makes them.
    const delimiters = [...run.outputFiles.join('').matchAll(/^[\w-]+<<(.+)$/gm)].map((m) => m[1]);
    expect(delimiters).toHaveLength(3);
    expect(new Set(delimiters).size).toBe(3);
    for (const d of delimiters) expect(d).toMatch(/^ghadelimiter_[0-9a-f-]{36}$/);
    expect(run.log).toMatch(/^::error file=config\/app\.env,line=2,endLine=2,col=17,endColumn=69,title=Shippo test key \(shippo-test-key\)::.*shippo-keyguard:allow/m);
    expect(run.log).toMatch(/^::error file=legacy\/old\.env,line=1,/m);
    expect(run.summary).toContain('| Where | Key (redacted) |');
    expect(run.summary).toContain(`[config/app.env:2](https://github.com/acme/shop/blob/${head}/config/app.env#L2)`);
    expect(run.summary).toMatch(/Verification: 0 live, 0 dead, 0 unknown, 2 not verified/);
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results).toHaveLength(2);
    expectNoKey(run, ws);
  });

  it('pull_request (the README step): scans only the pull request commits and fails on the new key', async () => {
    const ws = checkout(head);
    const run = await runCompositeAction({ actionDir, workspace: ws, with: workflowStepInputs(workflow, 'changes'), eventName: 'pull_request', payload: pullRequestEvent(), env: { GITHUB_SHA: head } });
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['findings']).toBe('1');
    expect(run.log).toMatch(/^::error file=config\/app\.env,line=2,endLine=2,col=17,endColumn=69,title=Shippo test key/m);
    expect(run.log).not.toMatch(/legacy\/old\.env/);
    expect(run.summary).toContain('pull request #7');
    expect(run.summary).toContain(`[${head.slice(0, 7)}](https://github.com/acme/shop/commit/${head})`);
    expect(run.summary).toContain(`(https://github.com/acme/shop/blob/${head}/config/app.env#L2)`);
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toEqual(['shippo-test-key']);
    expectNoKey(run, ws);
  });

  it('push (the README step): the pushed range only; a new branch scans the whole branch', async () => {
    const ws = checkout(head);
    const range = await runCompositeAction({ actionDir, workspace: ws, with: workflowStepInputs(workflow, 'changes'), eventName: 'push', payload: pushEvent(base, head) });
    expect(range.status, range.log).toBe(1);
    expect(range.outputs['findings']).toBe('1');
    const created = await runCompositeAction({ actionDir, workspace: ws, with: workflowStepInputs(workflow, 'changes'), eventName: 'push', payload: pushEvent('0'.repeat(40), head) });
    expect(created.status, created.log).toBe(1);
    expect(created.outputs['findings']).toBe('2');
    expect(created.log).toMatch(/^::error file=legacy\/old\.env,line=1,/m);
    const clean = await runCompositeAction({ actionDir, workspace: ws, with: workflowStepInputs(workflow, 'changes'), eventName: 'push', payload: pushEvent(base, base) });
    expect(clean.status, clean.log).toBe(0);
    expect(clean.outputs['findings']).toBe('0');
    expect(clean.summary).toContain('No Shippo keys found.');
    expectNoKey(created, ws);
  });

  it('push (the README history job): the whole history, verified, failing only while a key still works', async () => {
    const ws = checkout(head);
    const shippo = await startFakeShippo({ keys: { [OLD_KEY]: 'dead', [NEW_KEY]: 'live' } });
    try {
      // Each run on a fresh runner: no verification cache carried over.
      const run = async () =>
        runCompositeAction({
          actionDir,
          workspace: ws,
          with: workflowStepInputs(workflow, 'history'),
          eventName: 'push',
          payload: pushEvent(base, head),
          env: { SHIPPO_API_BASE_URL: shippo.url, XDG_CACHE_HOME: join(temp, `runner-cache-${n++}`) },
        });
      // Both keys, the one the push did not bring in too: the upload is the whole state of its category.
      const live = await run();
      expect(live.status, live.log).toBe(1);
      expect(live.outputs['findings']).toBe('2');
      expect(live.outputs['live']).toBe('1');
      const sarif = JSON.parse(readFileSync(live.outputs['sarif-file']!, 'utf8')) as { runs: { results: unknown[] }[] };
      expect(sarif.runs[0]?.results).toHaveLength(2);
      expect(basename(live.outputs['sarif-file']!)).toBe('shippo-keyguard-history.sarif');
      expectNoKey(live, ws);
      // Rotated: the key is still in history (the alert stays open) but nothing works any more.
      shippo.setKeys({ [OLD_KEY]: 'dead', [NEW_KEY]: 'dead' });
      const dead = await run();
      expect(dead.status, dead.log).toBe(0);
      expect(dead.outputs['findings']).toBe('2');
      expect(dead.outputs['live']).toBe('0');
    } finally {
      await shippo.close();
    }
  });

  it('paths are relative to the repository when actions/checkout put it in a subdirectory (path input)', async () => {
    const ws = join(temp, `ws-${n++}`);
    sh('mkdir', ['-p', ws]);
    git(ws, 'clone', '-q', `file://${origin}`, 'app');
    git(join(ws, 'app'), 'checkout', '-q', '--detach', head);
    const run = await runCompositeAction({ actionDir, workspace: ws, with: { ...workflowStepInputs(workflow, 'changes'), path: 'app' }, eventName: 'pull_request', payload: pullRequestEvent() });
    expect(run.status, run.log).toBe(1);
    expect(run.log).toMatch(/^::error file=config\/app\.env,line=2,/m);
    expect(run.summary).toContain(`(https://github.com/acme/shop/blob/${head}/config/app.env#L2)`);
    const files = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'files', path: 'app/config' }, eventName: 'push', payload: pushEvent(base, head) });
    expect(files.status, files.log).toBe(1);
    expect(files.outputs['findings']).toBe('1');
    expect(files.log).toMatch(/^::error file=config\/app\.env,line=2,/m);
  });

  it('schedule with the default inputs scans the full history, every branch', async () => {
    const ws = checkout(base);
    const run = await runCompositeAction({ actionDir, workspace: ws, with: {}, eventName: 'schedule', payload: { schedule: '23 4 * * 1' } });
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['findings']).toBe('2');
    expect(run.summary).toContain('schedule: the full history');
    expect(run.outputs['sarif-file']).toBe(join(ws, 'shippo-keyguard.sarif'));
    expectNoKey(run, ws);
  });

  it('a shallow checkout (fetch-depth: 1) fetches the history the range needs from origin', async () => {
    const ws = checkout(head, 1);
    expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const run = await runCompositeAction({ actionDir, workspace: ws, with: workflowStepInputs(workflow, 'changes'), eventName: 'pull_request', payload: pullRequestEvent() });
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['findings']).toBe('1');
    expect(run.log).toMatch(/^::notice::.*fetching the full history from origin/m);
  });

  it('fails with the fetch-depth fix when a shallow checkout cannot fetch the range', async () => {
    const ws = checkout(head, 1);
    git(ws, 'remote', 'set-url', 'origin', join(temp, 'gone.git'));
    const run = await runCompositeAction({ actionDir, workspace: ws, with: workflowStepInputs(workflow, 'changes'), eventName: 'pull_request', payload: pullRequestEvent() });
    expect(run.status).toBe(2);
    expect(run.log).toMatch(/^::error title=shippo-keyguard::cannot read the history to scan: .*fetch-depth: 0/m);
    expect(run.outputs['findings']).toBe('');
  });

  it('a pushed branch deletion scans nothing and passes with an empty SARIF', async () => {
    const ws = checkout(base);
    const run = await runCompositeAction({
      actionDir,
      workspace: ws,
      with: workflowStepInputs(workflow, 'changes'),
      eventName: 'push',
      payload: pushEvent(head, '0'.repeat(40)),
    });
    expect(run.status).toBe(0);
    expect(run.outputs['findings']).toBe('0');
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]?.results).toEqual([]);
    expect(run.summary).toContain('nothing to scan');
  });

  it('annotates at most 10 findings of each kind (GitHub shows no more per step) and says first how many are not annotated', async () => {
    const ws = checkout(head);
    const keys = Array.from({ length: 13 }, (_, i) => fakeKey('live', `many-${i}`));
    writeFile(ws, 'many/keys.env', keys.map((k, i) => `KEY_${i}=${k}\n`).join(''));
    const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'files', path: 'many' }, eventName: 'push', payload: pushEvent(base, head) });
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['findings']).toBe('13');
    const lines = run.log.split('\n');
    const errors = lines.filter((l) => l.startsWith('::error file='));
    expect(errors).toHaveLength(10);
    const more = lines.findIndex((l) => l.startsWith('::notice title=shippo-keyguard::3 more findings are not annotated'));
    expect(more, run.log).toBeGreaterThanOrEqual(0);
    expect(more).toBeLessThan(lines.indexOf(errors[0]!));
    for (const k of keys) expect(run.log).not.toContain(k);
  });

  it('a path outside the workspace is refused (its findings would be annotated and linked as files of this repository)', async () => {
    const ws = checkout(head);
    const elsewhere = checkout(head);
    for (const path of [`../${basename(elsewhere)}`, elsewhere]) {
      const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'files', path }, eventName: 'push', payload: pushEvent(base, head) });
      expect(run.status, run.log).toBe(2);
      expect(run.log.trim()).toBe(`::error title=shippo-keyguard::input path: ${path} is outside the workspace (${ws})`);
    }
    const inside = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'files', path: join(ws, 'config') }, eventName: 'push', payload: pushEvent(base, head) });
    expect(inside.status, inside.log).toBe(1);
    expect(inside.log).toMatch(/^::error file=config\/app\.env,line=2,/m);
  });

  it('file names from the scanned commits cannot act as workflow commands in the log (::stop-commands:: would silence every annotation)', async () => {
    const ws = join(temp, `ws-${n++}`);
    sh('mkdir', ['-p', ws]);
    const evil = [fakeKey('test', 'action-evil-0'), fakeKey('test', 'action-evil-1')];
    makeRepo(ws, [{ '::stop-commands::pwned': `K=${evil[0]}\n`, '::warning::fake': `K=${evil[1]}\n`, 'z.env': `K=${OLD_KEY}\n` }]);
    const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'history' }, eventName: 'schedule', payload: {} });
    expect(run.status, run.log).toBe(1);
    // The runner's rule: after ::stop-commands::TOKEN no line is a command until ::TOKEN::.
    const commands: string[] = [];
    let stopped: string | undefined;
    for (const line of run.log.split('\n')) {
      if (stopped !== undefined) {
        if (line === `::${stopped}::`) stopped = undefined;
        continue;
      }
      const m = /^::([\w-]+)( [^:]*)?::(.*)$/.exec(line);
      if (!m) continue;
      if (m[1] === 'stop-commands') stopped = m[3];
      else commands.push(line);
    }
    expect(stopped, run.log).toBeUndefined();
    expect(commands.filter((c) => c.startsWith('::error file=')), run.log).toHaveLength(3);
    expect(commands.filter((c) => /pwned|fake/.test(c) && !c.startsWith('::error file='))).toEqual([]);
    for (const k of evil) expect(run.log).not.toContain(k);
  });

  it('SARIF from a checkout whose origin is an scp-like ssh address (actions/checkout with ssh-key) or a path passes the Multitool', async () => {
    const sarifs: string[] = [];
    for (const [url, uri] of [
      ['git@github.com:acme/shop.git', 'ssh://github.com/acme/shop.git'],
      [origin, pathToFileURL(origin).href],
    ] as const) {
      const ws = checkout(head);
      git(ws, 'remote', 'set-url', 'origin', url);
      const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'history' }, eventName: 'schedule', payload: {} });
      expect(run.status, run.log).toBe(1);
      const log = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8'));
      expect(log.runs[0].versionControlProvenance[0].repositoryUri).toBe(uri);
      expect(sarifSchemaErrors(log)).toEqual([]);
      sarifs.push(run.outputs['sarif-file']!);
      expectNoKey(run, ws);
    }
    expect(multitoolIssues(sarifs, tempDir('multitool')).filter((i) => i.level !== 'note')).toEqual([]);
  }, 120_000);

  it("runs git with the engine's safe environment: a runner's locale and git trace variables do not leak into its messages", async () => {
    // A runner image set to another language, with git tracing left on from a debugging step:
    // git then answers in German and writes trace lines before its error. The Action's git calls
    // go through the engine's runner (LC_ALL=C, the error line picked from stderr), as every
    // scan's do, so the message is the same one on every runner.
    const ws = join(temp, `ws-${n++}`);
    sh('mkdir', ['-p', ws]);
    const env = { LANG: 'C.UTF-8', LANGUAGE: 'de', GIT_TRACE: '1' };
    const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'history' }, eventName: 'schedule', payload: {}, env });
    expect(run.status, run.log).toBe(2);
    expect(run.log.trim()).toBe(`::error title=shippo-keyguard::${ws} is not a git repository; use mode: files to scan files only`);

    // And where the history cannot be fetched, git's reason is its English error line, not a trace line.
    const shallow = checkout(head, 1);
    git(shallow, 'remote', 'set-url', 'origin', join(temp, 'gone.git'));
    const fetch = await runCompositeAction({ actionDir, workspace: shallow, with: workflowStepInputs(workflow, 'changes'), eventName: 'pull_request', payload: pullRequestEvent(), env });
    expect(fetch.status, fetch.log).toBe(2);
    expect(fetch.log).toMatch(/^::error title=shippo-keyguard::cannot read the history to scan: .*; git fetch failed: '[^']*gone\.git' does not appear to be a git repository\. set `fetch-depth: 0`/m);
  });

  it('a bad input is one annotation line and exit 2', async () => {
    const ws = checkout(base);
    const run = await runCompositeAction({ actionDir, workspace: ws, with: { mode: 'everything' }, eventName: 'push', payload: pushEvent(base, head) });
    expect(run.status).toBe(2);
    expect(run.log.trim()).toBe('::error title=shippo-keyguard::input mode: expected one of auto, files, history, got "everything"');
  });
});
