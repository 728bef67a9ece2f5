import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fakeKey, keyPrefix } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { cleanup, columnOf, makeTree } from '../support/tree.js';

const guard = new LeakGuard();
const live = guard.plant(fakeKey('live', 'formats-env'));
const test = guard.plant(fakeKey('test', 'formats-multibyte'));
const crlf = guard.plant(fakeKey('live', 'formats-crlf'));
const b64Keys = [0, 1, 2].map((pad) => guard.plant(fakeKey(pad === 1 ? 'test' : 'live', `formats-b64-${pad}`)));
const urlSafe = guard.plant(fakeKey('live', 'formats-b64-url'));

const multibyteLine = `const greeting = "héllo wörld 🚀 ✓"; const key = "${test}";`;
const crlfText = `first\r\nsecond line\r\n  token: '${crlf}'\r\nlast\r\n`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
// The bytes before the key must not be word characters (a key glued to a word is no key).
const b64Values = b64Keys.map((key, pad) => b64(['', ':', '="'][pad]! + key));
// URL-safe: pick a value whose encoding holds '-' or '_' so the alphabet matters.
const urlSafeValue = Buffer.from(`{"auth":"${urlSafe}"}?>`).toString('base64url');
const k8s = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: shippo',
  'data:',
  ...b64Values.map((v, i) => `  KEY_${i}: ${v}`),
  `  URL_SAFE: ${urlSafeValue}`,
  '',
].join('\n');
const placeholders = [
  '# Configure Shippo',
  `Set SHIPPO_API_KEY=${keyPrefix('test')}xxx in your shell.`,
  `Production keys look like ${keyPrefix('live')}... and start with the live prefix.`,
  `export SHIPPO_TOKEN="${keyPrefix('test')}<your key>"`,
  `const token = '${keyPrefix('live')}fake';`,
  '',
].join('\n');

let dir: string;
/** Reports go outside the scanned tree, so one scenario's output is never the next one's input. */
let out: string;
const sarifFiles: string[] = [];

/** Every SARIF log a scenario produced: checked against the schema now, by the Multitool at the end. */
function checkSarif(name: string, text: string): any {
  const log = JSON.parse(text);
  expect(sarifSchemaErrors(log)).toEqual([]);
  const file = join(out, `${sarifFiles.length}-${name}.sarif`);
  writeFileSync(file, text);
  sarifFiles.push(file);
  return log;
}

beforeAll(() => {
  dir = makeTree({
    'config/.env': `# settings\nSHIPPO_API_KEY=${live}\n`,
    'src/ünïcode.ts': `// comment\n${multibyteLine}\n`,
    'crlf.yml': crlfText,
    'k8s/secret.yaml': k8s,
    'docs/README.md': placeholders,
  });
  out = makeTree({}, 'skg-out-');
});
afterAll(() => cleanup(dir, out));

describe('scan output formats', () => {
  it('text: path:line:col, detector, kind, redacted preview and a summary line; no colour when piped', async () => {
    const r = await runCli(['scan', '.'], { cwd: dir, guard });
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`config/.env:2:16  error  shippo-live-key  live key  ${live.slice(0, 16)}…${live.slice(-4)}`);
    expect(r.stdout).toContain(`src/ünïcode.ts:2:${columnOf(multibyteLine, test)}  error  shippo-test-key  test key`);
    expect(r.stdout).toContain('crlf.yml:3:11  error  shippo-live-key');
    expect(r.stdout).not.toContain('docs/README.md');
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(lines.at(-1)).toBe('✖ 7 findings (7 distinct keys) in 5 files');
  });

  it('text: colour on a TTY, none with NO_COLOR', async () => {
    const tty = await runCli(['scan', 'config'], { cwd: dir, guard, stdoutIsTTY: true });
    expect(tty.stdout).toMatch(/\u001b\[31m/);
    const noColor = await runCli(['scan', 'config'], { cwd: dir, guard, stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
    expect(noColor.stdout).toContain('config/.env:2:16');
  });

  it('json: version 1, findings sorted by path, line, column, exact positions, never the key', async () => {
    const r = await runCli(['scan', '--format', 'json'], { cwd: dir, guard });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.tool.name).toBe('shippo-keyguard');
    expect(report.summary).toMatchObject({ findings: 7, keys: 7, scanned: 5, skipped: 0, warnings: 0 });
    const where = report.findings.map((f: any) => `${f.path}:${f.startLine}:${f.startColumn}`);
    const sorted = [...report.findings].sort((a: any, b: any) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine || a.startColumn - b.startColumn,
    );
    expect(report.findings).toEqual(sorted);
    expect(where).toContain('config/.env:2:16');
    const mb = report.findings.find((f: any) => f.path === 'src/ünïcode.ts');
    expect(mb).toMatchObject({ startLine: 2, startColumn: columnOf(multibyteLine, test), endColumn: columnOf(multibyteLine, test) + test.length });
    expect(mb.startOffset).toBe(Buffer.byteLength(`// comment\n${multibyteLine.slice(0, multibyteLine.indexOf(test))}`));
    const cr = report.findings.find((f: any) => f.path === 'crlf.yml');
    expect(cr).toMatchObject({ startLine: 3, startColumn: 11, endLine: 3, endColumn: 11 + crlf.length, kind: 'live' });
    for (const f of report.findings) {
      expect(f).not.toHaveProperty('key');
      expect(f.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('base64 keys at all three alignments and in the URL-safe alphabet, with the encoded span', async () => {
    const r = await runCli(['scan', 'k8s', '--format', 'json'], { cwd: dir, guard });
    const found = JSON.parse(r.stdout).findings;
    expect(found).toHaveLength(4);
    b64Values.forEach((value, pad) => {
      const line = `  KEY_${pad}: ${value}`;
      const f = found.find((x: any) => x.startLine === 6 + pad);
      expect(f).toMatchObject({ detector: 'shippo-key-base64', kind: pad === 1 ? 'test' : 'live' });
      expect(f.startColumn).toBe(columnOf(line, value) + Math.floor((pad * 8) / 6));
      expect(f.endColumn).toBeLessThanOrEqual(columnOf(line, value) + value.length);
    });
    expect(found.find((x: any) => x.startLine === 9)).toMatchObject({ detector: 'shippo-key-base64', kind: 'live' });
  });

  it('placeholders in docs are not findings', async () => {
    const r = await runCli(['scan', 'docs/README.md', '--format', 'json'], { cwd: dir, guard });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], summary: { scanned: 1 } });
  });

  it('sarif: valid 2.1.0 with rules, relative %SRCROOT% locations, regions and fingerprints; no key, no snippet', async () => {
    const r = await runCli(['scan', '--format', 'sarif'], { cwd: dir, guard });
    expect(r.exitCode).toBe(1);
    const log = checkSarif('stdout', r.stdout);
    const run = log.runs[0];
    const pkg = JSON.parse(readFileSync(new URL('../../cli/package.json', import.meta.url), 'utf8'));
    expect(run.tool.driver).toMatchObject({ name: 'shippo-keyguard', version: pkg.version });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    for (const rule of run.tool.driver.rules) {
      expect(rule.properties.tags).toContain('security');
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.help.markdown.length).toBeGreaterThan(0);
    }
    expect(run.results).toHaveLength(7);
    const env = run.results.find((x: any) => x.locations[0].physicalLocation.artifactLocation.uri === 'config/.env');
    expect(env.ruleId).toBe(run.tool.driver.rules[env.ruleIndex].id);
    expect(env.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'config/.env', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 16, endLine: 2, endColumn: 16 + live.length },
    });
    expect(env.message.text).toContain(`${live.slice(0, 16)}…${live.slice(-4)}`);
    expect(Object.values(env.partialFingerprints)[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(run.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri)).toContain('src/%C3%BCn%C3%AFcode.ts');
    expect(r.stdout).not.toContain('snippet');
  });

  it('--output writes the report atomically (whole file, no temp left) and keeps stdout empty', async () => {
    writeFileSync(join(out, 'report.json'), 'old content that must be replaced whole');
    const r = await runCli(['scan', 'config', '--format', 'json', '--output', `${out}/report.json`], {
      cwd: dir,
      guard,
      writes: [`${out}/report.json`],
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('✖ 1 finding');
    expect(JSON.parse(r.files[`${out}/report.json`]!).findings).toHaveLength(1);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('--output into a missing directory: one-line error, exit 2, no stack', async () => {
    const r = await runCli(['scan', 'config', '--output', 'no/such/dir/report.txt'], { cwd: dir, guard });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^shippo-keyguard: cannot write report no\/such\/dir\/report.txt/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('--sarif-file alongside text on stdout (CI: logs and code scanning from one run)', async () => {
    const r = await runCli(['scan', '--sarif-file', `${out}/ci.sarif`], { cwd: dir, guard, writes: [`${out}/ci.sarif`] });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('config/.env:2:16');
    const log = checkSarif('ci', r.files[`${out}/ci.sarif`]!);
    expect(log.runs[0].results).toHaveLength(7);
  });

  it('--no-redact: full keys in text and JSON with a warning on stderr, never in SARIF', async () => {
    const text = await runCli(['scan', 'config', '--no-redact', '--sarif-file', `${out}/nr.sarif`], {
      cwd: dir,
      guard,
      writes: [`${out}/nr.sarif`],
    });
    expect(text.stdout).toContain(live);
    expect(text.stderr).toMatch(/^warning: --no-redact/);
    expect(text.files[`${out}/nr.sarif`]).not.toContain(live.slice(12));
    checkSarif('no-redact', text.files[`${out}/nr.sarif`]!);
    const json = await runCli(['scan', 'config', '--no-redact', '--format', 'json'], { cwd: dir, guard });
    expect(JSON.parse(json.stdout).findings[0].key).toBe(live);
    const sarif = await runCli(['scan', 'config', '--no-redact', '--format', 'sarif'], { cwd: dir, guard });
    expect(sarif.stdout).not.toContain(live.slice(12));
    checkSarif('no-redact-stdout', sarif.stdout);
    // Only SARIF asked for: nothing reveals a key, and the warning says so instead of crying wolf.
    expect(sarif.stderr).toMatch(/^warning: --no-redact has no effect here: SARIF never holds a key$/m);
    expect(sarif.stderr).not.toContain('full keys are printed');
    expect(json.stderr).toContain('warning: --no-redact: full keys are printed');
  });

  it('stdin: "-" with --stdin-filename names it in reports', async () => {
    const r = await runCli(['scan', '-', '--stdin-filename', 'pasted.env', '--format', 'sarif'], {
      cwd: dir,
      guard,
      stdin: `x\nTOKEN=${live}\n`,
    });
    expect(r.exitCode).toBe(1);
    const log = checkSarif('stdin', r.stdout);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('pasted.env');
  });

  it('a clean scan exits 0 and its SARIF is valid too', async () => {
    const r = await runCli(['scan', 'docs', '--format', 'sarif'], { cwd: dir, guard });
    expect(r.exitCode).toBe(0);
    expect(checkSarif('clean', r.stdout).runs[0].results).toEqual([]);
  });

  it('sarif: at most 25,000 results (GitHub rejects a run with more), the most severe kept, the rest counted in a notification', async () => {
    const many = Array.from({ length: 25_003 }, (_, i) => fakeKey('test', `bulk-${i}`));
    const lives = [guard.plant(fakeKey('live', 'bulk-live-0')), guard.plant(fakeKey('live', 'bulk-live-1'))];
    const bulk = makeTree({ 'a-test.env': many.map((k) => `K=${k}\n`).join(''), 'z-live.env': lives.map((k) => `K=${k}\n`).join('') });
    try {
      const r = await runCli(['scan', '--sarif-file', `${out}/bulk.sarif`, '--json-file', `${out}/bulk.json`], { cwd: bulk, guard, writes: [`${out}/bulk.sarif`, `${out}/bulk.json`] });
      expect(r.exitCode).toBe(1);
      expect(JSON.parse(r.files[`${out}/bulk.json`]!).findings).toHaveLength(25_005);
      const text = r.files[`${out}/bulk.sarif`]!;
      expect(text).not.toMatch(new RegExp(`(${keyPrefix('live')}|${keyPrefix('test')})[0-9a-f]{40}`));
      const log = JSON.parse(text);
      expect(sarifSchemaErrors(log)).toEqual([]);
      const run = log.runs[0];
      expect(run.results).toHaveLength(25_000);
      // Test keys are errors too (one severity model); among equals, live keys rank first.
      expect(run.results.filter((x: any) => x.properties.kind === 'live').map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['z-live.env', 'z-live.env']);
      expect(run.invocations[0].toolExecutionNotifications).toContainEqual(
        expect.objectContaining({ descriptor: { id: 'too-many-results' }, message: { text: expect.stringMatching(/^5 findings are not in this SARIF log/) } }),
      );
    } finally {
      cleanup(bulk);
    }
  }, 60_000);

  it('every SARIF produced above passes the SARIF Multitool (validate --rule-kind "Gh;Sarif")', () => {
    expect(sarifFiles.length).toBeGreaterThanOrEqual(5);
    const issues = multitoolIssues(sarifFiles, out);
    expect(issues.filter((i) => i.level === 'error' || i.level === 'warning')).toEqual([]);
  }, 120_000);

  it('no output of any scenario above holds a key, except text and JSON under --no-redact', () => {
    guard.assertNoLeaks();
  });
});
