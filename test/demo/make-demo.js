#!/usr/bin/env node
// Creates a demo folder with generated (fake, random) Shippo keys in realistic places, then scans
// it with the CLI and explains the result. Plain Node ESM: runs right after `pnpm install`.
//
//   node test/demo/make-demo.js [DIR]   (default: demo; the root `pnpm demo` script runs this)
//
// Exit 0 when the scan found exactly the planted keys (the scan itself exits 1: keys found),
// non-zero when it did not, so the demo doubles as a smoke test.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = resolve(process.argv[2] ?? 'demo');

// Built at run time: no key-shaped string is ever committed, not even a fake one.
const prefix = (kind) => ['shippo', kind, ''].join('_');
const key = (kind, hexLength = 40) => prefix(kind) + randomBytes(hexLength / 2).toString('hex');
const b64 = (text) => Buffer.from(text).toString('base64');

const live = key('live');
const test = key('test');
const k8sLive = key('live');
const legacy = key('test', 32);

const files = {
  '.env': `# Local settings (this file should be in .gitignore!)\nDATABASE_URL=postgres://localhost/shop\nSHIPPO_API_KEY=${live}\n`,
  'src/config.js': `export const config = {\n  shippo: {\n    token: "${test}", // test mode\n    timeoutMs: 5000,\n  },\n};\n`,
  'k8s/shippo-secret.yaml': [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: shippo-credentials',
    'type: Opaque',
    'data:',
    `  SHIPPO_API_KEY: ${b64(k8sLive)}`,
    '',
  ].join('\n'),
  'docs/legacy-setup.md': `Old docs used a shorter key: \`${legacy}\` (reported as a low-confidence note).\n`,
  'docs/SETUP.md': [
    '# Setting up Shippo',
    '',
    `1. Copy your key from the Shippo dashboard (Settings, API). It looks like \`${prefix('live')}...\`.`,
    `2. Put it in \`.env\`: \`SHIPPO_API_KEY=${prefix('test')}<your key>\``,
    `3. In tests, use a placeholder such as \`${prefix('test')}xxx\` or \`${prefix('live')}fake\`.`,
    '',
    'None of the lines above is a finding: they are placeholders.',
    '',
  ].join('\n'),
};

rmSync(dir, { recursive: true, force: true });
for (const [name, content] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
}
console.log(`Created ${dir} with 4 generated keys (fake, random) and a doc full of placeholders.\n`);
console.log(`$ shippo-keyguard scan ${process.argv[2] ?? 'demo'}\n`);

const bin = join(repo, 'cli/bin/shippo-keyguard.js');
const scan = spawnSync(process.execPath, [bin, 'scan', '.', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
const shown = spawnSync(process.execPath, [bin, 'scan', dir], { stdio: 'inherit' });
if (scan.error || shown.error) {
  console.error(`demo: could not run the CLI: ${(scan.error ?? shown.error).message} (did the build run? try: pnpm build)`);
  process.exit(2);
}

let report;
try {
  report = JSON.parse(scan.stdout);
} catch {
  console.error(`demo: the scan did not produce a report:\n${scan.stderr}`);
  process.exit(2);
}
const found = report.findings.map((f) => `${f.path} ${f.detector}`).sort();
const expected = [
  '.env shippo-live-key',
  'docs/legacy-setup.md shippo-key-nonstandard',
  'k8s/shippo-secret.yaml shippo-key-base64',
  'src/config.js shippo-test-key',
].sort();
const ok = shown.status === 1 && JSON.stringify(found) === JSON.stringify(expected);
console.log(
  ok
    ? `\nThe scan exited with ${shown.status}: keys were found, which is what a CI job would fail on.\n` +
        'Every planted key was reported, no placeholder was. Try: node cli/bin/shippo-keyguard.js scan demo --format sarif'
    : `\ndemo: unexpected result (exit ${shown.status}); expected findings:\n  ${expected.join('\n  ')}\ngot:\n  ${found.join('\n  ')}`,
);
process.exit(ok ? 0 : 1);
