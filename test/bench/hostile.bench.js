#!/usr/bin/env node
// Hostile-input benchmark: `node test/bench/hostile.bench.js` (or `pnpm bench hostile`).
// Shows that two inputs that used to hang cost time proportional to their size, against git
// doing the same reading:
//  - `history` on a repository whose one commit message is BENCH_HOSTILE_MESSAGE (default 100 MB)
//    with a key at its end, against `git log --format=%B` printing every message;
//  - `pre-push` of BENCH_HOSTILE_TAGS (default 2,000) new annotated tags (git's own pre-push
//    lines, as `git push --tags` hands them over), one with a key in its message, against
//    `git cat-file --batch` reading every tag object plus `git rev-list` over every tip.
// It prints each time and the ratio to git's, at full size and at a quarter of it: a ratio that
// stays flat as the input grows is linear. Keys are built at run time.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';

export const name = 'hostile';
export const description = 'a 100 MB commit message and a push of 2,000 tags, against git reading the same';

const here = dirname(fileURLToPath(import.meta.url));
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function key(seed) {
  return ['shippo', 'live', ''].join('_') + createHash('sha256').update(seed).digest('hex').slice(0, 40);
}

function git(cwd, args, input) {
  return execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', input, maxBuffer: 1 << 30 }).trim();
}

/** Wall seconds of a command; its stdout is discarded. */
function time(command, args, { cwd, input } = {}) {
  const started = process.hrtime.bigint();
  const res = spawnSync(command, args, { cwd, input, env: ENV, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, status: res.status, stderr: String(res.stderr ?? '') };
}

const fmt = (s) => `${s.toFixed(2)} s`;

function messageCase(dir, cli, bytes) {
  const repo = join(dir, `message-${bytes}`);
  git(dir, ['init', '-q', '-b', 'main', repo]);
  git(repo, ['commit', '-q', '--allow-empty', '-m', 'initial']);
  const line = `${'x'.repeat(1023)}\n`;
  const file = join(dir, 'message');
  writeFileSync(file, `huge\n\n${line.repeat(Math.ceil(bytes / 1024))}deploy with ${key(`message-${bytes}`)}\n`);
  git(repo, ['commit', '-q', '--allow-empty', '-F', file]);
  rmSync(file);
  const floor = time('git', ['log', '--format=%B'], { cwd: repo });
  const ours = time(process.execPath, [cli, 'history', '--max-file-size', `${bytes * 2}`], { cwd: repo });
  return { floor, ours, found: ours.status === 1 };
}

function tagsCase(dir, cli, count) {
  const repo = join(dir, `tags-${count}`);
  git(dir, ['init', '-q', '-b', 'main', repo]);
  git(repo, ['commit', '-q', '--allow-empty', '-m', 'one']);
  const first = git(repo, ['rev-parse', 'HEAD']);
  git(repo, ['commit', '-q', '--allow-empty', '-m', 'two']);
  const second = git(repo, ['rev-parse', 'HEAD']);
  const stream = [];
  for (let i = 0; i < count; i++) {
    const text = i === Math.floor(count / 2) ? `release ${i}\n\nwith ${key(`tags-${count}`)}\n` : `release ${i}\n`;
    stream.push(`tag v${i}`, `from ${i % 2 ? second : first}`, 'tagger Bench <bench@example.test> 1704067200 +0000', `data ${Buffer.byteLength(text)}`, text);
  }
  git(repo, ['fast-import', '--quiet'], `${stream.join('\n')}\n`);
  const remote = join(dir, `remote-${count}.git`);
  git(dir, ['init', '-q', '--bare', remote]);
  // git's own pre-push lines: a hook that saves them and refuses the push.
  const hooks = join(dir, `hooks-${count}`);
  execFileSync('mkdir', ['-p', hooks]);
  const saved = join(hooks, 'lines');
  writeFileSync(join(hooks, 'pre-push'), `#!/bin/sh\ncat > '${saved}'\nexit 1\n`);
  chmodSync(join(hooks, 'pre-push'), 0o755);
  spawnSync('git', ['-c', `core.hooksPath=${hooks}`, 'push', '--tags', remote], { cwd: repo, env: ENV });
  const lines = readFileSync(saved, 'utf8');
  const tags = lines.split('\n').filter(Boolean).map((l) => l.split(' ')[1]);
  const floorRead = time('git', ['cat-file', '--batch'], { cwd: repo, input: `${tags.join('\n')}\n` });
  const floorWalk = time('git', ['rev-list', '--objects', '--stdin'], { cwd: repo, input: `${tags.join('\n')}\n` });
  const ours = time(process.execPath, [cli, 'pre-push', remote, remote], { cwd: repo, input: lines });
  return { floor: { seconds: floorRead.seconds + floorWalk.seconds }, ours, found: ours.status === 1 };
}

function report(label, result) {
  const ratio = result.ours.seconds / Math.max(result.floor.seconds, 0.001);
  console.log(`${label}: shippo-keyguard ${fmt(result.ours.seconds)}, git ${fmt(result.floor.seconds)}, ratio ${ratio.toFixed(1)}x, key ${result.found ? 'reported' : 'MISSED'}`);
  return { ratio, ok: result.found };
}

export async function run({ repo = resolve(here, '../..') } = {}) {
  const cli = join(repo, 'cli/bin/shippo-keyguard.js');
  const bytes = Number(process.env['BENCH_HOSTILE_MESSAGE'] ?? 100_000_000);
  const count = Number(process.env['BENCH_HOSTILE_TAGS'] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'skg-hostile-'));
  let ok = true;
  try {
    const quarterMessage = report(`commit message of ${(bytes / 4 / 1e6).toFixed(0)} MB`, messageCase(dir, cli, Math.floor(bytes / 4)));
    const fullMessage = report(`commit message of ${(bytes / 1e6).toFixed(0)} MB`, messageCase(dir, cli, bytes));
    console.log(`  ratio growth from 1/4 to full size: ${(fullMessage.ratio / quarterMessage.ratio).toFixed(2)} (about 1 when linear)`);
    const quarterTags = report(`pre-push of ${Math.floor(count / 4)} new tags`, tagsCase(dir, cli, Math.floor(count / 4)));
    const fullTags = report(`pre-push of ${count} new tags`, tagsCase(dir, cli, count));
    console.log(`  ratio growth from 1/4 to full size: ${(fullTags.ratio / quarterTags.ratio).toFixed(2)} (about 1 when linear; start-up weighs on the small case)`);
    ok = quarterMessage.ok && fullMessage.ok && quarterTags.ok && fullTags.ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ok };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const result = await run();
  process.exit(result.ok ? 0 : 1);
}
