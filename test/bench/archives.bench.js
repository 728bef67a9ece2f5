#!/usr/bin/env node
/**
 * What opening archives costs. Two questions:
 *   1. An archive with no key: `shippo-keyguard scan` of a .gz, a .zip and a .tar.gz next to the
 *      floor, the system's own inflaters writing to /dev/null (`zcat`, `unzip -p`, `tar -xzOf`).
 *      Target: little more than inflating (the CLI's start-up, about 0.1 s, is part of the ratio).
 *   2. A tree with no archive: `scan --archive-depth 3` (the default) against `--archive-depth 0`.
 *      Target: no difference beyond noise (the magic-byte check is a few byte compares).
 * Every input is generated (no key anywhere) in .bench/archives. Each command runs `--rounds`
 * times, interleaved; the median CPU time (user + system of the child processes) counts.
 * Usage: node test/bench/archives.bench.js [--rounds N] [--mib N]
 *   --mib: inflated size of each archive (default 64)
 * Needs `zip`, `unzip`, `tar` and `zcat` (Debian: apt-get install zip unzip).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'cli/bin/shippo-keyguard.js');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const rounds = arg('--rounds', 5);
const mib = arg('--mib', 64);

for (const tool of ['zip', 'unzip', 'tar', 'zcat']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} is missing: apt-get install zip unzip`);
    process.exit(2);
  }
}

const dir = join(root, '.bench/archives');
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'tree'), { recursive: true });

/** Text that deflates about as well as source code and logs do (3-5x), with no key in it. */
function text(bytes, seed) {
  const words = ['shipment', 'label', 'carrier', 'rate', 'parcel', 'address', 'tracking', 'manifest', 'customs', 'order'];
  const lines = [];
  let size = 0;
  let x = seed;
  while (size < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    const line = `${new Date(1.7e12 + x).toISOString()} ${words[x % 10]} id=${x.toString(16)} ${words[(x >> 8) % 10]} ${(x % 9973) / 7}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

const files = 64;
if (!existsSync(join(dir, 'big.log.gz'))) {
  console.error(`building ${mib} MiB inputs in ${dir} …`);
  for (let i = 0; i < files; i++) writeFileSync(join(dir, 'src', `part${i}.log`), text((mib << 20) / files, i + 1));
  const whole = Buffer.concat(Array.from({ length: files }, (_v, i) => Buffer.from(text((mib << 20) / files, i + 1))));
  writeFileSync(join(dir, 'big.log.gz'), gzipSync(whole));
  spawnSync('zip', ['-q', '-r', join(dir, 'big.zip'), 'src'], { cwd: dir });
  spawnSync('tar', ['-czf', join(dir, 'big.tar.gz'), 'src'], { cwd: dir });
  for (let i = 0; i < 2000; i++) writeFileSync(join(dir, 'tree', `f${i}.js`), text(8 << 10, 1000 + i));
}

/**
 * CPU seconds (user + system) of a shell command's children, from bash's `times`: the machine may
 * be shared, and CPU time swings far less than wall time there.
 */
function cpu(command) {
  const out = spawnSync('bash', ['-c', `${command} >/dev/null 2>&1; times`], { cwd: dir, encoding: 'utf8' }).stdout;
  const children = out.trim().split('\n')[1] ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0) * 1000;
}
const sh = (command) => () => cpu(command);
const cli = (...args) => () => cpu(`'${process.execPath}' '${bin}' scan ${args.join(' ')} --format json -o /dev/null`);

writeFileSync(join(dir, 'empty.txt'), '');
const cases = {
  'scan empty.txt (start-up)': cli('empty.txt'),
  'zcat big.log.gz': sh('zcat big.log.gz > /dev/null'),
  'scan big.log.gz': cli('big.log.gz'),
  'unzip -p big.zip': sh('unzip -p big.zip > /dev/null'),
  'scan big.zip': cli('big.zip'),
  'tar -xzOf big.tar.gz': sh('tar -xzOf big.tar.gz > /dev/null'),
  'scan big.tar.gz': cli('big.tar.gz'),
  'scan tree --archive-depth 0': cli('tree', '--archive-depth', '0', '--no-gitignore'),
  'scan tree --archive-depth 3': cli('tree', '--archive-depth', '3', '--no-gitignore'),
};

const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(cases)) {
    times[name].push(run());
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const startup = ms['scan empty.txt (start-up)'];
const row = (name, floor) => {
  const ratio = floor ? `   ${(ms[name] / ms[floor]).toFixed(2)}x ${floor}` : '';
  // Past the CLI's fixed start-up cost: what opening and searching the archive itself costs.
  const net = floor && name.includes('.') && !name.includes('tree') ? `, ${((ms[name] - startup) / ms[floor]).toFixed(2)}x without start-up` : '';
  console.log(`${name.padEnd(30)} ${ms[name].toFixed(0).padStart(7)} ms${ratio}${net}`);
};
console.log(`CPU time (user + system), median of ${rounds} rounds, ${mib} MiB inflated per archive`);
row('scan empty.txt (start-up)');
row('zcat big.log.gz');
row('scan big.log.gz', 'zcat big.log.gz');
row('unzip -p big.zip');
row('scan big.zip', 'unzip -p big.zip');
row('tar -xzOf big.tar.gz');
row('scan big.tar.gz', 'tar -xzOf big.tar.gz');
row('scan tree --archive-depth 0');
row('scan tree --archive-depth 3', 'scan tree --archive-depth 0');
