import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintOf } from '@shippo-keyguard/core';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { git } from '../support/tree.js';
import { cli as runCli, tempRepo, type JsonReport } from './support.js';

const guard = new LeakGuard();
const live = guard.plant(fakeKey('live', 'baseline-live'));
const test = guard.plant(fakeKey('test', 'baseline-test'));
const allowed = guard.plant(fakeKey('live', 'baseline-inline'));
const fresh = guard.plant(fakeKey('live', 'baseline-new'));
const BASELINE = '.shippo-keyguard-baseline.json';

let repo: ReturnType<typeof tempRepo>;
const repos: ReturnType<typeof tempRepo>[] = [];
beforeEach(() => {
  repo = tempRepo('baseline');
  repos.push(repo);
  repo.write('src/a.js', `// config\nconst token = "${live}";\nconst again = "${live}";\n`);
  repo.write('deploy/b.py', `TEST_TOKEN = "${test}"\n`);
  repo.write('docs/c.md', `Example: \`${allowed}\` <!-- shippo-keyguard:allow -->\n`);
});
afterAll(() => {
  repos.forEach((r) => r.cleanup());
  guard.assertNoLeaks();
});

/** The CLI, with every output and the baseline file recorded for the leak check. */
async function cli(argv: string[], options: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const cwd = options.cwd ?? repo.dir;
  const result = await runCli(cwd, argv, options);
  const scenario = argv.join(' ');
  guard.record({ scenario, channel: 'stdout', text: result.stdout, revealAllowed: false });
  guard.record({ scenario, channel: 'stderr', text: result.stderr, revealAllowed: false });
  try {
    guard.record({ scenario, channel: BASELINE, text: readFileSync(join(repo.dir, BASELINE), 'utf8'), revealAllowed: false });
  } catch {
    // no baseline yet
  }
  return result;
}
const baselineText = () => readFileSync(join(repo.dir, BASELINE), 'utf8');
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as JsonReport;
const DAY1 = { SOURCE_DATE_EPOCH: String(Date.UTC(2026, 0, 15) / 1000) };
const DAY2 = { SOURCE_DATE_EPOCH: String(Date.UTC(2026, 5, 1) / 1000) };

describe('baseline: writing', () => {
  it('records one entry per distinct key, by fingerprint, sorted, without the key', async () => {
    const result = await cli(['baseline'], { env: DAY1 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`wrote ${BASELINE}: 2 keys, 2 new\n`);
    const text = baselineText();
    const file = JSON.parse(text);
    const expected = [
      { fingerprint: fingerprintOf(live), detector: 'shippo-live-key', redacted: `${live.slice(0, 16)}…${live.slice(-4)}`, firstSeen: { path: 'src/a.js' }, date: '2026-01-15' },
      { fingerprint: fingerprintOf(test), detector: 'shippo-test-key', redacted: `${test.slice(0, 16)}…${test.slice(-4)}`, firstSeen: { path: 'deploy/b.py' }, date: '2026-01-15' },
    ].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    expect(file).toEqual({ version: 1, entries: expected });
    // Key order in the file is fixed too: the bytes are exactly this.
    expect(text).toBe(`${JSON.stringify({ version: 1, entries: expected }, null, 2)}\n`);
    expect(text).not.toMatch(new RegExp(`${['shippo', '(live|test)', ''].join('_')}[0-9a-fA-F]{32,}`));
  });

  it('is byte-identical when run again, and says so', async () => {
    await cli(['baseline'], { env: DAY1 });
    const first = baselineText();
    const again = await cli(['baseline'], { env: DAY2 });
    expect(again.stdout).toBe(`unchanged ${BASELINE}: 2 keys, 0 new\n`);
    expect(baselineText()).toBe(first);
  });

  it('does not change when lines holding known keys move, change, are copied or renamed', async () => {
    await cli(['baseline'], { env: DAY1 });
    const first = baselineText();
    repo.write('src/a.js', `import x from "y";\n\n\nexport const again = "${live}"; // moved and edited\nconst token = "${live}";\n`);
    repo.write('src/copy.ts', `const copied = "${live}";\n`);
    renameSync(join(repo.dir, 'deploy/b.py'), join(repo.dir, 'deploy/settings.py'));
    const again = await cli(['baseline'], { env: DAY2 });
    expect(again.exitCode).toBe(0);
    expect(baselineText()).toBe(first);
  });

  it('keeps reasons and dates of known keys; new keys get the day and --reason', async () => {
    await cli(['baseline'], { env: DAY1 });
    const edited = JSON.parse(baselineText());
    const liveEntry = edited.entries.find((e: { fingerprint: string }) => e.fingerprint === fingerprintOf(live));
    liveEntry.reason = 'rotated in March; kept in tests';
    liveEntry.date = '2025-03-01';
    writeFileSync(join(repo.dir, BASELINE), `${JSON.stringify(edited, null, 2)}\n`);
    repo.write('src/new.js', `const k = "${fresh}";\n`);
    const result = await cli(['baseline', '--reason', 'accepted in review'], { env: DAY2 });
    expect(result.stdout).toBe(`wrote ${BASELINE}: 3 keys, 1 new\n`);
    const entries = JSON.parse(baselineText()).entries as { fingerprint: string; date: string; reason?: string }[];
    const by = (k: string) => entries.find((e) => e.fingerprint === fingerprintOf(k));
    expect(by(live)).toMatchObject({ date: '2025-03-01', reason: 'rotated in March; kept in tests' });
    expect(by(test)).toEqual(expect.not.objectContaining({ reason: expect.anything() }));
    expect(by(fresh)).toMatchObject({ date: '2026-06-01', reason: 'accepted in review' });
  });

  it('reports stale entries as warnings and keeps them; --prune drops them', async () => {
    await cli(['baseline'], { env: DAY1 });
    rmSync(join(repo.dir, 'deploy/b.py'));
    const kept = await cli(['baseline'], { env: DAY2 });
    expect(kept.exitCode).toBe(0);
    expect(kept.stderr).toMatch(new RegExp(`^warning: stale-baseline-entry: ${test.slice(0, 16)}…${test.slice(-4)} \\(${fingerprintOf(test).slice(0, 12)}, first seen in deploy/b.py\\) is no longer found; --prune drops it\\n$`));
    expect(kept.stdout).toBe(`unchanged ${BASELINE}: 2 keys, 0 new, 1 stale\n`);
    const pruned = await cli(['baseline', '--prune'], { env: DAY2 });
    expect(pruned.stdout).toBe(`wrote ${BASELINE}: 1 key, 0 new, 1 stale (pruned)\n`);
    expect(pruned.stderr).toBe('');
    expect(JSON.parse(baselineText()).entries.map((e: { fingerprint: string }) => e.fingerprint)).toEqual([fingerprintOf(live)]);
  });

  it('a scan of part of the tree (some paths, the staged changes) calls no entry stale and refuses --prune', async () => {
    await cli(['baseline'], { env: DAY1 });
    const before = baselineText();
    // What a blocked commit advises: record the staged key, keep every other entry.
    repo.write('src/new.js', `const k = "${fresh}";\n`);
    git(repo.dir, 'add', 'src/new.js');
    const staged = await cli(['baseline', 'staged'], { env: DAY2 });
    expect(staged.exitCode).toBe(0);
    expect(staged.stderr).toBe('');
    expect(staged.stdout).toBe(`wrote ${BASELINE}: 3 keys, 1 new\n`);
    const afterStaged = baselineText();
    const part = await cli(['baseline', 'scan', 'deploy'], { env: DAY2 });
    expect(part.stderr).toBe('');
    expect(part.stdout).toBe(`unchanged ${BASELINE}: 3 keys, 0 new\n`);
    for (const argv of [['baseline', 'scan', 'deploy', '--prune'], ['baseline', 'staged', '--prune'], ['baseline', 'history', '--since', 'HEAD', '--prune']]) {
      const refused = await cli(argv, { env: DAY2 });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toMatch(/^shippo-keyguard: baseline: --prune needs a scan of the whole /);
    }
    expect(baselineText()).toBe(afterStaged);
    expect(afterStaged.length).toBeGreaterThan(before.length);
  });

  it('takes the scan\'s arguments: paths, -o for another file, and refuses output options', async () => {
    const result = await cli(['baseline', 'scan', 'deploy', '-o', 'ci/known-keys.json'], { env: DAY1 });
    expect(result.exitCode).toBe(2); // ci/ does not exist: a clear error, not a stack
    expect(result.stderr).toMatch(/^shippo-keyguard: cannot write baseline ci\/known-keys\.json: .*ENOENT/);
    const ok = await cli(['baseline', 'deploy', '--no-gitignore', '-o', 'known-keys.json'], { env: DAY1 });
    expect(ok.stdout).toBe('wrote known-keys.json: 1 key, 1 new\n');
    const clash = await cli(['baseline', 'scan', '--format', 'sarif']);
    expect(clash.exitCode).toBe(2);
    expect(clash.stderr).toBe('shippo-keyguard: baseline: --format is not used here (the baseline file is the output; name it with --baseline-file)\n');
    const bad = await cli(['baseline', 'scan', 'missing-dir']);
    expect(bad.exitCode).toBe(2);
  });
});

describe('--baseline on a scan', () => {
  beforeEach(async () => {
    await cli(['baseline'], { env: DAY1 });
  });

  it('suppresses known keys; the exit code and summary count only new ones', async () => {
    const clean = await cli(['scan', '--baseline', BASELINE]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toMatch(/✔ no Shippo keys found in \d+ files · 4 suppressed\n$/);
    repo.write('src/new.js', `const k = "${fresh}";\n`);
    const dirty = json(await cli(['scan', '--baseline', BASELINE, '--format', 'json']));
    expect(dirty.exitCode).toBe(1);
    expect(dirty.findings.map((f) => f.fingerprint)).toEqual([fingerprintOf(fresh)]);
    expect(dirty.summary.suppressed).toBe(4);
    expect(dirty.suppressed?.filter((f) => f.suppression?.by === 'baseline').map((f) => f.path)).toEqual(['deploy/b.py', 'src/a.js', 'src/a.js']);
  });

  it('still suppresses after the key moved to another file', async () => {
    rmSync(join(repo.dir, 'src/a.js'));
    repo.write('lib/moved.js', `\n\nmodule.exports = "${live}";\n`);
    const result = await cli(['scan', '--baseline', BASELINE]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('--show-suppressed lists baselined findings with their reason', async () => {
    const edited = JSON.parse(baselineText());
    for (const e of edited.entries) e.reason = 'known since 2025';
    writeFileSync(join(repo.dir, BASELINE), JSON.stringify(edited));
    const result = await cli(['scan', '--baseline', BASELINE, '--show-suppressed']);
    expect(result.stdout).toMatch(/Suppressed:\n[\s\S]*src\/a\.js:2:16 .*\[in baseline: known since 2025\]/);
    expect(result.stdout).toMatch(/docs\/c\.md:1:\d+ .*\[allowed inline\]/);
  });

  it('never prints a key pasted into a reason, in any format', async () => {
    const edited = JSON.parse(baselineText());
    for (const e of edited.entries) e.reason = `was ${fresh} before rotation`;
    writeFileSync(join(repo.dir, 'pasted.json'), JSON.stringify(edited));
    for (const format of ['text', 'json', 'sarif']) {
      const result = await cli(['scan', 'src', '--baseline', 'pasted.json', '--show-suppressed', '--format', format]);
      expect(result.exitCode).toBe(0);
      // SARIF carries no suppressed results.
      if (format !== 'sarif') expect(result.stdout).toMatch(/was shippo_live_[0-9a-f]{4}…[0-9a-f]{4} before rotation/);
      expect(result.stdout).not.toContain(fresh.slice(12));
    }
  });

  it('a baseline left with merge-conflict markers is exit 2 and one line', async () => {
    const lines = baselineText().split('\n');
    lines.splice(3, 0, '<<<<<<< HEAD'); // after "entries": [
    writeFileSync(join(repo.dir, BASELINE), lines.join('\n'));
    const result = await cli(['scan', '--baseline', BASELINE]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^shippo-keyguard: \.shippo-keyguard-baseline\.json: not a valid baseline \(JSON\): [^\n]+\n$/);
    expect(result.stderr).not.toContain('<<<');
  });

  it('suppresses in stdin too, without calling absent keys stale', async () => {
    const result = json(await cli(['scan', '-', '--stdin-filename', 'pasted.env', '--baseline', BASELINE, '--format', 'json'], { stdin: `T=${test}\n` }));
    expect(result.exitCode).toBe(0);
    expect(result.suppressed?.map((f) => [f.path, f.suppression?.by])).toEqual([['pasted.env', 'baseline']]);
    expect(result.warnings).toEqual([]);
  });

  it('warns about stale entries when it scans the whole tree, not a part of it', async () => {
    rmSync(join(repo.dir, 'deploy/b.py'));
    const whole = json(await cli(['scan', '--baseline', BASELINE, '--format', 'json']));
    expect(whole.exitCode).toBe(0);
    expect(whole.warnings.map((w) => w.code)).toEqual(['stale-baseline-entry']);
    expect(whole.warnings[0]?.message).toContain(fingerprintOf(test).slice(0, 12));
    const part = json(await cli(['scan', 'src', '--baseline', BASELINE, '--format', 'json']));
    expect(part.warnings).toEqual([]);
  });

  it('a missing or broken baseline is exit 2 with the file and field named', async () => {
    const missing = await cli(['scan', '--baseline', 'nope.json']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('shippo-keyguard: nope.json: cannot read the baseline file (ENOENT)\n');
    const edited = JSON.parse(baselineText());
    edited.entries[0].fingerprint = 'not-a-fingerprint';
    edited.entries[1].redacted = live;
    writeFileSync(join(repo.dir, 'broken.json'), JSON.stringify(edited));
    const broken = await cli(['scan', '--baseline', 'broken.json']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr.split('\n').filter(Boolean).map((l) => l.replace(/, got .*/, ''))).toEqual([
      'shippo-keyguard: broken.json: entries[0].fingerprint: expected a fingerprint: 64 lower-case hex characters (SHA-256 of the key)',
      'shippo-keyguard: broken.json: entries[1].redacted: expected a redacted preview (at most 32 characters), never a key',
    ]);
    // The error names the field, never echoes a key that was put there by mistake.
    expect(broken.stderr).not.toContain(live.slice(12));
  });
});
