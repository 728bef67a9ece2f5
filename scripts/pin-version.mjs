#!/usr/bin/env node
// Rewrite every place a user copies a release pin from to the packages' version (cli/package.json):
// pre-commit `rev: vX.Y.Z`, the Action's and the organisation workflow's `@vMAJOR`, `keyguard-ref`,
// the GitLab template's include URL and npm version. Run by `pnpm run version-packages`, so the
// version pull request carries docs that name the release it makes;
// test/integrations/workflows.test.ts checks the same places.
//
//   node scripts/pin-version.mjs           rewrite the files
//   node scripts/pin-version.mjs --check   print what is out of date and exit 1, change nothing
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'cli', 'package.json'), 'utf8')).version;
if (!/^\d+\.\d+\.\d+$/.test(version)) {
  console.error(`pin-version: cli/package.json has version ${JSON.stringify(version)}, not X.Y.Z`);
  process.exit(2);
}
const major = `v${version.split('.')[0]}`;
const release = `v${version}`;

/** [pattern, pin]: the pattern's first group (and its second, when it has one) is kept around the new pin. */
const rules = [
  [/(repo:\s*https:\/\/github\.com\/shippo-keyguard\/shippo-keyguard\/?\s*\n\s*rev:\s*)\S+/g, release],
  [/(uses:\s*shippo-keyguard\/shippo-keyguard@)[^\s`'"]+/g, major],
  [/(org-scan\.yml@)[^\s`'"]+/g, major],
  [/(keyguard-ref:[ \t]*)(?!\$)[^\s`'"]+/g, major],
  [/(shippo-keyguard\/shippo-keyguard\/)v[^/\s]+(\/templates\/gitlab\/)/g, release],
  [/(SHIPPO_KEYGUARD_VERSION: ")[^"]+/g, version],
  [/(\| `SHIPPO_KEYGUARD_VERSION` \| `)[^`]+/g, version],
  [/(keyguard-ref:\n(?:\s+(?:description|type):.*\n)*\s+default:\s*)\S+/g, major],
];

const files = [
  'README.md',
  'templates/gitlab/shippo-keyguard.gitlab-ci.yml',
  '.github/workflows/org-scan.yml',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const check = process.argv.includes('--check');
const stale = [];
for (const file of files) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  let after = before;
  for (const [pattern, pin] of rules) after = after.replace(pattern, (_m, head, tail) => `${head}${pin}${typeof tail === 'string' ? tail : ''}`);
  if (after === before) continue;
  stale.push(file);
  if (!check) writeFileSync(path, after);
}
if (check) {
  for (const file of stale) console.error(`pin-version: ${file} does not pin ${release}`);
  process.exit(stale.length > 0 ? 1 : 0);
}
console.log(stale.length > 0 ? `pinned ${release} in ${stale.join(', ')}` : `every pin already names ${release}`);
