import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectors } from '@shippo-keyguard/rules';
import { REPO_ROOT, runBin, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { cleanup, columnOf, makeTree } from '../support/tree.js';

/**
 * Recall through the real faces of the CLI: a file (the engine searches bytes and decodes only a
 * window around each hit) and stdin. Each case holds one key and says where it must be found.
 */
const guard = new LeakGuard();
const key = (seed: string, kind: 'live' | 'test' = 'live') => guard.plant(fakeKey(kind, `detection-${seed}`));

interface Case {
  readonly name: string;
  readonly key: string;
  readonly text: string;
  readonly detector: string;
}

const cases: Case[] = [];
function add(name: string, seed: string, build: (k: string) => string, detector = 'shippo-live-key'): void {
  const k = key(seed);
  cases.push({ name, key: k, text: build(k), detector });
}

// Encoded and escaped left contexts: the key follows an escape, not a word.
add('after a URL-encoded = (token%3D)', 'pct-eq', (k) => `GET /hook?payload=token%3D${k}%26x%3D1 HTTP/1.1\n`);
add('after a URL-encoded quote (%22)', 'pct-quote', (k) => `body=%7B%22key%22%3A%22${k}%22%7D\n`);
add('after a JSON \\u0022 escape', 'json-u', (k) => `{"payload": "{\\u0022apiKey\\u0022:\\u0022${k}\\u0022}"}\n`);
add('after a \\x22 escape', 'hex-esc', (k) => `printf "\\x22${k}\\x22"\n`);
add('after an ANSI colour escape (a coloured CI log)', 'ansi', (k) => `\u001b[36mINFO\u001b[0m token \u001b[1;33m${k}\u001b[0m\n`);

/**
 * Base64 wrapped into lines, as `base64` (76 columns, LF) and PEM tools (64 columns, CRLF) write
 * it: a `.env` file encoded whole, the key's encoding running over a line break, at each of the
 * three byte alignments. Start and end are where the key's first and last bytes are encoded.
 */
interface Wrapped {
  readonly name: string;
  readonly key: string;
  readonly text: string;
  readonly start: { line: number; column: number };
  readonly end: { line: number; column: number };
}
const wrapped: Wrapped[] = [];
for (const [width, eol] of [
  [76, '\n'],
  [64, '\r\n'],
] as const) {
  for (const lead of [0, 1, 2]) {
    const k = key(`wrapped-${width}-${lead}`, lead === 1 ? 'test' : 'live');
    const env = `# ${'x'.repeat(18 + lead)}\nSHIPPO_API_KEY=${k}\nOTHER=1\n`;
    const encoded = Buffer.from(env).toString('base64');
    const lines = encoded.match(new RegExp(`.{1,${width}}`, 'g'))!;
    const at = (index: number) => ({ line: Math.floor(index / width) + 1, column: (index % width) + 1 });
    const first = env.indexOf(k);
    const last = first + k.length - 1;
    const start = at(Math.floor((first * 8) / 6));
    const lastChar = at(Math.floor((last * 8 + 7) / 6));
    // The needle (the first 9 characters) stays on one line; the rest runs over the break.
    expect(start.line).toBe(1);
    expect(lastChar.line).toBe(2);
    wrapped.push({
      name: `${width} columns, ${eol === '\n' ? 'LF' : 'CRLF'}, ${lead} byte(s) of alignment`,
      key: k,
      text: `${lines.join(eol)}${eol}`,
      start,
      end: { line: lastChar.line, column: lastChar.column + 1 },
    });
  }
}

/**
 * UTF-16 text, as Windows PowerShell 5's `>` and `Out-File`, `.reg` exports and .NET tools write it:
 * little- and big-endian, with and without a byte order mark.
 */
interface Utf16 {
  readonly name: string;
  readonly key: string;
  readonly bytes: Buffer;
  /** Byte offsets of the key's first and past its last code unit. */
  readonly startOffset: number;
  readonly endOffset: number;
  /** Columns of the key on its line, in the text's own characters (a BOM takes none). */
  readonly startColumn: number;
}
const utf16: Utf16[] = [];
for (const endian of ['LE', 'BE'] as const) {
  for (const bom of [true, false]) {
    const k = key(`utf16-${endian}-${bom}`, endian === 'BE' && !bom ? 'test' : 'live');
    const text = `${bom ? '\uFEFF' : ''}# written by PowerShell\r\nSHIPPO_API_KEY=${k}\r\nOTHER=1\r\n`;
    const le = Buffer.from(text, 'utf16le');
    const bytes = endian === 'LE' ? le : Buffer.from(le).swap16();
    utf16.push({ name: `UTF-16${endian}${bom ? ' with a BOM' : ', no BOM'}`, key: k, bytes, startOffset: 2 * text.indexOf(k), endOffset: 2 * (text.indexOf(k) + k.length), startColumn: columnOf(`SHIPPO_API_KEY=${k}`, k) });
  }
}

describe('keys written back to back', () => {
  it('two keys with no separator are two findings; so is the same key twice', async () => {
    const a = key('glued-a');
    const b = key('glued-b', 'test');
    const text = `KEYS=${a}${b}\nTWICE="${a}${a}"\n`;
    const r = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: text });
    expect(r.exitCode, r.stderr).toBe(1);
    const at = (line: string, k: string, from = 0) => ({ startColumn: line.indexOf(k, from) + 1, endColumn: line.indexOf(k, from) + 1 + k.length });
    const [first, second] = text.split('\n') as [string, string];
    expect(JSON.parse(r.stdout).findings).toMatchObject([
      { detector: 'shippo-live-key', startLine: 1, ...at(first, a) },
      { detector: 'shippo-test-key', startLine: 1, ...at(first, b) },
      { detector: 'shippo-live-key', startLine: 2, ...at(second, a) },
      { detector: 'shippo-live-key', startLine: 2, ...at(second, a, second.indexOf(a) + 1) },
    ]);
  });
});

let dir: string;
beforeAll(() => {
  dir = makeTree({
    ...Object.fromEntries(cases.map((c, i) => [`case-${i}.txt`, c.text])),
    ...Object.fromEntries(wrapped.map((w, i) => [`wrapped-${i}.b64`, w.text])),
    ...Object.fromEntries(utf16.map((u, i) => [`utf16-${i}.env`, u.bytes])),
  });
});
afterAll(() => cleanup(dir));

describe('base64 wrapped with \\n escapes inside a JSON string', () => {
  it('the key is found on stdin (bytes: the engine decodes a window around each hit)', async () => {
    const k = key('wrapped-json');
    const encoded = Buffer.from(`# ${'x'.repeat(20)}\nSHIPPO_API_KEY=${k}\n`).toString('base64');
    const text = `{"kind": "env", "data": "${encoded.match(/.{1,64}/g)!.join('\\r\\n')}"}\n`;
    const plain = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: `k=${k}\n` });
    const expected = { detector: 'shippo-key-base64', startLine: 1, endLine: 1, fingerprint: JSON.parse(plain.stdout).findings[0].fingerprint };
    for (const stdin of [text, Buffer.from(text)]) {
      const r = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout).findings).toMatchObject([expected]);
    }
  });
});

describe('UTF-16 files', () => {
  utf16.forEach((u, i) => {
    it(`${u.name}: the key is found, on its line, with the fingerprint of the key itself`, async () => {
      const plain = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: `k=${u.key}\n` });
      const expected = {
        detector: u.key.includes('_test_') ? 'shippo-test-key' : 'shippo-live-key',
        startLine: 2,
        endLine: 2,
        startColumn: u.startColumn,
        endColumn: u.startColumn + u.key.length,
        startOffset: u.startOffset,
        endOffset: u.endOffset,
        binary: true,
        fingerprint: JSON.parse(plain.stdout).findings[0].fingerprint,
        redacted: JSON.parse(plain.stdout).findings[0].redacted,
      };
      const file = await runCli(['scan', `utf16-${i}.env`, '--format', 'json', '--no-config'], { cwd: dir, guard });
      expect(file.exitCode, file.stderr).toBe(1);
      expect(JSON.parse(file.stdout).findings).toMatchObject([expected]);
      const stdin = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: u.bytes });
      expect(JSON.parse(stdin.stdout).findings).toMatchObject([expected]);
    });
  });

  it('a directory scan (small files packed and searched together) finds every UTF-16 key too', async () => {
    const r = await runCli(['scan', '.', '--format', 'json', '--no-config', '--no-gitignore'], { cwd: dir, guard });
    const found = JSON.parse(r.stdout).findings;
    utf16.forEach((u, i) => {
      expect(found.filter((f: any) => f.path === `utf16-${i}.env`)).toMatchObject([{ startLine: 2, startOffset: u.startOffset }]);
    });
  });

  for (const endian of ['LE', 'BE'] as const) {
    it(`inline allow comments work in UTF-16${endian} too (same line, and the line before with CRLF)`, async () => {
      const k = key(`utf16-allow-${endian}`);
      for (const text of [`\uFEFFKEY=${k} # shippo-keyguard:allow\r\n`, `\uFEFF# shippo-keyguard:allow-next-line\r\nKEY=${k}\r\n`]) {
        const le = Buffer.from(text, 'utf16le');
        const stdin = endian === 'LE' ? le : Buffer.from(le).swap16();
        const r = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin });
        expect(r.exitCode, r.stderr).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report.findings).toEqual([]);
        expect(report.suppressed).toMatchObject([{ detector: 'shippo-live-key', suppression: { by: 'inline' } }]);
      }
    });
  }

  it('a UTF-16 placeholder or a key glued to a word is still no key', async () => {
    const k = key('utf16-glued');
    for (const text of [`KEY=x${k}\r\n`, `KEY=${k}0\r\n`, `KEY=${k.slice(0, 12)}${'0'.repeat(40)}\r\n`]) {
      const r = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: Buffer.from(text, 'utf16le') });
      expect(r.exitCode, r.stderr).toBe(0);
    }
  });
});

describe('base64 wrapped into lines', () => {
  wrapped.forEach((w, i) => {
    it(`${w.name}: the key is found across the line break, in a file and on stdin`, async () => {
      const expected = {
        detector: 'shippo-key-base64',
        kind: w.key.includes('_test_') ? 'test' : 'live',
        startLine: w.start.line,
        startColumn: w.start.column,
        endLine: w.end.line,
        endColumn: w.end.column,
      };
      const file = await runCli(['scan', `wrapped-${i}.b64`, '--format', 'json', '--no-config'], { cwd: dir, guard });
      expect(file.exitCode, file.stderr).toBe(1);
      const report = JSON.parse(file.stdout);
      expect(report.findings).toMatchObject([expected]);
      const stdin = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: w.text });
      expect(JSON.parse(stdin.stdout).findings).toMatchObject([expected]);
      // The same key as in plain text: one fingerprint whichever way it was written.
      const plain = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: `k=${w.key}\n` });
      expect(report.findings[0].fingerprint).toBe(JSON.parse(plain.stdout).findings[0].fingerprint);
    });
  });
});

describe('a key is found wherever it stands', () => {
  cases.forEach((c, i) => {
    it(`${c.name}: in a file and on stdin, at the key's own columns`, async () => {
      const line = c.text.split('\n')[0]!;
      const expected = { detector: c.detector, startLine: 1, startColumn: columnOf(line, c.key), endColumn: columnOf(line, c.key) + c.key.length };
      const file = await runCli(['scan', `case-${i}.txt`, '--format', 'json', '--no-config'], { cwd: dir, guard });
      expect(file.exitCode, file.stderr).toBe(1);
      expect(JSON.parse(file.stdout).findings).toMatchObject([expected]);
      const stdin = await runCli(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: c.text });
      expect(JSON.parse(stdin.stdout).findings).toMatchObject([expected]);
    });
  });

  it('the real bin agrees (one encoded case)', () => {
    const c = cases[0]!;
    const r = runBin(['scan', '-', '--format', 'json', '--no-config'], { cwd: dir, guard, stdin: c.text });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
  });
});

describe('docs/detectors.md', () => {
  it("lists every detector of the catalogue with its default level under 'What counts as a key'", () => {
    const readme = readFileSync(`${REPO_ROOT}docs/detectors.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## What counts as a key'), readme.indexOf('\n## ', readme.indexOf('## What counts as a key') + 1));
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \|.*\| `(error|warning|note)` \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(detectors.map((d) => [d.id, d.level]));
  });
});

describe('every output above', () => {
  it('holds no key', () => guard.assertNoLeaks());
});
