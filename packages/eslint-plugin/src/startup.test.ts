import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey } from './testing/rule-tester.js';

/*
 * Every ESLint process imports the plugin, and most never meet a configuration file: the
 * configuration's parsers and validator (yaml, ajv, ignore: about 150 ms of CPU to load) must
 * wait until a file with a key candidate finds one. Checked in a fresh process, by what Node's
 * module cache holds after a real ESLint run.
 */
const require = createRequire(import.meta.url);
const PLUGIN = new URL('../dist/index.js', import.meta.url).href;
const ESLINT = pathToFileURL(require.resolve('eslint')).href;
// The copies core loads (ESLint has its own ajv and ignore, loaded in every run).
const fromCore = createRequire(require.resolve('@shippo-keyguard/core/config'));
const HEAVY = Object.fromEntries(['ajv', 'ignore', 'yaml'].map((name) => [name, fromCore.resolve(name)]));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Lints `code` as `file` in a new process with `cwd` as ESLint's cwd; what fired and what loaded. */
function lintInFreshProcess(cwd: string, file: string, code: string): { rules: string[]; loaded: string[] } {
  const script = `
    import { createRequire } from 'node:module';
    const { ESLint } = await import(${JSON.stringify(ESLINT)});
    const { default: keyguard } = await import(${JSON.stringify(PLUGIN)});
    const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: [keyguard.configs.recommended] });
    const [result] = await eslint.lintText(process.env.CODE, { filePath: process.env.FILE });
    const cache = createRequire(import.meta.url).cache;
    const loaded = Object.entries(${JSON.stringify(HEAVY)}).filter(([, path]) => path in cache).map(([name]) => name);
    process.stdout.write(JSON.stringify({ rules: result.messages.map((m) => m.messageId ?? m.message), loaded }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, CODE: code, FILE: file } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as { rules: string[]; loaded: string[] };
}

describe('plugin startup', () => {
  const code = `const key = '${fakeKey('live', 'startup')}';\n`;

  it('reports a key without loading the configuration stack when there is no configuration file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skg-startup-'));
    dirs.push(dir);
    const { rules, loaded } = lintInFreshProcess(dir, 'a.js', code);
    expect(rules).toEqual(['liveKey']);
    expect(loaded).toEqual([]);
  });

  it('loads it once a configuration file is found, and applies it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skg-startup-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.shippo-keyguard.yaml'), 'ignore:\n  - "vendor/**"\n');
    expect(lintInFreshProcess(dir, 'a.js', code)).toEqual({ rules: ['liveKey'], loaded: ['ajv', 'ignore', 'yaml'] });
    expect(lintInFreshProcess(dir, 'vendor/a.js', code)).toEqual({ rules: [], loaded: ['ajv', 'ignore', 'yaml'] });
  });

  it('no-key-in-url and no-public-env-key read it only once they have something to report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skg-startup-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.shippo-keyguard.yaml'), 'ignore:\n  - "vendor/**"\n');
    // `shippo` and Shippo's host pass the prefilter of both rules, but nothing here is a finding.
    const clean = "import shippo from 'shippo';\nfetch('https://api.goshippo.com/orders?page=2', { headers: { Authorization: `ShippoToken ${process.env.SHIPPO_API_KEY}` } });\n";
    expect(lintInFreshProcess(dir, 'a.js', clean)).toEqual({ rules: [], loaded: [] });
    const findings = 'fetch(`https://api.goshippo.com/orders?token=${process.env.SHIPPO_API_KEY}`);\nexport const pub = process.env.NEXT_PUBLIC_SHIPPO_KEY;\n';
    expect(lintInFreshProcess(dir, 'a.js', findings)).toEqual({ rules: ['keyInUrl', 'publicEnvKey'], loaded: ['ajv', 'ignore', 'yaml'] });
    expect(lintInFreshProcess(dir, 'vendor/a.js', findings)).toEqual({ rules: [], loaded: ['ajv', 'ignore', 'yaml'] });
  });
});
