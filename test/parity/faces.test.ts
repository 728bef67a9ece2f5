/**
 * The contract between the faces: one fixture repository, run through every way a team uses
 * shippo-keyguard (scan, history, staged, the pre-commit entry in both of its modes, the Action in
 * files mode, ESLint 9 and 10 with `recommended` and with `all-files`), and every face reports the
 * same findings: fingerprint, path, line, column, level, and whether and why it is suppressed. A
 * face sees less only where its scope is smaller (git sees no git-ignored file; `recommended`
 * lints JS files only; ESLint and SARIF show no suppressed finding), never a different answer.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ESLint as ESLint9 } from 'eslint';
import { ESLint as ESLint10 } from 'eslint10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, redact } from '@shippo-keyguard/core';
import { writeCachedVerification } from '@shippo-keyguard/core/cache';
import { CONFIG_FILE, spanOf } from '../eslint/fixture.js';
import { disposeFreshCheckout, freshCheckout } from '../integrations/support/checkout.js';
import { runCompositeAction } from '../integrations/support/runner.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { git } from '../support/tree.js';
import { cli, tempRepo } from '../triage/support.js';

const guard = new LeakGuard();
const key = {
  live: guard.plant(fakeKey('live', 'parity-live')),
  test: guard.plant(fakeKey('test', 'parity-test')),
  base64: guard.plant(fakeKey('live', 'parity-base64')),
  ours: guard.plant(fakeKey('live', 'parity-inline')),
  foreign: guard.plant(fakeKey('live', 'parity-foreign')),
  configAllowed: guard.plant(fakeKey('test', 'parity-config')),
  baselined: guard.plant(fakeKey('live', 'parity-baseline')),
  vendor: guard.plant(fakeKey('live', 'parity-vendor')),
  localEnv: guard.plant(fakeKey('live', 'parity-local-env')),
  publicEnv: guard.plant(fakeKey('test', 'parity-public-env')),
};

const files: Record<string, string> = {
  'src/app.js': [
    `const live = "${key.live}";`,
    `const testMode = "${key.test}";`,
    `const example = "${key.ours}"; // shippo-keyguard:allow`,
    `const legacy = "${key.foreign}"; // gitleaks:allow`,
    `const shared = "${key.configAllowed}";`,
    `const accepted = "${key.baselined}";`,
    '',
  ].join('\n'),
  'config/secret.yaml': `apiVersion: v1\nkind: Secret\ndata:\n  SHIPPO_API_KEY: ${Buffer.from(key.base64).toString('base64')}\n`,
  'vendor/lib.js': `export const token = "${key.vendor}";\n`,
  '.gitignore': '.env\n',
  // Git-ignored: the local key is where keys belong; the public one ships to every browser.
  '.env': `SHIPPO_API_KEY=${key.localEnv}\nNEXT_PUBLIC_SHIPPO_KEY=${key.publicEnv}\n`,
  '.shippo-keyguard.json': JSON.stringify({ ignore: ['vendor/'], allow: [{ fingerprint: fingerprintOf(key.configAllowed), reason: 'shared test-mode account' }] }, null, 2),
  '.shippo-keyguard-baseline.json': `${JSON.stringify(
    {
      version: 1,
      entries: [{ fingerprint: fingerprintOf(key.baselined), detector: 'shippo-live-key', redacted: 'accepted live key', firstSeen: { path: 'src/app.js' }, date: '2026-01-15', reason: 'rotation planned' }],
    },
    null,
    2,
  )}\n`,
};

/** One finding as every face must agree on it. */
interface Row {
  fingerprint: string;
  path: string;
  line: number;
  column: number;
  level: string;
  suppressed: string | null;
}

const row = (k: string, path: string, needle: string, suppressed: string | null): Row => {
  const at = spanOf(files[path]!, needle);
  return { fingerprint: fingerprintOf(k), path, line: at.line, column: at.column, level: 'error', suppressed };
};
/** The value is the base64 of the key alone: the finding starts at its first character. */
const base64Row = (): Row => row(key.base64, 'config/secret.yaml', Buffer.from(key.base64).toString('base64'), null);

/** What every face must report (written from the fixture, not from any face's output). */
const EXPECTED: Row[] = [
  row(key.live, 'src/app.js', key.live, null),
  row(key.test, 'src/app.js', key.test, null),
  row(key.ours, 'src/app.js', key.ours, 'inline'),
  row(key.foreign, 'src/app.js', key.foreign, 'inline-foreign'),
  row(key.configAllowed, 'src/app.js', key.configAllowed, 'config'),
  row(key.baselined, 'src/app.js', key.baselined, 'baseline'),
  base64Row(),
  row(key.publicEnv, '.env', key.publicEnv, null),
];

const sortRows = (rows: Row[]) => [...rows].sort((a, b) => `${a.path}:${String(a.line).padStart(5)}:${String(a.column).padStart(5)}`.localeCompare(`${b.path}:${String(b.line).padStart(5)}:${String(b.column).padStart(5)}`));
const inGit = (r: Row) => r.path !== '.env';

interface JsonFinding {
  fingerprint: string;
  path: string;
  startLine: number;
  startColumn: number;
  level: string;
  suppression?: { by: string };
}
const rowsOf = (report: { findings: JsonFinding[]; suppressed?: JsonFinding[] }): Row[] =>
  sortRows(
    [...report.findings, ...(report.suppressed ?? [])].map((f) => ({
      fingerprint: f.fingerprint,
      path: f.path,
      line: f.startLine,
      column: f.startColumn,
      level: f.level,
      suppressed: f.suppression?.by ?? null,
    })),
  );

let repo: ReturnType<typeof tempRepo>;
let cacheHome: string;
const faces: Record<string, Row[]> = {};

async function face(name: string, argv: string[]): Promise<void> {
  const result = await cli(repo.dir, [...argv, '--format', 'json'], { env: { XDG_CACHE_HOME: cacheHome } });
  guard.record({ scenario: name, channel: 'stdout', text: result.stdout, revealAllowed: false });
  guard.record({ scenario: name, channel: 'stderr', text: result.stderr, revealAllowed: false });
  expect(result.exitCode, `${name}: ${result.stderr}`).toBe(1);
  faces[name] = rowsOf(JSON.parse(result.stdout));
}

beforeAll(async () => {
  repo = tempRepo('parity');
  cacheHome = mkdtempSync(join(tmpdir(), 'skg-parity-cache-'));
  for (const [path, text] of Object.entries(files)) repo.write(path, text);
  // A verdict from an earlier `--verify`: the editor shows it; it changes no level (live is an error anyway).
  writeCachedVerification(fingerprintOf(key.live), 'live', { env: { XDG_CACHE_HOME: cacheHome } });
  git(repo.dir, 'add', '-A');
  // Before the commit: what a commit would add.
  await face('staged', ['staged']);
  await face('pre-commit (hook)', ['pre-commit']);
  const staged = git(repo.dir, 'diff', '--cached', '--name-only').split('\n').filter(Boolean);
  await face('pre-commit (framework, files)', ['pre-commit', ...staged]);
  git(repo.dir, '-c', 'user.name=Parity', '-c', 'user.email=parity@example.com', 'commit', '-qm', 'fixture');
  await face('scan', ['scan']);
  await face('history', ['history']);
}, 120_000);

afterAll(async () => {
  repo.cleanup();
  rmSync(cacheHome, { recursive: true, force: true });
  await disposeFreshCheckout();
  guard.assertNoLeaks();
});

describe('every face reports the same findings', () => {
  it('scan: every finding of the fixture, suppressed ones with why; the ignored vendor file and the local .env key not at all', () => {
    expect(faces['scan']).toEqual(sortRows(EXPECTED));
  });

  for (const name of ['history', 'staged', 'pre-commit (hook)', 'pre-commit (framework, files)']) {
    it(`${name}: the same, for what git holds (the git-ignored .env is not committed)`, () => {
      expect(faces[name]).toEqual(sortRows(EXPECTED.filter(inGit)));
    });
  }

  it('the Action (mode: files): the same reported findings in SARIF and as annotations', async () => {
    const actionDir = (await freshCheckout()).dir;
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const run = await runCompositeAction({
      actionDir,
      workspace: repo.dir,
      with: { mode: 'files' },
      eventName: 'push',
      payload: { before: head, after: head, ref: 'refs/heads/main', repository: { default_branch: 'main' } },
      env: { GITHUB_SHA: head, XDG_CACHE_HOME: cacheHome },
    });
    guard.record({ scenario: 'action', channel: 'log', text: run.log, revealAllowed: false });
    expect(run.status, run.log).toBe(1);
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8')) as {
      runs: { results: { level: string; properties: { keyFingerprint: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    const fromSarif = sarif.runs[0]!.results.map((r) => ({
      fingerprint: r.properties.keyFingerprint,
      path: decodeURIComponent(r.locations[0]!.physicalLocation.artifactLocation.uri),
      line: r.locations[0]!.physicalLocation.region.startLine,
      column: r.locations[0]!.physicalLocation.region.startColumn,
      level: r.level,
      suppressed: null,
    }));
    const reported = sortRows(EXPECTED.filter((r) => r.suppressed === null));
    expect(sortRows(fromSarif)).toEqual(reported);
    const annotations = [...run.log.matchAll(/^::(error|warning|notice) file=([^,]+),line=(\d+),endLine=\d+,col=(\d+),/gm)].map((m) => ({
      path: m[2],
      line: Number(m[3]),
      column: Number(m[4]),
      level: m[1],
    }));
    expect(sortRows(annotations as Row[])).toEqual(reported.map(({ path, line, column, level }) => ({ path, line, column, level })));
  }, 180_000);

  const pluginConfig = (allFiles: boolean) =>
    CONFIG_FILE.replace("  ...keyguard.configs['all-files'],\n", allFiles ? "  ...keyguard.configs['all-files'],\n" : '');

  for (const [major, ESLint] of [
    ['ESLint 9', ESLint9],
    ['ESLint 10', ESLint10],
  ] as const) {
    for (const config of ['recommended', 'all-files'] as const) {
      it(`${major}, ${config}: the same reported keys at the same places; nothing suppressed, ignored or git-ignored is reported`, async () => {
        const configFile = join(repo.dir, `eslint.${config}.mjs`);
        writeFileSync(configFile, pluginConfig(config === 'all-files'));
        const previous = process.env['XDG_CACHE_HOME'];
        process.env['XDG_CACHE_HOME'] = cacheHome;
        let results: ESLint9.LintResult[];
        try {
          results = (await new ESLint({ cwd: repo.dir, overrideConfigFile: configFile }).lintFiles(['.'])) as ESLint9.LintResult[];
        } finally {
          if (previous === undefined) delete process.env['XDG_CACHE_HOME'];
          else process.env['XDG_CACHE_HOME'] = previous;
          rmSync(configFile);
        }
        const messages = results.flatMap((r) => r.messages.map((m) => ({ ...m, path: relative(repo.dir, r.filePath) })));
        for (const m of messages) guard.record({ scenario: `${major} ${config}`, channel: 'message', text: m.message, revealAllowed: false });
        expect(messages.filter((m) => m.fatal)).toEqual([]);
        const keys = messages.filter((m) => m.ruleId === 'shippo-keyguard/no-hardcoded-key');
        const linted = (path: string) => config === 'all-files' || path.endsWith('.js');
        const reported = sortRows(EXPECTED.filter((r) => r.suppressed === null && r.path !== '.env' && linted(r.path)));
        const level = (severity: number) => (severity === 2 ? 'error' : 'warning');
        expect(sortRows(keys.map((m) => ({ path: m.path, line: m.line, column: m.column, level: level(m.severity) }) as Row))).toEqual(
          reported.map(({ path, line, column, level }) => ({ path, line, column, level })),
        );
        // The same key: the message shows the redacted preview of the key the CLI found there.
        for (const m of keys) {
          const expected = EXPECTED.find((r) => r.path === m.path && r.line === m.line && r.column === m.column)!;
          const plain = Object.values(key).find((k) => fingerprintOf(k) === expected.fingerprint)!;
          expect(m.message).toContain(redact(plain));
        }
        // The editor shows what an earlier --verify found.
        expect(keys.find((m) => m.message.includes(redact(key.live)))?.message).toContain('(verified live)');
        // A git-ignored .env: the local key is not an error there; the public variable still is.
        const env = messages.filter((m) => m.path === '.env');
        expect(env.map((m) => [m.ruleId, m.line, m.column])).toEqual(config === 'all-files' ? [['shippo-keyguard/no-public-env-key', 2, 1]] : []);
        expect(messages.filter((m) => m.path.startsWith('vendor/'))).toEqual([]);
      }, 120_000);
    }
  }
});
