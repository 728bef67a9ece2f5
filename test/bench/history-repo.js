// Generates the history benchmark's repository with one `git fast-import` stream: thousands of
// commits in seconds, each editing a file of text, with keys planted and later deleted.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from './prng.js';

/** Keys are built at run time: no key-shaped literal is ever committed. */
export function benchKey(kind, seed) {
  let hex = '';
  for (let i = 0; hex.length < 40; i++) hex += createHash('sha256').update(`bench:${kind}:${seed}:${i}`).digest('hex');
  return ['shippo', kind, ''].join('_') + hex.slice(0, 40);
}


const WORDS = (
  'const let return function import export from await async value result error config shipment label rate ' +
  'address parcel carrier tracking order customer request response status options default module class new ' +
  'this that if else for while true false null undefined string number object array map set weight height'
).split(' ');

function textBlock(random, bytes) {
  const lines = [];
  let size = 0;
  while (size < bytes) {
    const n = 3 + Math.floor(random() * 9);
    const indent = ' '.repeat(2 * Math.floor(random() * 4));
    const words = [];
    for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
    const line = `${indent}${words.join(' ')};\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/**
 * Build (or reuse) the repository. Every commit edits one file (runs of a few commits on the same
 * file, as real work goes, so fast-import stores most versions as deltas); every tenth adds a file.
 * Returns where it is and the planted keys with the commit that introduced each.
 */
export async function generateRepo({ dir, commits = 20_000, totalBytes = 1024 ** 3, keys = 24, log = () => {} }) {
  const manifest = join(dir, 'bench-manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    if (m.commits === commits && m.totalBytes === totalBytes && m.keys === keys) return { dir, ...m, reused: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);

  const random = prng(42);
  const fileSize = Math.max(1024, Math.floor(totalBytes / commits));
  const files = [];
  const initialFiles = 200;
  const newFile = () => {
    const path = `src/m${files.length % 40}/file${files.length}.js`;
    files.push({ path, content: textBlock(random, Math.floor(fileSize * (0.5 + random()))) });
    return files[files.length - 1];
  };
  for (let i = 0; i < initialFiles; i++) newFile();

  const plantAt = new Map();
  for (let k = 0; k < keys; k++) {
    const at = 1 + Math.floor(((k + 0.5) * (commits - 2)) / keys);
    plantAt.set(at, { key: benchKey(k % 3 === 2 ? 'test' : 'live', `planted-${k}`), removeAt: Math.min(commits - 1, at + 7 + k) });
  }
  const removals = new Map();
  const planted = [];

  const child = spawn('git', ['-c', 'pack.compression=1', 'fast-import', '--quiet', '--depth=50', `--export-marks=${join(dir, 'marks')}`], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
  const write = (data) => (child.stdin.write(data) ? undefined : new Promise((r) => child.stdin.once('drain', r)));
  const authors = ['Ada <ada@example.test>', 'Grace <grace@example.test>', 'Linus <linus@example.test>', 'Ken <ken@example.test>'];
  let current = 0;
  let written = 0;
  for (let c = 0; c < commits; c++) {
    const changed = [];
    if (c === 0) changed.push(...files);
    else {
      if (c % 4 === 0) current = Math.floor(random() * files.length);
      const file = files[current];
      const copy = Buffer.from(file.content);
      // Edit a few lines in place: same size, new content.
      for (let e = 0; e < 3; e++) {
        const at = Math.floor(random() * Math.max(1, copy.length - 80));
        textBlock(random, 64).copy(copy, at);
      }
      file.content = copy;
      changed.push(file);
      if (c % 10 === 0) changed.push(newFile());
    }
    const plant = plantAt.get(c);
    if (plant) {
      const file = changed[0];
      const line = Buffer.from(`\nconst SHIPPO_API_KEY = "${plant.key}";\n`);
      const at = Math.floor(file.content.length / 2);
      const copy = Buffer.from(file.content);
      line.copy(copy, at);
      file.content = copy;
      removals.set(plant.removeAt, { file, at, length: line.length });
      planted.push({ key: plant.key, commitMark: c + 1, path: file.path });
    }
    const removal = removals.get(c);
    if (removal) {
      const copy = Buffer.from(removal.file.content);
      textBlock(random, removal.length).copy(copy, removal.at);
      removal.file.content = copy;
      if (!changed.includes(removal.file)) changed.push(removal.file);
    }
    const message = `change ${c}: edit ${changed[0].path}\n`;
    let head = `commit refs/heads/main\nmark :${c + 1}\ncommitter ${authors[c % authors.length]} ${1_600_000_000 + c * 600} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    for (const file of changed) {
      head += `M 100644 inline ${file.path}\ndata ${file.content.length}\n`;
      const p = write(head);
      if (p) await p;
      const q = write(file.content);
      if (q) await q;
      head = '\n';
      written += file.content.length;
    }
    const r = write(`${head}\n`);
    if (r) await r;
    if (c % 2000 === 0) log(`generated ${c} commits, ${(written / 1e6).toFixed(0)} MB`);
  }
  child.stdin.end();
  await done;
  const marks = new Map(
    readFileSync(join(dir, 'marks'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)]),
  );
  const result = {
    commits,
    totalBytes,
    keys,
    written,
    planted: planted.map((p) => ({ fingerprint: createHash('sha256').update(p.key).digest('hex'), commit: marks.get(p.commitMark), path: p.path })),
  };
  writeFileSync(manifest, JSON.stringify(result));
  return { dir, ...result, reused: false };
}

/** A repository of `count` tracked files in one commit, for the `staged` timing. */
export function generateWideRepo(dir, count = 50_000) {
  if (existsSync(join(dir, '.git', 'bench-wide'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const lines = ['commit refs/heads/main', 'committer A <a@example.test> 1700000000 +0000', 'data 5', 'wide'];
  for (let i = 0; i < count; i++) {
    const body = `file ${i}\n`;
    lines.push(`M 100644 inline d${i % 200}/f${i}.txt`, `data ${body.length}`, body);
  }
  lines.push('');
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: lines.join('\n'), maxBuffer: 1 << 30 });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  writeFileSync(join(dir, '.git', 'bench-wide'), '');
  return dir;
}
