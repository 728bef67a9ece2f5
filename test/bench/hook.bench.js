#!/usr/bin/env node
// Hook benchmark: `node test/bench/hook.bench.js` (or `pnpm bench hook`).
// What a commit waits for: wall time of `staged` and `pre-commit` with 0, 3 and 300 staged files
// in a repository of 50,000 tracked files, and of `--version`, next to `node -e 0`. Each is run
// from the bin on cli/dist (a development checkout after `tsc -b`) and from the bundle that
// pre-commit's clone and the Action run, built afresh from the current sources, and from the npm
// package's layout (the bin with that bundle in bundle/, what `npx shippo-keyguard` runs). Contenders
// alternate within each round, so a busy machine slows them alike; medians of the rounds.
// Rounds: BENCH_HOOK_RUNS (default 11). BENCH_HOOK_AGAINST=<another checkout, built> adds that
// checkout's bin and bundle to every round, for a before/after from one run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateWideRepo } from './history-repo.js';

export const name = 'hook';
export const description = 'staged / pre-commit / --version wall time in a 50,000-file repository vs node -e 0 (bin on cli/dist and the bundle)';

const here = dirname(fileURLToPath(import.meta.url));
const GOALS = { staged: 0.15, version: 0.12 };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function wall(command, args, cwd) {
  const started = process.hrtime.bigint();
  const res = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (res.error) throw res.error;
  return { seconds, status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function writeAll(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
}

/**
 * A fresh clone as pre-commit and the Action see it: the bin, the package.json files (which tell
 * Node the bin is an ES module) and the bundle as `pnpm bundle` would write it now (the
 * committed one may be stale), and no cli/dist.
 */
async function freshBundle(root, dir) {
  const { bundleFiles } = await import(pathToFileURL(join(root, 'scripts/bundle.mjs')).href);
  const files = { ...(await bundleFiles()) };
  for (const path of ['cli/bin/shippo-keyguard.js', 'cli/bin/package.json', 'cli/package.json', 'package.json']) {
    // (A checkout from before the bin was CommonJS has no cli/bin/package.json.)
    if (existsSync(join(root, path))) files[path] = readFileSync(join(root, path));
  }
  writeAll(dir, files);
  return join(dir, 'cli/bin/shippo-keyguard.js');
}

/** The npm package as installed (`npx shippo-keyguard`): its bin runs the bundle it carries in bundle/. */
async function packagedBundle(root, dir) {
  const { bundleFiles } = await import(pathToFileURL(join(root, 'scripts/bundle.mjs')).href);
  const files = {};
  for (const [path, bytes] of Object.entries(await bundleFiles())) files[`bundle/${basename(path)}`] = bytes;
  files['bin/shippo-keyguard.js'] = readFileSync(join(root, 'cli/bin/shippo-keyguard.js'));
  if (existsSync(join(root, 'cli/bin/package.json'))) files['bin/package.json'] = readFileSync(join(root, 'cli/bin/package.json'));
  files['package.json'] = readFileSync(join(root, 'cli/package.json'));
  writeAll(dir, files);
  return join(dir, 'bin/shippo-keyguard.js');
}

/**
 * The git calls of `staged`, as packages/core/src/git/repo.ts and staged-start.ts make them; the
 * remote's URL only for a report that names the repository (JSON, SARIF, GitLab), not a hook's text.
 */
const GIT_CALLS = [
  ['rev-parse (repository facts)', ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--is-shallow-repository', '--show-toplevel', '--git-path', 'objects', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD']],
  ['config (remote URL; not for a text report)', ['config', '--get', 'remote.origin.url']],
  ['diff-index --cached (what is staged)', ['diff-index', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMRT', 'HEAD', '--']],
];

const stagedPaths = (count) => Array.from({ length: count }, (_, i) => `d${i % 200}/staged${i}.txt`);

/** Stage `count` new files (a few lines each, no key) on top of the clean 50,000-file tree. */
function stage(repo, count) {
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: repo });
  execFileSync('git', ['clean', '-qfd'], { cwd: repo });
  const paths = [];
  for (const path of stagedPaths(count)) {
    const i = paths.length;
    writeFileSync(join(repo, path), `staged file ${i}\n${'const rate = shipment.rates[0].amount;\n'.repeat(40)}`);
    paths.push(path);
  }
  for (let i = 0; i < paths.length; i += 100) execFileSync('git', ['add', '--', ...paths.slice(i, i + 100)], { cwd: repo });
}

export async function run({ repo = resolve(here, '../..') } = {}) {
  const root = repo;
  const rounds = Number(process.env.BENCH_HOOK_RUNS ?? 11);
  const wide = generateWideRepo(join(root, '.bench', 'wide-50k'));
  const bin = join(root, 'cli/bin/shippo-keyguard.js');
  const bundle = await freshBundle(root, join(root, '.bench', 'hook-bundle'));
  const node = process.execPath;
  console.log(`repository: ${wide} (50,000 tracked files); node ${process.version}; ${rounds} rounds, medians`);
  console.log(`load average before: ${loadavg()} (on ${availableParallelism()} cores)`);

  const faces = [
    ['bin (cli/dist)', bin],
    ['bundle (fresh clone)', bundle],
  ];
  // Only a bin that looks for ../bundle/ runs the bundle from the npm package.
  if (readFileSync(bin, 'utf8').includes('../bundle/')) faces.push(['npm package', await packagedBundle(root, join(root, '.bench', 'hook-package'))]);
  const against = process.env.BENCH_HOOK_AGAINST;
  if (against) {
    faces.push(['other: bin', join(resolve(against), 'cli/bin/shippo-keyguard.js')]);
    faces.push(['other: bundle', await freshBundle(resolve(against), join(root, '.bench', 'hook-bundle-other'))]);
    console.log(`other: ${resolve(against)} (${execFileSync('git', ['log', '-1', '--format=%h %s'], { cwd: against, encoding: 'utf8' }).trim().slice(0, 80)})`);
  }
  const scenarios = [
    { staged: null, label: '--version', goal: GOALS.version, args: ['--version'] },
    ...[0, 3, 300].flatMap((n) => [
      { staged: n, label: `staged, ${n} staged`, goal: GOALS.staged, args: ['staged'] },
      { staged: n, label: `pre-commit, ${n} staged`, goal: n <= 3 ? GOALS.staged : undefined, args: ['pre-commit'] },
    ]),
    // The pre-commit framework's hook passes the staged file names (with unstaged changes stashed).
    { staged: 3, label: 'pre-commit FILES, 3 staged', goal: GOALS.staged, args: ['pre-commit', ...stagedPaths(3)] },
  ];

  let ok = true;
  const rows = [];
  const gitRows = [];
  let gitFloor = 0;
  for (const count of [null, 0, 3, 300]) {
    if (count !== null) stage(wide, count);
    const cases = [['node -e 0', [node, ['-e', '0']]]];
    for (const s of scenarios.filter((x) => x.staged === count)) {
      for (const [face, entry] of faces) cases.push([`${s.label} | ${face}`, [node, [entry, ...s.args]], s]);
    }
    // The git calls a staged hook makes (all three at once), each timed alone: with node's own
    // start-up they set the least a hook can take where the bench runs.
    const gitCalls = count === 3 ? GIT_CALLS.map(([label, args]) => [`git ${label}`, ['git', args], { git: true }]) : [];
    cases.push(...gitCalls);
    const times = new Map(cases.map(([label]) => [label, []]));
    for (let r = 0; r <= rounds; r++) {
      for (const [label, [command, args], s] of cases) {
        const res = wall(command, args, wide);
        if (s && !s.git && res.status !== 0) {
          ok = false;
          console.log(`  ${label}: exit ${res.status}: ${res.stderr.trim().split('\n')[0]}`);
        }
        if (r > 0) times.get(label).push(res.seconds); // round 0 warms the page cache
      }
    }
    const floor = median(times.get('node -e 0'));
    rows.push({ label: `node -e 0 (${count === null ? 'no repository work' : `${count} staged`})`, t: floor, ratio: 1 });
    for (const [label, , s] of cases.slice(1)) {
      const t = median(times.get(label));
      if (s.git) gitRows.push({ label, t });
      else rows.push({ label, t, ratio: t / floor, goal: s.goal });
    }
    if (gitCalls.length > 0) gitFloor = floor;
  }
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: wide });
  execFileSync('git', ['clean', '-qfd'], { cwd: wide });

  console.log('');
  console.log(`${'what'.padEnd(54)}${'median'.padStart(9)}  vs node -e 0   goal`);
  for (const r of rows) {
    const goal = r.goal === undefined ? '' : `<= ${r.goal.toFixed(2)} s ${r.t <= r.goal ? 'met' : 'not met'}`;
    console.log(`${r.label.padEnd(54)}${`${r.t.toFixed(3)} s`.padStart(9)}  ${`${r.ratio.toFixed(2)}x`.padStart(10)}   ${goal}`);
  }
  if (gitRows.length > 0) {
    console.log('');
    console.log('where a staged hook (3 staged) cannot go faster: the git calls it makes, each alone, next to node -e 0');
    for (const r of gitRows) console.log(`  ${r.label.padEnd(52)}${`${r.t.toFixed(3)} s`.padStart(9)}`);
    const slowest = Math.max(...gitRows.map((r) => r.t));
    console.log(
      `  node -e 0 ${gitFloor.toFixed(3)} s + the slowest git call ${slowest.toFixed(3)} s (they run at once) = ${(gitFloor + slowest).toFixed(3)} s ` +
        `before any of the hook's own code runs (goal <= ${GOALS.staged.toFixed(2)} s)`,
    );
  }
  console.log(`load average after: ${loadavg()} (on ${availableParallelism()} cores)`);
  return { ok };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const result = await run();
  process.exit(result.ok ? 0 : 1);
}
