// `scan` on a generated tree (>= 200 MB in 50,000 files, planted keys) next to `rg -c` with the
// same pattern on the same tree: medians of a few runs, the ratio, and a recall check.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { prng } from './prng.js';

export const name = 'files';
export const description = 'scan vs ripgrep on a generated tree of 50,000 files (>= 200 MB) with planted keys';

// BENCH_FILES_SCALE=10: a tree ten times larger (500,000 files, about 2.5 GB), where start-up no
// longer dominates. BENCH_FILES_RUNS: rounds (default 5).
const SCALE = Math.max(1, Number(process.env.BENCH_FILES_SCALE ?? 1));
const FILES = 50_000 * SCALE;
const PLANTED = 1_000 * SCALE;
const RUNS = Number(process.env.BENCH_FILES_RUNS ?? 5);
const TREE_VERSION = 'files-v1';
const TREE_NAME = SCALE === 1 ? 'files-tree' : `files-tree-x${SCALE}`;
const PATTERN = 'shippo_(live|test)_[0-9a-fA-F]{40}';


// Built at run time from a seed: no key-shaped string in the repository.
const prefix = (kind) => ['shippo', kind, ''].join('_');
const plantedKey = (i) => prefix(i % 2 ? 'test' : 'live') + createHash('sha256').update(`bench:${i}`).digest('hex').slice(0, 40);
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

const FILLER = [
  'import { readFile } from "node:fs/promises";',
  'export async function loadConfig(path) {',
  '  const text = await readFile(path, "utf8");',
  '  return JSON.parse(text);',
  '}',
  'const rates = shipments.map((s) => s.rates.filter((r) => r.amount > 0));',
  '// TODO: handle the carrier timeout when the label service is slow',
  'def create_label(shipment_id, carrier="usps"):',
  '    return client.transactions.create(shipment=shipment_id, carrier=carrier)',
  '  "address_from": { "name": "Warehouse", "street1": "215 Clayton St.", "zip": "94117" },',
  'SELECT id, created_at, status FROM orders WHERE status = \'pending\' ORDER BY id;',
  '<div class="tracking">Your parcel is on its way: {{ tracking_number }}</div>',
  'LOG_LEVEL=info',
  'ship_from_zip = "94117"  # san francisco',
  'A veces el envío tarda más de lo previsto; ¡gracias por tu paciencia! 📦',
];
const EXT = ['.js', '.ts', '.py', '.json', '.md', '.yml', '.env', '.html', '.sql', '.txt'];

function fileSize(i, rand) {
  if (i % 2500 === 7) return 1024 * 1024; // a few big bundles
  return 1000 + Math.floor(rand() * 6400);
}

function generate(dir) {
  rmSync(dir, { recursive: true, force: true });
  const rand = prng(42);
  const pool = Buffer.from(Array.from({ length: 4000 }, () => FILLER[Math.floor(rand() * FILLER.length)]).join('\n') + '\n');
  const planted = new Map(); // file index -> key index
  const step = FILES / PLANTED;
  for (let k = 0; k < PLANTED; k++) planted.set(Math.floor(k * step + rand() * step), k);
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, `pkg${String(i % 50).padStart(2, '0')}`, `mod${String(Math.floor(i / 50) % (10 * SCALE))}`);
    if (i < 500 * SCALE) mkdirSync(sub, { recursive: true });
    const size = fileSize(i, rand);
    const start = Math.floor(rand() * (pool.length - size - 1));
    let content = pool.subarray(start, start + size);
    const k = planted.get(i);
    if (k !== undefined) {
      const at = content.indexOf(10, Math.floor(rand() * content.length * 0.9)) + 1;
      content = Buffer.concat([content.subarray(0, at), Buffer.from(`SHIPPO_API_KEY="${plantedKey(k)}"\n`), content.subarray(at)]);
    }
    bytes += content.length;
    writeFileSync(join(sub, `file${i}${EXT[i % EXT.length]}`), content);
  }
  execFileSync('git', ['init', '-q', dir]); // a work tree: the scan lists it with git ls-files, as in real use
  return bytes;
}

function ensureRipgrep() {
  if (spawnSync('rg', ['--version']).status === 0) return true;
  console.log('ripgrep not found; trying: apt-get install -y ripgrep');
  const apt = spawnSync('apt-get', ['install', '-y', '-qq', 'ripgrep'], { stdio: 'inherit' });
  return apt.status === 0 && spawnSync('rg', ['--version']).status === 0;
}

// Through sh, whose `times` prints the CPU time (user, system) of the command it ran: on a
// shared machine, CPU time is steadier than wall time.
const TIMED = 'out=$(mktemp); "$@" > "$out"; s=$?; cat "$out"; rm -f "$out"; times >&2; exit $s';
const seconds = (t) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

function time(command, args, cwd) {
  const started = process.hrtime.bigint();
  const child = spawnSync('sh', ['-c', TIMED, 'sh', command, ...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.error) throw child.error;
  const children = child.stderr.trim().split('\n').at(-1).split(/\s+/);
  const cpuMs = (seconds(children[0]) + seconds(children[1])) * 1000;
  return { ms, cpuMs, status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run({ repo }) {
  const base = join(repo, '.bench');
  const dir = join(base, TREE_NAME);
  const stamp = join(base, `${TREE_NAME}.stamp`);
  let bytes;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').startsWith(`${TREE_VERSION} `)) {
    bytes = Number(readFileSync(stamp, 'utf8').split(' ')[1]);
    console.log(`tree: reusing ${dir}`);
  } else {
    console.log(`tree: generating ${FILES} files in ${dir} ...`);
    mkdirSync(base, { recursive: true });
    bytes = generate(dir);
    writeFileSync(stamp, `${TREE_VERSION} ${bytes}`);
  }
  console.log(`tree: ${FILES} files, ${(bytes / 1e6).toFixed(1)} MB, ${PLANTED} planted keys`);
  if (!ensureRipgrep()) {
    console.error('files: ripgrep (rg) is required; install it (apt-get install ripgrep) and run again');
    return { ok: false };
  }

  const bin = join(repo, 'cli/bin/shippo-keyguard.js');
  const scanArgs = [bin, 'scan', '--format', 'json'];
  // --no-ignore-parent: the tree sits in this repository's ignored .bench/; judge it on its own.
  const rgArgs = ['-c', '--no-ignore-parent', PATTERN, '.']; // name the path: with a piped stdin, rg would search stdin
  const cases = {
    'shippo-keyguard scan': () => time(process.execPath, scanArgs, dir),
    'shippo-keyguard scan --no-gitignore': () => time(process.execPath, [...scanArgs, '--no-gitignore'], dir),
    [`rg -c --no-ignore-parent '${PATTERN}'`]: () => time('rg', rgArgs, dir),
  };
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  let lastScan;
  let lastRg;
  for (let round = 0; round <= RUNS; round++) {
    for (const [label, go] of Object.entries(cases)) {
      const r = go();
      if (label.startsWith('rg')) lastRg = r;
      else if (!label.includes('--no-gitignore')) lastScan = r;
      if (round > 0) {
        times[label].push(r.ms); // round 0 warms the page cache
        cpu[label].push(r.cpuMs);
      }
    }
  }

  for (const [label, ms] of Object.entries(times)) {
    console.log(`${label}\n    wall median ${median(ms).toFixed(0).padStart(6)} ms   runs: ${ms.map((m) => m.toFixed(0)).join(', ')}`);
    console.log(`    CPU  median ${median(cpu[label]).toFixed(0).padStart(6)} ms   (user + system, all threads)`);
  }
  const scanMs = median(times['shippo-keyguard scan']);
  const rgMs = median(times[`rg -c --no-ignore-parent '${PATTERN}'`]);
  const ratio = scanMs / rgMs;
  const rgLabel = `rg -c --no-ignore-parent '${PATTERN}'`;
  const cpuRatio = median(cpu['shippo-keyguard scan']) / median(cpu[rgLabel]);
  console.log(`ratio scan / rg: ${ratio.toFixed(2)}x wall time (goal <= ${SCALE === 1 ? '2' : '1.5'}x), ${cpuRatio.toFixed(2)}x CPU time`);
  console.log(`load average now: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (on ${availableParallelism()} cores)`);

  // Recall: every planted key, by fingerprint, and nothing else.
  const report = JSON.parse(lastScan.stdout);
  const want = new Set(Array.from({ length: PLANTED }, (_, k) => sha256(plantedKey(k))));
  const got = new Set(report.findings.map((f) => f.fingerprint));
  const missed = [...want].filter((fp) => !got.has(fp)).length;
  const extra = [...got].filter((fp) => !want.has(fp)).length;
  const rgFiles = lastRg.stdout.split('\n').filter(Boolean).length;
  console.log(`recall: ${PLANTED - missed}/${PLANTED} planted keys found, ${extra} unexpected; rg matched ${rgFiles} files`);
  console.log(`scan: exit ${lastScan.status}, ${report.summary.scanned} files, ${(report.summary.bytes / 1e6).toFixed(1)} MB`);
  return { ok: missed === 0 && extra === 0 && lastScan.status === 1 && rgFiles === PLANTED, ratio };
}
