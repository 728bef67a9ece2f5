import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../support/cli.js';
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

let dir: string;
beforeAll(() => {
  dir = makeTree(Object.fromEntries(cases.map((c, i) => [`case-${i}.txt`, c.text])));
});
afterAll(() => cleanup(dir));

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

describe('every output above', () => {
  it('holds no key', () => guard.assertNoLeaks());
});
