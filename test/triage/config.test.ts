import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '@shippo-keyguard/core';
import { fakeKey } from '../support/fake-keys.js';
import { git } from '../support/tree.js';
import { cli, scanJson, tempRepo } from './support.js';

const live = fakeKey('live', 'config-live');
const test = fakeKey('test', 'config-test');
const repos: { cleanup(): void }[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

/** A repository with a key in src/, one in fixtures/, a test key and a snapshot file. */
function project(config?: { name: string; text: string }) {
  const repo = tempRepo('config');
  repos.push(repo);
  repo.write('src/app.js', `const token = "${live}";\n`);
  repo.write('src/sandbox.js', `const sandbox = "${test}";\n`);
  repo.write('fixtures/keys.txt', `${live}\n`);
  repo.write('src/__snapshots__/app.snap', `exports.token = "${live}";\n`);
  if (config) repo.write(config.name, config.text);
  return repo;
}
const json = (value: unknown) => ({ name: '.shippo-keyguard.json', text: JSON.stringify(value) });

describe('bad configuration: one precise line per problem, exit 2', () => {
  const cases: [string, { name: string; text: string }, string[]][] = [
    [
      'API base URL under verify',
      json({ verify: { apiBaseUrl: 'http://127.0.0.1:9' } }),
      [
        '.shippo-keyguard.json: verify.apiBaseUrl: the API base URL cannot be set in a configuration file (a checked-in file must never be able to send keys elsewhere); expected one of: concurrency, timeout, requestTimeout',
      ],
    ],
    [
      'API base URL at the top level, in YAML',
      { name: '.shippo-keyguard.yaml', text: 'apiBaseUrl: http://127.0.0.1:9\n' },
      [
        '.shippo-keyguard.yaml: apiBaseUrl: the API base URL cannot be set in a configuration file (a checked-in file must never be able to send keys elsewhere); expected one of: $schema, ignore, detectors, maxFileSize, archiveDepth, failOn, verify, allow, baseline',
      ],
    ],
    [
      'unknown key',
      json({ ignores: ['x'] }),
      ['.shippo-keyguard.json: ignores: unknown field (did you mean "ignore"?); expected one of: $schema, ignore, detectors, maxFileSize, archiveDepth, failOn, verify, allow, baseline'],
    ],
    ['wrong type', json({ maxFileSize: true }), ['.shippo-keyguard.json: maxFileSize: expected a number of bytes or a size such as "512KiB", "100MiB", "1GiB", got true']],
    ['wrong type in a list', json({ ignore: 'fixtures/' }), ['.shippo-keyguard.json: ignore: expected an array, got a string']],
    ['bad glob', json({ ignore: ['fixtures/', 'src/[abc'] }), ['.shippo-keyguard.json: ignore[1]: unclosed "[" at position 5, in "src/[abc"']],
    [
      'globs that would silently match nothing: Windows separators, a leading ./',
      json({ ignore: ['fixtures\\keys.txt', './fixtures/', 'src/\\*.snap', 'docs/a\\ b.md', '\\.env'] }),
      [
        '.shippo-keyguard.json: ignore[0]: "\\" is an escape in gitignore-style patterns, not a separator ("\\k" matches "k"); write "/" between directories, in "fixtures\\\\keys.txt"',
        '.shippo-keyguard.json: ignore[1]: a leading "./" matches nothing in gitignore-style patterns; write "/fixtures/" for the one next to this file, in "./fixtures/"',
      ],
    ],
    [
      'unknown detector and bad level',
      { name: '.shippo-keyguard.yml', text: 'detectors:\n  shippo-live-key: loud\n  generic-api-key: off\n' },
      [
        '.shippo-keyguard.yml: detectors.shippo-live-key: expected one of: "off", "error", "warning", "note", got "loud"',
        '.shippo-keyguard.yml: detectors.generic-api-key: unknown detector; expected one of: shippo-live-key, shippo-test-key, shippo-key-base64, shippo-key-nonstandard',
      ],
    ],
    ['bad failOn', json({ failOn: 'sometimes' }), ['.shippo-keyguard.json: failOn: expected one of: "any", "not-dead", "live", got "sometimes"']],
    [
      'verify out of range',
      json({ verify: { concurrency: 0, timeout: 0, requestTimeout: 601 } }),
      [
        '.shippo-keyguard.json: verify.concurrency: expected at least 1, got 0',
        '.shippo-keyguard.json: verify.timeout: expected more than 0, got 0',
        '.shippo-keyguard.json: verify.requestTimeout: expected at most 600, got 601',
      ],
    ],
    [
      'allow without a reason, with a key instead of a fingerprint',
      json({ allow: [{ fingerprint: 'shippo_live_…' }] }),
      [
        '.shippo-keyguard.json: allow[0].reason: required field is missing',
        '.shippo-keyguard.json: allow[0].fingerprint: expected a fingerprint: 64 lower-case hex characters (SHA-256 of the key, as in reports), got "shippo_live_…"',
      ],
    ],
    ['not JSON', { name: '.shippo-keyguard.json', text: '{ "failOn": "live", }' }, ['.shippo-keyguard.json: not valid JSON: ']],
    ['not YAML', { name: '.shippo-keyguard.yaml', text: 'failOn: live\nignore: [a\n' }, ['.shippo-keyguard.yaml: not valid YAML (line ']],
    [
      'a field given twice in JSON (JSON.parse keeps the last), as in YAML',
      { name: '.shippo-keyguard.json', text: '{\n  "failOn": "any",\n  "verify": { "timeout": 5, "timeout": 9 },\n  "failOn": "live"\n}\n' },
      ['.shippo-keyguard.json: not valid JSON (line 3, column 29): "timeout" is given twice', '.shippo-keyguard.json: not valid JSON (line 4, column 3): "failOn" is given twice'],
    ],
    ['not an object', { name: '.shippo-keyguard.yaml', text: '- fixtures/\n' }, ['.shippo-keyguard.yaml: expected an object, got an array']],
  ];
  for (const [name, config, lines] of cases) {
    it(name, async () => {
      const repo = project(config);
      const result = await cli(repo.dir, ['scan']);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      const got = result.stderr.trimEnd().split('\n');
      expect(got).toHaveLength(lines.length);
      lines.forEach((line, i) => expect(got[i]?.startsWith(`shippo-keyguard: ${line}`), `${got[i]}`).toBe(true));
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
  it('names a --config file that does not exist', async () => {
    const repo = project();
    const result = await cli(repo.dir, ['scan', '--config', 'nope.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('shippo-keyguard: nope.yaml: cannot read the configuration file (ENOENT)\n');
  });
  it('refuses two configuration files side by side', async () => {
    const repo = project(json({}));
    repo.write('.shippo-keyguard.yaml', '{}\n');
    const result = await cli(repo.dir, ['scan']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/more than one configuration file .*\(\.shippo-keyguard\.json, \.shippo-keyguard\.yaml\)/);
  });
  it('never echoes a key pasted into the file', async () => {
    for (const config of [json({ allow: [{ fingerprint: live, reason: 'x' }] }), { name: '.shippo-keyguard.json', text: `{ "allow": [ "${live}" ], }` }]) {
      const repo = project(config);
      const result = await cli(repo.dir, ['scan']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^shippo-keyguard: \.shippo-keyguard\.json: /);
      expect(result.stderr).not.toContain(live.slice(12));
    }
  });
  it('never echoes a key pasted where a field name goes', async () => {
    for (const config of [
      json({ allow: [{ [live]: 'x', reason: 'pasted over the field name' }] }),
      { name: '.shippo-keyguard.yaml', text: `detectors:\n  ${live}: off\n` },
      { name: '.shippo-keyguard.yaml', text: `${live}: 1\n` },
    ]) {
      const repo = project(config);
      const result = await cli(repo.dir, ['scan']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^shippo-keyguard: \.shippo-keyguard\.(json|yaml): /);
      expect(result.stderr).toMatch(/: [^\n]*shippo_live_[0-9a-f]{4}…[0-9a-f]{4}[^\n]*: unknown (field|detector)/);
      expect(result.stderr).not.toContain(live.slice(12));
    }
  });
  it('a JSON syntax error is one line that never quotes the file', async () => {
    // V8's message quotes the source around the error, line breaks and all.
    const repo = project({ name: '.shippo-keyguard.json', text: `{\n  "failOn": "live",\n  "ignore":\n${live}\n}\n` });
    const result = await cli(repo.dir, ['scan']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^shippo-keyguard: \.shippo-keyguard\.json: not valid JSON: [^\n]+\n$/);
    expect(result.stderr).not.toContain('"ignore"');
    expect(result.stderr).not.toContain(live.slice(12, 20));
  });
  it('a YAML alias bomb stops at once with the file named', async () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const repo = project({ name: '.shippo-keyguard.yaml', text: `${levels.join('\n')}\n` });
    const result = await cli(repo.dir, ['scan']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^shippo-keyguard: \.shippo-keyguard\.yaml: not valid YAML: too many aliases[^\n]*\n$/);
  });
  it('--no-config skips even a broken file', async () => {
    const repo = project(json({ verify: { apiBaseUrl: 'http://127.0.0.1:9' } }));
    const result = await cli(repo.dir, ['scan', '--no-config']);
    expect(result.exitCode).toBe(1);
  });
});

describe('a good configuration', () => {
  it('an empty file (JSON or YAML, blank lines only) is an empty configuration, not an error', async () => {
    for (const name of ['.shippo-keyguard.json', '.shippo-keyguard.yaml']) {
      const repo = project({ name, text: '\n  \n' });
      const { result, report } = await scanJson(repo.dir, []);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(report.findings).toHaveLength(4);
    }
  });
  it('ignore: drops findings under ignored paths (a post-filter on findings)', async () => {
    const repo = project(json({ ignore: ['fixtures/', '**/__snapshots__/'] }));
    const { report } = await scanJson(repo.dir, []);
    expect(report.findings.map((f) => f.path).sort()).toEqual(['src/app.js', 'src/sandbox.js']);
    expect(report.suppressed ?? []).toEqual([]);
  });
  it('is found by walking up from a subdirectory; patterns stay relative to the file', async () => {
    const repo = project({ name: '.shippo-keyguard.yaml', text: 'ignore:\n  - /src/__snapshots__/\n' });
    const { report } = await scanJson(join(repo.dir, 'src'), []);
    expect(report.findings.map((f) => f.path).sort()).toEqual(['app.js', 'sandbox.js']);
  });
  it('applies from a subdirectory, but is not looked for above a git top-level', async () => {
    const repo = project(json({ failOn: 'live' }));
    repo.write('vendor/lib/k.env', `K=${live}\n`);
    // From a subdirectory of the repository the root's file applies: failOn live, so exit 0.
    expect((await cli(join(repo.dir, 'vendor', 'lib'), ['scan'])).exitCode).toBe(0);
    // A repository nested inside does not inherit it: its own top-level ends the search.
    repo.write('nested/k.env', `K=${live}\n`);
    git(join(repo.dir, 'nested'), 'init', '-q');
    expect((await cli(join(repo.dir, 'nested'), ['scan'])).exitCode).toBe(1);
  });
  it('--config names another file; --no-config ignores the found one', async () => {
    const repo = project(json({ ignore: ['src/'] }));
    repo.write('ci/keyguard.yaml', 'ignore: [fixtures/]\n');
    const found = await scanJson(repo.dir, []);
    expect(new Set(found.report.findings.map((f) => f.path.split('/')[0]))).toEqual(new Set(['fixtures']));
    // Patterns of a named file are relative to that file's directory (ci/), so fixtures/ is not hit.
    const named = await scanJson(repo.dir, ['--config', 'ci/keyguard.yaml']);
    expect(named.report.findings).toHaveLength(4);
    const none = await scanJson(repo.dir, ['--no-config']);
    expect(none.report.findings).toHaveLength(4);
  });
  it('detectors: off drops a detector, a level changes what is reported', async () => {
    const repo = project(json({ detectors: { 'shippo-test-key': 'off', 'shippo-live-key': 'warning' } }));
    const { report } = await scanJson(repo.dir, []);
    expect(report.findings.map((f) => f.detector)).not.toContain('shippo-test-key');
    expect(new Set(report.findings.map((f) => f.level))).toEqual(new Set(['warning']));
  });
  it('a detector set to note stops failing the run; a note detector raised to error fails it', async () => {
    const lowered = project(json({ detectors: { 'shippo-live-key': 'note', 'shippo-test-key': 'note' } }));
    const quiet = await scanJson(lowered.dir, []);
    expect(quiet.report.findings.length).toBeGreaterThan(0);
    expect(quiet.result.exitCode).toBe(0);

    const raised = tempRepo('config-raised');
    repos.push(raised);
    raised.write('docs/old.md', `token: ${fakeKey('test', 'config-old', 32)}\n`);
    expect((await scanJson(raised.dir, [])).result.exitCode).toBe(0);
    raised.write('.shippo-keyguard.json', JSON.stringify({ detectors: { 'shippo-key-nonstandard': 'error' } }));
    const loud = await scanJson(raised.dir, []);
    expect(loud.report.findings.map((f) => [f.detector, f.level])).toEqual([['shippo-key-nonstandard', 'error']]);
    expect(loud.result.exitCode).toBe(1);
  });
  it('failOn from the file applies; --fail-on on the command line wins', async () => {
    const repo = project(json({ failOn: 'live' }));
    expect((await cli(repo.dir, ['scan'])).exitCode).toBe(0);
    expect((await cli(repo.dir, ['scan', '--fail-on', 'any'])).exitCode).toBe(1);
  });
  it('maxFileSize from the file applies; --max-file-size wins', async () => {
    const repo = project({ name: '.shippo-keyguard.yaml', text: 'maxFileSize: 40\n' });
    const small = await scanJson(repo.dir, []);
    expect(small.report.findings).toHaveLength(0);
    expect(small.report.warnings.some((w) => w.code === 'too-large')).toBe(true);
    const big = await scanJson(repo.dir, ['--max-file-size', '1MiB']);
    expect(big.report.findings).toHaveLength(4);
  });
  it('verify concurrency and timeout are accepted', async () => {
    const repo = project(json({ verify: { concurrency: 2, timeout: 30 } }));
    expect((await cli(repo.dir, ['scan'])).exitCode).toBe(1);
  });
  it('allow: a fingerprint with its reason suppresses that key everywhere, and the reason is shown', async () => {
    const repo = project(json({ allow: [{ fingerprint: fingerprintOf(live), reason: 'rotated on 2024-05-01' }] }));
    const { report } = await scanJson(repo.dir, []);
    expect(report.findings.map((f) => f.path)).toEqual(['src/sandbox.js']);
    expect(report.suppressed?.map((f) => f.suppression)).toEqual(Array(3).fill({ by: 'config', reason: 'rotated on 2024-05-01' }));
    const text = await cli(repo.dir, ['scan', '--show-suppressed']);
    expect(text.stdout).toContain('[allowed by config: rotated on 2024-05-01]');
    expect(text.stdout).toMatch(/1 finding \(1 distinct key\) in \d+ files · 3 suppressed/);
    expect(text.stdout + text.stderr).not.toContain(live.slice(12));
  });
  it('allow: a key pasted into a reason is shown redacted', async () => {
    const repo = project(json({ allow: [{ fingerprint: fingerprintOf(live), reason: `old value ${test}` }] }));
    for (const argv of [['--show-suppressed'], ['--format', 'json']]) {
      const result = await cli(repo.dir, ['scan', ...argv]);
      expect(result.stdout).toMatch(/old value shippo_test_[0-9a-f]{4}…[0-9a-f]{4}/);
      expect(result.stdout).not.toContain(test.slice(12));
    }
  });
});
