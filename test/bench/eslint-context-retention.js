#!/usr/bin/env node
/**
 * The cost ESLint pays for enabling any rule, reduced to plain JavaScript (no ESLint): for each
 * "file", a syntax-tree-sized object graph is held by a frozen per-file context, and a rule's
 * context is made from it the way ESLint's `FileContext#extend` does,
 * `Object.freeze(Object.assign(Object.create(fileContext), extension))` ("inherit"), or by
 * copying the file context's properties onto an object whose prototype is the class prototype
 * ("copy", the fix proposed to ESLint). Both give a frozen object with the same properties.
 *
 * With "inherit", V8 gives the file context a prototype map and a map for `Object.create`, both
 * in the old generation and pointing at the file context, so the whole graph survives every
 * young-generation collection until the next full one: it is copied, then promoted. Each mode
 * runs in a fresh process; the script prints CPU time and main-thread GC time of each.
 * Usage: node test/bench/eslint-context-retention.js [--files N] [--nodes N]
 */
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (flag, fallback) => {
  const at = args.indexOf(flag);
  const value = at === -1 ? fallback : Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`eslint-context-retention.js: ${flag} takes a positive integer`);
    process.exit(2);
  }
  return value;
};
const files = option('--files', 1500);
const nodes = option('--nodes', 20_000);

class FileContext {
  constructor(sourceCode) {
    this.sourceCode = sourceCode;
    this.filename = `file-${sourceCode.id}.js`;
    Object.freeze(this);
  }
}

const EXTEND = {
  inherit(fileContext, extension) {
    return Object.freeze(Object.assign(Object.create(fileContext), extension));
  },
  copy(fileContext, extension) {
    return Object.freeze(Object.assign(Object.create(FileContext.prototype), fileContext, extension));
  },
};

/** A syntax-tree-like graph: `nodes` small objects, each in its parent's `children`. */
function parse(id) {
  const root = { type: 'Program', children: [], range: [0, 0] };
  const all = [root];
  for (let i = 1; i < nodes; i++) {
    const node = { type: 'Node', parent: all[(i * 7919) % i], children: [], range: [i, i + 1], name: `n${i}` };
    node.parent.children.push(node);
    all.push(node);
  }
  return { id, ast: root, tokens: all.map((n) => n.range) };
}

function child(mode) {
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  }).observe({ entryTypes: ['gc'] });
  const extend = EXTEND[mode];
  const started = process.cpuUsage();
  let seen = 0;
  for (let f = 0; f < files; f++) {
    const fileContext = new FileContext(parse(f));
    // Three rules: what they do with their context does not matter, only how it was made.
    for (const id of ['a', 'b', 'c']) seen += extend(fileContext, { id, options: [], report() {} }).sourceCode.tokens.length;
  }
  const cpu = process.cpuUsage(started);
  setImmediate(() => {
    process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, gcMs, seen }));
  });
}

if (args[0] === '--child') child(args[1]);
else {
  console.log(`${files} files of ${nodes} nodes each, three rule contexts per file, a fresh process per mode (Node ${process.version})`);
  const results = {};
  for (const mode of Object.keys(EXTEND)) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, ...args], { encoding: 'utf8' });
    if (run.status !== 0) {
      console.error(`eslint-context-retention.js: the ${mode} run failed: ${run.stderr.trim().split('\n')[0]}`);
      process.exit(2);
    }
    results[mode] = JSON.parse(run.stdout);
    console.log(`  ${mode.padEnd(8)} ${String(Math.round(results[mode].cpuMs)).padStart(7)} ms CPU   GC ${String(Math.round(results[mode].gcMs)).padStart(7)} ms`);
  }
  console.log(`  inherit / copy: ${(results.inherit.cpuMs / results.copy.cpuMs).toFixed(2)}x CPU, ${(results.inherit.gcMs / results.copy.gcMs).toFixed(2)}x GC time`);
}
