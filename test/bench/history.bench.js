#!/usr/bin/env node
// History benchmark: `node test/bench/history.bench.js [repo]` (or `pnpm bench history`).
// On a given repository, or by default on a generated one (20,000 commits, 1 GiB of distinct blob
// content, keys planted then deleted), it times `shippo-keyguard history` against the floor (git
// inflating every object once) and against the `git log -p | rg` approach, reports peak memory,
// checks recall with the introducing commit, and times `staged` in a repository of 50,000 files.
// It runs the bundle users run, built afresh from the current sources.
// Sizes for a quick run: BENCH_HISTORY_COMMITS=2000 BENCH_HISTORY_BYTES=100MiB.
// Rounds: BENCH_HISTORY_RUNS (default 3). BENCH_HISTORY_AGAINST=<another checkout> adds that
// checkout's bundle to every round, for a before/after from one run.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFreshBundle } from './fresh-bundle.js';
import { generateRepo, generateWideRepo } from './history-repo.js';

export const name = 'history';
export const description = 'git history scan vs git cat-file floor and git log -p | rg; peak RSS; recall; staged on 50k files';

const here = dirname(fileURLToPath(import.meta.url));

function parseSize(value, fallback) {
  if (!value) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg])?i?b?$/i.exec(value);
  if (!m) throw new Error(`bad size ${value}`);
  const f = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * f);
}

/** Wall time and peak RSS of a command, through /usr/bin/time (GNU). */
function timed(command, args, options = {}) {
  const timeFile = join(tmpdir(), `skg-time-${process.pid}`);
  const started = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], {
    stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'],
    cwd: options.cwd,
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [rssKb, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { seconds, cpu: user + sys, rssMb: rssKb / 1024, status: res.status, stderr: res.stderr ?? '' };
}

/** The git processes of a full history scan, each timed alone with its output thrown away. */
function gitParts(target) {
  const dir = mkdtempSync(join(tmpdir(), 'skg-parts-'));
  try {
    const listing = join(dir, 'listing');
    const fd = openSync(listing, 'w');
    const list = timed('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)', '--unordered'], { cwd: target, stdout: fd });
    closeSync(fd);
    const blobs = join(dir, 'blobs');
    writeFileSync(
      blobs,
      readFileSync(listing, 'utf8')
        .split('\n')
        .filter((l) => l.split(' ')[1] === 'blob')
        .map((l) => `${l.split(' ')[0]}\n`)
        .join(''),
    );
    const read = timed('bash', ['-c', `git cat-file --batch --buffer < '${blobs}' > /dev/null`], { cwd: target });
    const walk = timed('git', ['rev-list', '--objects', '--missing=print', '--filter=object:type=blob', '--all', '--'], { cwd: target });
    const log = timed('git', ['log', '-z', '--format=%H%x00%an%x00%ae%x00%aI%x00%B', '--all', '--'], { cwd: target });
    return [
      { label: 'list the store (cat-file --batch-check)', run: list },
      { label: 'read every blob (cat-file --batch)', run: read },
      { label: 'reachable blobs and paths (rev-list --objects)', run: walk },
      { label: 'commit messages (git log)', run: log },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (s) => `${s.toFixed(2)} s`;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** The run with the median wall time. */
const medianRun = (list) => [...list].sort((a, b) => a.seconds - b.seconds)[Math.floor(list.length / 2)];

export async function run({ repo = resolve(here, '../..'), args = [] } = {}) {
  const root = repo;
  const given = args.find((a) => a.startsWith('--history-repo='))?.slice('--history-repo='.length);
  const cli = join(root, 'cli/bin/shippo-keyguard.js');
  let target;
  let planted = [];
  if (given) {
    target = resolve(given);
    console.log(`repository: ${target}`);
  } else {
    const commits = Number(process.env.BENCH_HISTORY_COMMITS ?? 20_000);
    const totalBytes = parseSize(process.env.BENCH_HISTORY_BYTES, 1024 ** 3);
    const dir = join(root, '.bench', `history-${commits}-${totalBytes}`);
    const started = Date.now();
    const gen = await generateRepo({ dir, commits, totalBytes, log: (l) => console.log(`  ${l}`) });
    target = gen.dir;
    planted = gen.planted;
    console.log(
      `repository: generated, ${gen.commits} commits, ${(gen.written / 1024 ** 2).toFixed(0)} MiB of distinct blob content, ` +
        `${planted.length} keys planted then deleted (${gen.reused ? 'reused' : `built in ${((Date.now() - started) / 1000).toFixed(1)} s`})`,
    );
  }
  const blobs = execFileSync('git', ['count-objects', '-vH'], { cwd: target, encoding: 'utf8' }).match(/size-pack: (.*)/)?.[1];
  console.log(`pack size: ${blobs}`);

  // Warm the page cache so every contender reads from memory.
  timed('git', ['cat-file', '--batch-all-objects', '--batch-check', '--unordered'], { cwd: target });

  // The machine may be shared: alternate the contenders; the ratio is of the medians.
  const runs = Number(process.env.BENCH_HISTORY_RUNS ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'skg-bench-'));
  const entry = await writeFreshBundle(root, join(work, 'bundle'));
  const against = process.env.BENCH_HISTORY_AGAINST ? await writeFreshBundle(resolve(process.env.BENCH_HISTORY_AGAINST), join(work, 'against')) : undefined;
  const loadBefore = loadavg();
  const out = join(work, 'history.json');
  const rssFile = `${out}.rss`;
  const floors = [];
  const oursRuns = [];
  const beforeRuns = [];
  let scannerRssMb = 0;
  /** One `history` run of a bundle, with the scanner process's own peak memory; `nodeArgs` go before the script. */
  const scan = (cliEntry, output, nodeArgs = []) => {
    process.env.SKG_RSS_FILE = rssFile;
    process.env.SKG_CLI_ENTRY = cliEntry;
    const o = timed(process.execPath, [...nodeArgs, join(here, 'measure-cli.js'), 'history', '--repo', target, '--format', 'json', '-o', output], { cwd: target });
    delete process.env.SKG_RSS_FILE;
    delete process.env.SKG_CLI_ENTRY;
    return { ...o, rssOwnMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
  };
  for (let i = 0; i < runs; i++) {
    floors.push(timed('git', ['cat-file', '--batch-all-objects', '--batch', '--unordered'], { cwd: target }));
    const o = scan(entry, out);
    scannerRssMb = Math.max(scannerRssMb, o.rssOwnMb);
    oursRuns.push(o);
    if (against) beforeRuns.push(scan(against, `${out}.before`));
  }
  const floor = medianRun(floors);
  const ours = medianRun(oursRuns);
  if (oursRuns.some((o) => o.status !== 0 && o.status !== 1)) ours.status = oursRuns.find((o) => o.status !== 0 && o.status !== 1).status;
  if (ours.status !== 0 && ours.status !== 1) throw new Error(`history failed (${ours.status}): ${ours.stderr.trim()}`);
  const logP = timed('bash', ['-c', 'set -o pipefail; git log -p --all | rg -c shippo_ || true'], { cwd: target });

  const report = JSON.parse(readFileSync(out, 'utf8'));
  const beforeReport = against ? JSON.parse(readFileSync(`${out}.before`, 'utf8')) : undefined;
  console.log('');
  const row = (label, r, extra) => console.log(`${label.padEnd(54)}${fmt(r.seconds).padStart(9)} wall ${fmt(r.cpu).padStart(9)} CPU  ${extra}`);
  console.log(`${runs} runs each, alternating; medians (runs: floor ${floors.map((r) => r.seconds.toFixed(2)).join(', ')}; history ${oursRuns.map((r) => r.seconds.toFixed(2)).join(', ')})`);
  row('git cat-file --batch-all-objects --batch --unordered', floor, '(the floor)');
  row('shippo-keyguard history', ours, `${(ours.seconds / floor.seconds).toFixed(2)}x the floor (goal <= 1.3x; CPU ${(ours.cpu / floor.cpu).toFixed(2)}x); peak RSS ${ours.rssMb.toFixed(0)} MB (largest of it and its git children; git alone reaches ${floor.rssMb.toFixed(0)} MB)`);
  if (against) {
    const before = medianRun(beforeRuns);
    row(`before: ${process.env.BENCH_HISTORY_AGAINST}`, before, `${(before.seconds / floor.seconds).toFixed(2)}x the floor (CPU ${(before.cpu / floor.cpu).toFixed(2)}x); runs ${beforeRuns.map((r) => r.seconds.toFixed(2)).join(', ')}`);
    const same = beforeReport.summary.scanned === report.summary.scanned && beforeReport.summary.bytes === report.summary.bytes && beforeReport.findings.length === report.findings.length;
    console.log(`  before and now report the same blobs, bytes and findings: ${same ? 'yes' : `NO (before: ${beforeReport.summary.scanned} blobs and messages, ${beforeReport.findings.length} findings)`}`);
  }
  row('git log -p --all | rg -c shippo_', logP, `${(logP.seconds / floor.seconds).toFixed(2)}x the floor; history is ${(logP.seconds / ours.seconds).toFixed(1)}x faster`);
  console.log(`peak RSS of the scanner process itself: ${scannerRssMb.toFixed(0)} MB (target: under 256 MB)`);
  console.log(`load average before: ${loadBefore}, after: ${loadavg()} (on ${availableParallelism()} cores)`);
  console.log(`scanned ${report.summary.scanned} blobs and messages, ${(report.summary.bytes / 1024 ** 2).toFixed(0)} MiB; ${report.findings.length} findings; ${report.warnings.length} warnings`);

  // Where the CPU goes: each git process a full scan starts, run alone into /dev/null, and what
  // is left for the scanner itself. Two cores cannot finish faster than all of it divided by two.
  const parts = gitParts(target);
  const gitCpu = parts.reduce((sum, p) => sum + p.run.cpu, 0);
  console.log('');
  console.log(`where the CPU of \`history\` goes (each git part alone, into /dev/null):`);
  for (const p of parts) row(`  ${p.label}`, p.run, '');
  const own = Math.max(0, ours.cpu - gitCpu);
  console.log(`${'  the scanner itself (history CPU minus the git parts)'.padEnd(54)}${''.padStart(9)}      ${fmt(own).padStart(9)} CPU`);
  const cores = availableParallelism();
  const bound = ours.cpu / cores;
  console.log(
    `  ${fmt(ours.cpu)} of CPU against the floor's ${fmt(floor.cpu)}: on ${cores} cores no schedule finishes in under ${fmt(bound)}, ` +
      `${(bound / floor.seconds).toFixed(2)}x the floor (goal <= 1.3x)`,
  );

  // Where the time of the git process the scan waits on goes, from one more run (Linux: /proc).
  if (process.platform === 'linux') {
    const schedFile = join(work, 'sched.json');
    process.env.SKG_SCHED_FILE = schedFile;
    const traced = scan(entry, `${out}.traced`, ['-r', join(here, 'child-sched.cjs')]);
    delete process.env.SKG_SCHED_FILE;
    const rows = JSON.parse(readFileSync(schedFile, 'utf8'));
    const reader = rows.find((r) => r.command === 'cat-file --batch');
    const beside = rows.filter((r) => r.command.startsWith('rev-list') || r.command.startsWith('log -z'));
    if (reader) {
      const blocked = Math.max(0, reader.lifetime - reader.onCpu - reader.waiting);
      console.log('');
      console.log(`where the time of the store reader (cat-file --batch, what the scan waits on) goes, one more run (${fmt(traced.seconds)}):`);
      console.log(
        `  on a core ${fmt(reader.onCpu)}, waiting for a core ${fmt(reader.waiting)}, blocked ${fmt(blocked)} ` +
          `(its output queue full, or waiting for ids), of ${fmt(reader.lifetime)}`,
      );
      console.log(`  beside it, the walk and the message log (rev-list, log): ${fmt(beside.reduce((t, r) => t + r.onCpu, 0))} on a core`);
    }
  }

  let ok = true;
  if (planted.length > 0) {
    let hit = 0;
    for (const p of planted) {
      const f = report.findings.find((x) => x.fingerprint === p.fingerprint);
      if (f && f.introduced?.commit === p.commit && f.path === p.path) hit++;
      else {
        ok = false;
        console.log(`  missed or misattributed: ${p.path} at ${p.commit.slice(0, 12)} -> ${f ? `${f.path} at ${f.introduced?.commit?.slice(0, 12)}` : 'not found'}`);
      }
    }
    console.log(`recall: ${hit}/${planted.length} planted keys found with the right path and introducing commit`);
  }

  // staged: a few files in a repository of 50,000 tracked files.
  const wide = generateWideRepo(join(root, '.bench', 'wide-50k'));
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: wide });
  for (let i = 0; i < 3; i++) writeFileSync(join(wide, `d${i}`, `new${i}.txt`), `staged file ${i}\n`);
  execFileSync('git', ['add', 'd0', 'd1', 'd2'], { cwd: wide });
  const stagedCore = [];
  const { scanStaged } = await import(pathToFileURL(join(root, 'packages/core/dist/git/index.js')).href);
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await scanStaged({ repo: wide });
    stagedCore.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const stagedCli = timed(process.execPath, [cli, 'staged'], { cwd: wide });
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: wide });
  execFileSync('git', ['clean', '-qfd'], { cwd: wide });
  console.log(`staged (3 files, 50,000 tracked): ${fmt(Math.min(...stagedCore))} in process, ${fmt(stagedCli.seconds)} for the whole CLI process`);
  rmSync(work, { recursive: true, force: true });
  return { ok };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const given = process.argv[2];
  const result = await run({ args: given ? [`--history-repo=${given}`] : [] });
  process.exit(result.ok ? 0 : 1);
}
