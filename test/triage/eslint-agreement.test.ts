import { relative, sep } from 'node:path';
import { fingerprintOf } from '@shippo-keyguard/core';
import { ESLint as ESLint9 } from 'eslint';
import { ESLint as ESLint10 } from 'eslint10';
import keyguard from 'eslint-plugin-shippo-keyguard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../support/fake-keys.js';
import { allowCases, expectedOutcome } from './allow-cases.js';
import { cli, scanJson, tempRepo } from './support.js';

/** Every test here runs under both ESLint majors. */
const MAJORS = [
  ['ESLint 9', ESLint9],
  ['ESLint 10', ESLint10],
] as const;

/**
 * The shared fixture set through real ESLint (9 and 10) with the plugin, against the CLI on the
 * same files: a line allowed for the CLI is allowed in the editor, and the other way round.
 */
const keyFor = (i: number) => fakeKey(i % 2 === 0 ? 'live' : 'test', `eslint-agree-${i}`);
const repo = tempRepo('eslint-agree');
const pathOf = (i: number) => `cases/${String(i).padStart(2, '0')}/${allowCases[i]?.filename}`;
const cliOutcome = new Map<string, string>();

const config = [
  keyguard.configs.recommended,
  ...keyguard.configs['all-files'],
  // The fixture's other languages, through the plugin's processor like any non-JS file.
  { files: ['**/*.py', '**/*.sql', '**/*.html'], plugins: { 'shippo-keyguard': keyguard }, processor: 'shippo-keyguard/keys' },
];

beforeAll(async () => {
  allowCases.forEach((c, i) => repo.write(pathOf(i), c.source(keyFor(i))));
  const { report } = await scanJson(repo.dir, ['cases']);
  for (const f of report.findings) cliOutcome.set(f.path, 'reported');
  for (const f of report.suppressed ?? []) cliOutcome.set(f.path, 'allowed');
});
afterAll(() => repo.cleanup());

for (const [name, ESLint] of MAJORS) {
  describe(`${name} agrees with the CLI on every shared case`, () => {
    // A control per file type: with the marker gone, ESLint reports the key (so it lints the file at all).
    for (const ext of [...new Set(allowCases.map((c) => c.filename.slice(c.filename.lastIndexOf('.'))))]) {
      it(`lints ${ext} files`, async () => {
        const eslint = new ESLint({ cwd: repo.dir, overrideConfigFile: true, overrideConfig: config as never });
        const [result] = await eslint.lintText(`x = "${keyFor(99)}"\n`, { filePath: `${repo.dir}/control/file${ext}` });
        expect(result?.messages.map((m) => m.ruleId)).toEqual(['shippo-keyguard/no-hardcoded-key']);
      });
    }
    allowCases.forEach((c, i) => {
      it(`${c.name} (${c.filename}) is ${expectedOutcome(c.expect)}`, async () => {
        const eslint = new ESLint({ cwd: repo.dir, overrideConfigFile: true, overrideConfig: config as never });
        const [result] = await eslint.lintText(c.source(keyFor(i)), { filePath: `${repo.dir}/${pathOf(i)}` });
        const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'shippo-keyguard/no-hardcoded-key' || m.fatal);
        expect(messages.filter((m) => m.fatal)).toEqual([]);
        expect(result?.messages.filter((m) => /ignored/i.test(m.message))).toEqual([]);
        const fromEslint = messages.length === 0 ? 'allowed' : 'reported';
        expect(messages.length).toBeLessThanOrEqual(1);
        expect(fromEslint).toBe(cliOutcome.get(pathOf(i)));
        expect(fromEslint).toBe(expectedOutcome(c.expect));
      });
    });
  });
}

describe('foreignAllow: false agrees with --no-foreign-allow', () => {
  const strict = [...config, { rules: { 'shippo-keyguard/no-hardcoded-key': ['error', { foreignAllow: false }] } }];
  const strictCli = new Map<string, string>();
  beforeAll(async () => {
    const { report } = await scanJson(repo.dir, ['cases', '--no-foreign-allow']);
    for (const f of report.findings) strictCli.set(f.path, 'reported');
    for (const f of report.suppressed ?? []) strictCli.set(f.path, 'allowed');
  });
  for (const [name, ESLint] of MAJORS) {
    allowCases.forEach((c, i) => {
      if (c.expect === 'reported') return;
      it(`${name}: ${c.name} (${c.filename}) is ${expectedOutcome(c.expect, { foreignAllow: false })}`, async () => {
        const eslint = new ESLint({ cwd: repo.dir, overrideConfigFile: true, overrideConfig: strict as never });
        const [result] = await eslint.lintText(c.source(keyFor(i)), { filePath: `${repo.dir}/${pathOf(i)}` });
        const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'shippo-keyguard/no-hardcoded-key' || m.fatal);
        expect(messages.filter((m) => m.fatal)).toEqual([]);
        const fromEslint = messages.length === 0 ? 'allowed' : 'reported';
        expect(fromEslint).toBe(strictCli.get(pathOf(i)));
        expect(fromEslint).toBe(expectedOutcome(c.expect, { foreignAllow: false }));
      });
    });
  }
});

/**
 * The configuration file, read by both: `ignore`, `detectors: off` and `allow` silence the same
 * files in the editor as in CI; a level set in the file changes nothing in ESLint (its severity
 * comes from the ESLint config). Real files, linted with `lintFiles` from the project's root.
 */
describe('ESLint and the CLI agree on .shippo-keyguard.json', () => {
  const project = tempRepo('eslint-config');
  const allowedKey = fakeKey('live', 'cfg-allowed');
  const files: Record<string, string> = {
    'src/plain.js': `const k = "${fakeKey('live', 'cfg-plain')}";\n`,
    'src/allowed.js': `const k = "${allowedKey}";\n`,
    'src/test-key.js': `const k = "${fakeKey('test', 'cfg-test')}";\n`,
    'src/old.env': `SHIPPO_TOKEN=${fakeKey('live', 'cfg-old', 32)}\n`,
    'src/clean.js': 'export const ok = 1;\n',
    'vendor/lib.js': `const k = "${fakeKey('live', 'cfg-vendor')}";\n`,
    'vendor/settings.env': `SHIPPO_TOKEN=${fakeKey('live', 'cfg-vendor-env')}\n`,
  };
  const settings = {
    ignore: ['vendor/'],
    detectors: { 'shippo-test-key': 'off', 'shippo-key-nonstandard': 'note' },
    allow: [{ fingerprint: fingerprintOf(allowedKey), reason: 'rotated in 2024' }],
  };
  const reportedByCli = new Set<string>();
  const suppressedByCli = new Set<string>();

  beforeAll(async () => {
    project.write('.shippo-keyguard.json', JSON.stringify(settings));
    for (const [path, text] of Object.entries(files)) project.write(path, text);
    const { report } = await scanJson(project.dir, ['src', 'vendor']);
    report.findings.forEach((f) => reportedByCli.add(f.path));
    (report.suppressed ?? []).forEach((f) => suppressedByCli.add(f.path));
  });
  afterAll(() => project.cleanup());

  /** Files ESLint reports a key in, relative to the project, with the messages' severities. */
  async function lintProject(ESLint: typeof ESLint9 | typeof ESLint10): Promise<Map<string, number[]>> {
    const eslint = new ESLint({ cwd: project.dir, overrideConfigFile: true, overrideConfig: config as never });
    const results = await eslint.lintFiles(['src', 'vendor']);
    const out = new Map<string, number[]>();
    for (const r of results) {
      expect(r.messages.filter((m) => m.fatal)).toEqual([]);
      const ours = r.messages.filter((m) => m.ruleId === 'shippo-keyguard/no-hardcoded-key');
      if (ours.length > 0) out.set(relative(project.dir, r.filePath).split(sep).join('/'), ours.map((m) => m.severity));
    }
    return out;
  }

  it('the CLI reports only the plain key and the nonstandard one at level note', () => {
    expect([...reportedByCli].sort()).toEqual(['src/old.env', 'src/plain.js']);
    expect([...suppressedByCli]).toEqual(['src/allowed.js']);
  });

  for (const [name, ESLint] of MAJORS) {
    it(`${name} reports the same files: ignored, off and allowed ones stay silent`, async () => {
      const reported = await lintProject(ESLint);
      expect([...reported.keys()].sort()).toEqual([...reportedByCli].sort());
      // The file's `note` is informational: the recommended config's `error` (2) decides.
      expect(reported.get('src/old.env')).toEqual([2]);
    });
  }

  it('ESLint reads the file once per process, not per lint', async () => {
    project.write('.shippo-keyguard.json', '{}');
    const reported = await lintProject(ESLint9);
    expect([...reported.keys()].sort()).toEqual(['src/old.env', 'src/plain.js']);
  });
});

describe('a bad .shippo-keyguard.json', () => {
  const project = tempRepo('eslint-bad-config');
  const key = fakeKey('live', 'bad-config');
  afterAll(() => project.cleanup());

  for (const [name, ESLint] of MAJORS) {
    it(`${name} reports the CLI's first error line at 1:1 and still reports the key`, async () => {
      project.write('.shippo-keyguard.json', JSON.stringify({ ignore: 'vendor/', detectors: { 'shippo-live-key': 'loud' } }));
      project.write('src/a.js', `\n\nconst k = "${key}";\n`);
      project.write('src/clean.js', 'export const ok = 1;\n');
      const fromCli = await cli(project.dir, ['scan', 'src', '--format', 'json']);
      expect(fromCli.exitCode).toBe(2);
      const cliLine = fromCli.stderr.split('\n').find((l) => l.includes('.shippo-keyguard.json: ignore:'));
      expect(cliLine).toBeDefined();

      const eslint = new ESLint({ cwd: project.dir, overrideConfigFile: true, overrideConfig: config as never });
      const [withKey, clean] = await eslint.lintFiles(['src/a.js', 'src/clean.js']);
      const messages = withKey?.messages ?? [];
      expect(messages.map((m) => [m.messageId, m.line, m.column])).toEqual([
        ['invalidConfig', 1, 1],
        ['liveKey', 3, 12],
      ]);
      expect(messages[0]?.message).toBe(`shippo-keyguard configuration not used: ${cliLine?.replace(/^shippo-keyguard: /, '')}`);
      expect(messages[0]?.message).not.toContain(key);
      // A file without a key never gets as far as the configuration.
      expect(clean?.messages).toEqual([]);
    });
  }
});

/**
 * The two other rules read the same file: an ignored path gets nothing from them, and a key in a
 * URL that the CLI drops (detector off) or suppresses (allow, inline comment) is quiet too, in JS
 * files and, through the processor, in non-JS ones (whose text starts after the comment opener).
 */
describe('no-key-in-url and no-public-env-key honour .shippo-keyguard.json too', () => {
  const project = tempRepo('eslint-config-other-rules');
  const plain = fakeKey('live', 'url-plain');
  const allowedKey = fakeKey('live', 'url-allowed');
  const testKey = fakeKey('test', 'url-test-off');
  const inline = fakeKey('live', 'url-inline');
  const host = 'https://api.goshippo.com/orders?token=';
  const js = [
    `fetch("${host}${plain}");`,
    `fetch("${host}${allowedKey}");`,
    `fetch("${host}${testKey}");`,
    `fetch("${host}${inline}"); // shippo-keyguard:allow`,
    'fetch(`' + host + '${process.env.SHIPPO_API_KEY}`);',
    'export const pub = process.env.NEXT_PUBLIC_SHIPPO_KEY;',
    '',
  ].join('\n');
  const env = [
    'NEXT_PUBLIC_SHIPPO_KEY=1',
    `HOOK=${host}${plain}`,
    `HOOK_ALLOWED=${host}${allowedKey}`,
    `HOOK_TEST=${host}${testKey}`,
    `HOOK_INLINE=${host}${inline} # shippo-keyguard:allow`,
    '',
  ].join('\n');
  /** `path:line` of each key the CLI reports, and of each one it suppresses. */
  const cliReported = new Set<string>();
  const cliSuppressed = new Set<string>();

  beforeAll(async () => {
    project.write(
      '.shippo-keyguard.json',
      JSON.stringify({
        ignore: ['vendor/'],
        detectors: { 'shippo-test-key': 'off' },
        allow: [{ fingerprint: fingerprintOf(allowedKey), reason: 'rotated' }],
      }),
    );
    for (const dir of ['src', 'vendor']) {
      project.write(`${dir}/client.js`, js);
      project.write(`${dir}/.env`, env);
    }
    const { report } = await scanJson(project.dir, ['src', 'vendor']);
    report.findings.forEach((f) => cliReported.add(`${f.path}:${f.startLine}`));
    (report.suppressed ?? []).forEach((f) => cliSuppressed.add(`${f.path}:${f.startLine}`));
  });
  afterAll(() => project.cleanup());

  it('the CLI reports only the plain key, in src; the allowed and inline ones are suppressed, the test key dropped', () => {
    expect([...cliReported].sort()).toEqual(['src/.env:2', 'src/client.js:1']);
    expect([...cliSuppressed].sort()).toEqual(['src/.env:3', 'src/.env:5', 'src/client.js:2', 'src/client.js:4']);
  });

  for (const [name, ESLint] of MAJORS) {
    it(`${name}: allowed, turned-off and inline-allowed keys are not reported in URLs; ignored files get nothing`, async () => {
      const eslint = new ESLint({ cwd: project.dir, overrideConfigFile: true, overrideConfig: config as never });
      const results = await eslint.lintFiles(['src', 'vendor']);
      const pathOf = (file: string) => relative(project.dir, file).split(sep).join('/');
      const byFile = Object.fromEntries(results.map((r) => [pathOf(r.filePath), r.messages.map((m) => `${m.line} ${m.ruleId} ${m.messageId}`)]));
      expect(byFile).toEqual({
        'src/client.js': [
          '1 shippo-keyguard/no-hardcoded-key liveKey',
          '1 shippo-keyguard/no-key-in-url keyInUrl',
          '5 shippo-keyguard/no-key-in-url keyInUrl',
          '6 shippo-keyguard/no-public-env-key publicEnvKey',
        ],
        'src/.env': [
          '1 shippo-keyguard/no-public-env-key publicEnvKey',
          '2 shippo-keyguard/no-hardcoded-key liveKey',
          '2 shippo-keyguard/no-key-in-url keyInUrl',
        ],
        'vendor/client.js': [],
        'vendor/.env': [],
      });
      // Every key in this project sits in a URL: no-key-in-url reports a hard-coded key exactly where the CLI does.
      const urlKeys = results.flatMap((r) =>
        r.messages.filter((m) => m.ruleId === 'shippo-keyguard/no-key-in-url' && !m.message.startsWith('Shippo key "')).map((m) => `${pathOf(r.filePath)}:${m.line}`),
      );
      expect(urlKeys.sort()).toEqual([...cliReported].sort());
      for (const r of results) for (const m of r.messages) expect(m.message).not.toContain(plain);
    });
  }
});

describe('with a broken .shippo-keyguard.json, the other rules still report, and only no-hardcoded-key says so', () => {
  const project = tempRepo('eslint-bad-config-other-rules');
  const key = fakeKey('live', 'bad-config-url');
  afterAll(() => project.cleanup());

  for (const [name, ESLint] of MAJORS) {
    it(name, async () => {
      project.write('.shippo-keyguard.json', JSON.stringify({ ignore: 'src/' }));
      project.write('src/a.js', `fetch("https://api.goshippo.com/x?token=${key}");\nexport const pub = process.env.NEXT_PUBLIC_SHIPPO_KEY;\n`);
      const eslint = new ESLint({ cwd: project.dir, overrideConfigFile: true, overrideConfig: config as never });
      const [result] = await eslint.lintFiles(['src/a.js']);
      expect(result?.messages.map((m) => `${m.line}:${m.column} ${m.messageId}`)).toEqual([
        '1:1 invalidConfig',
        '1:41 liveKey',
        '1:41 keyInUrl',
        '2:32 publicEnvKey',
      ]);
    });
  }
});
