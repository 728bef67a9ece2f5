import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { detectors } from '@shippo-keyguard/rules';
import type { Finding } from '../finding.js';
import { baselineSchema } from '../baseline/model.js';
import { applyConfig, checkConfig, fileTriage, clearConfigCache, configSchema, DETECTOR_IDS, findConfigFile, globProblem, loadConfigSync } from './index.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skg-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  clearConfigCache();
});

describe('schema.json', () => {
  it('is the schema the loader uses (regenerate it as schema.ts says)', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configSchema)));
  });
  it('compiles as a draft-07 schema for editors', () => {
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    // The loader skips the meta-schema check for speed: this is where it happens.
    expect(ajv.validateSchema(configSchema), JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validateSchema(baselineSchema), JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validate(configSchema, { ignore: ['a/**'], failOn: 'live' })).toBe(true);
    expect(ajv.validate(configSchema, { verify: { apiBaseUrl: 'http://x' } })).toBe(false);
  });
  it('names exactly the detectors of the catalogue', () => {
    expect([...DETECTOR_IDS].sort()).toEqual(detectors.map((d) => d.id).sort());
  });
});

describe('globProblem', () => {
  it.each(['src/**', '!keep.txt', 'fixtures/', '/anchored', '*.snap', 'a[bc]d', '\\#literal', 'x[!a-z]'])('accepts %s', (p) => {
    expect(globProblem(p)).toBeUndefined();
  });
  it.each([
    ['', /empty/],
    ['[abc', /unclosed "\["/],
    ['[z-a]', /reversed range "z-a"/],
    ['../outside', /outside/],
    ['#comment', /comment/],
    ['C:\\code', /absolute/],
    ['dir\\', /trailing/],
  ])('rejects %j', (p, message) => {
    expect(globProblem(p)).toMatch(message);
  });
});

describe('checkConfig', () => {
  it('accepts a full configuration', () => {
    expect(
      checkConfig({
        $schema: './schema.json',
        ignore: ['vendor/'],
        detectors: { 'shippo-test-key': 'warning', 'shippo-key-nonstandard': 'off' },
        maxFileSize: '10MiB',
        failOn: 'not-dead',
        verify: { concurrency: 4, timeout: 2.5 },
        allow: [{ fingerprint: 'a'.repeat(64), reason: 'rotated 2024-01' }],
      }),
    ).toEqual([]);
  });
  it('refuses any API base URL, wherever it is put', () => {
    for (const value of [{ verify: { apiBaseUrl: 'http://127.0.0.1' } }, { verify: { baseUrl: 'x' } }, { apiBaseUrl: 'x' }]) {
      const [problem] = checkConfig(value);
      expect(problem?.message).toMatch(/^the API base URL cannot be set in a configuration file/);
    }
  });
  it('reports every problem once, with its field path, in document order', () => {
    expect(checkConfig({ maxFileSize: false, allow: [{ fingerprint: 'x' }], detectors: { nope: 'off' } }).map((p) => p.path)).toEqual([
      'maxFileSize',
      'allow[0].reason',
      'allow[0].fingerprint',
      'detectors.nope',
    ]);
  });
});

describe('finding and loading', () => {
  it('walks up to the nearest file and stops at the git top-level', () => {
    const outer = temp();
    writeFileSync(join(outer, '.shippo-keyguard.json'), '{}');
    const repo = join(outer, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'a', 'b'), { recursive: true });
    expect(findConfigFile(join(repo, 'a', 'b'))).toBeUndefined();
    writeFileSync(join(repo, '.shippo-keyguard.yaml'), 'failOn: live\n');
    expect(findConfigFile(join(repo, 'a', 'b'))).toBe(join(repo, '.shippo-keyguard.yaml'));
  });
  it('loadConfigSync reads a file once per process (for the ESLint plugin)', () => {
    const dir = temp();
    const file = join(dir, '.shippo-keyguard.json');
    writeFileSync(file, '{"failOn":"live"}');
    const first = loadConfigSync(dir);
    writeFileSync(file, '{"failOn":"any"}');
    expect(loadConfigSync(dir)).toBe(first);
    expect(first.config.failOn).toBe('live');
    clearConfigCache();
    expect(loadConfigSync(dir).config.failOn).toBe('any');
  });
  it('loadConfigSync remembers a bad file too, and throws each time', () => {
    const dir = temp();
    writeFileSync(join(dir, '.shippo-keyguard.json'), '{"failOn":1}');
    expect(() => loadConfigSync(dir)).toThrow(/failOn: expected one of/);
    writeFileSync(join(dir, '.shippo-keyguard.json'), '{}');
    expect(() => loadConfigSync(dir)).toThrow(/failOn/);
  });
});

describe('applyConfig', () => {
  const base = { kind: 'live', confidence: 'high', level: 'error', startLine: 1, startColumn: 1, endLine: 1, endColumn: 2, startOffset: 0, endOffset: 1, redacted: 'r', binary: false, source: 'file' } as const;
  const f = (path: string, detector: string, fingerprint: string): Finding => ({ ...base, path, detector, fingerprint });
  it('drops ignored paths and detectors turned off, sets levels, suppresses allowed keys', () => {
    const dir = temp();
    const loaded = {
      dir,
      config: {
        ignore: ['fixtures/', '*.snap', '!keep.snap'],
        detectors: { 'shippo-key-nonstandard': 'off', 'shippo-test-key': 'note' },
        allow: [{ fingerprint: 'b'.repeat(64), reason: 'sandbox' }],
      },
    } as const;
    const out = applyConfig(
      [
        f('fixtures/a.txt', 'shippo-live-key', 'a'.repeat(64)),
        f('src/x.snap', 'shippo-live-key', 'a'.repeat(64)),
        f('src/keep.snap', 'shippo-live-key', 'a'.repeat(64)),
        f('src/b.ts', 'shippo-key-nonstandard', 'a'.repeat(64)),
        f('src/c.ts', 'shippo-test-key', 'c'.repeat(64)),
        f('src/d.ts', 'shippo-live-key', 'b'.repeat(64)),
      ],
      loaded,
      join(dir),
    );
    expect(out.dropped).toBe(3);
    expect(out.kept.map((k) => [k.path, k.level])).toEqual([
      ['src/keep.snap', 'error'],
      ['src/c.ts', 'note'],
    ]);
    expect(out.suppressed.map((k) => [k.path, k.suppression])).toEqual([['src/d.ts', { by: 'config', reason: 'sandbox' }]]);
  });
  it('matches patterns relative to the configuration file, whatever the scan root', () => {
    const dir = temp();
    const loaded = { dir, config: { ignore: ['/fixtures/'] } };
    const fromSub = applyConfig([f('fixtures/a.txt', 'shippo-live-key', 'a'.repeat(64))], loaded, join(dir, 'pkg'));
    expect(fromSub.kept).toHaveLength(1);
    const fromRoot = applyConfig([f('fixtures/a.txt', 'shippo-live-key', 'a'.repeat(64))], loaded, dir);
    expect(fromRoot.kept).toHaveLength(0);
  });
});

describe('fileTriage (for the ESLint plugin)', () => {
  it('answers per file from one loaded configuration', () => {
    const dir = temp();
    writeFileSync(join(dir, '.shippo-keyguard.json'), JSON.stringify({ ignore: ['fixtures/'], detectors: { 'shippo-test-key': 'off' }, allow: [{ fingerprint: 'c'.repeat(64), reason: 'demo' }] }));
    const loaded = loadConfigSync(dir);
    expect(fileTriage(loaded, join(dir, 'fixtures', 'a.js')).ignored).toBe(true);
    const src = fileTriage(loaded, join(dir, 'src', 'a.js'));
    expect(src.ignored).toBe(false);
    expect(src.detector('shippo-test-key')).toBe('off');
    expect(src.detector('shippo-live-key')).toBeUndefined();
    expect(src.allowReason('c'.repeat(64))).toBe('demo');
    expect(src.allowReason('d'.repeat(64))).toBeUndefined();
  });
});
