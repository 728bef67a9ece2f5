import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectors, fingerprintOf, redact } from '@shippo-keyguard/core';
import { fakeKey, jsx, keyPrefix, runRuleTests, spanOf, ts, tsx } from '../testing/rule-tester.js';
import rule from './no-hardcoded-key.js';
import { messageIdFor } from '../key-message.js';

const live = fakeKey('live', 'no-hardcoded-key');
const test = fakeKey('test', 'no-hardcoded-key');
const old32 = fakeKey('live', 'no-hardcoded-key-32', 32);
const b64 = Buffer.from(live).toString('base64');
const verifiedLive = fakeKey('live', 'verified-live');
const verifiedDead = fakeKey('live', 'verified-dead');
const expired = fakeKey('live', 'verified-expired');

// The CLI's verification cache, in a temp dir: the rule reads it, never the network.
const cacheHome = mkdtempSync(join(tmpdir(), 'skg-cache-'));
process.env['XDG_CACHE_HOME'] = cacheHome;
const cacheDir = join(cacheHome, 'shippo-keyguard', 'verify', 'v1');
mkdirSync(cacheDir, { recursive: true });
const entry = (status: string, expiresAt: string) => JSON.stringify({ status, checkedAt: '2026-01-01T00:00:00Z', expiresAt });
writeFileSync(join(cacheDir, `${fingerprintOf(verifiedLive)}.json`), entry('live', '2999-01-01T00:00:00Z'));
writeFileSync(join(cacheDir, `${fingerprintOf(verifiedDead)}.json`), entry('dead', '2999-01-01T00:00:00Z'));
writeFileSync(join(cacheDir, `${fingerprintOf(expired)}.json`), entry('live', '2000-01-01T00:00:00Z'));

const KEY_LENGTH = 52;
const liveData = { preview: redact(live), kind: 'live', verdict: '' };
const testData = { preview: redact(test), kind: 'test', verdict: '' };
const env = (output: string, envVar = 'SHIPPO_API_KEY') => [{ messageId: 'useEnvVar', data: { envVar }, output }];
/** One error on `line` from `column`, `length` characters long. */
const at = (line: number, column: number, length = KEY_LENGTH) => ({ line, column, endLine: line, endColumn: column + length });

runRuleTests('no-hardcoded-key', rule, {
  valid: [
    'const key = process.env.SHIPPO_API_KEY;',
    'const key = "hello world";',
    `const placeholder = "${keyPrefix('test')}xxx";`,
    `const doc = "${keyPrefix('live')}<your key>";`,
    { code: `const k = "${test}";`, options: [{ checkTestKeys: false }] },
    `const k = "${live}"; // shippo-keyguard:allow`,
    `// shippo-keyguard:allow-next-line\nconst k = "${live}";`,
    `const k = "${live}"; // gitleaks:allow`,
    `// pragma: allowlist nextline secret\nconst k = "${live}";`,
    { code: `const k = "${live}"; // shippo-keyguard:allow`, options: [{ foreignAllow: false }], name: 'foreignAllow: false keeps our own marker' },
    { code: `const k = "x${live}";`, name: 'glued to a word character: not a key' },
  ],
  invalid: [
    {
      name: 'double-quoted string, suggestion to read the environment',
      code: `const k = "${live}";`,
      errors: [{ messageId: 'liveKey', data: liveData, ...at(1, 12), suggestions: env('const k = process.env.SHIPPO_API_KEY;') }],
    },
    {
      name: 'single-quoted string with envVar option',
      code: `const k = '${live}';`,
      options: [{ envVar: 'SHIPPO_KEY' }],
      errors: [{ messageId: 'liveKey', ...at(1, 12), suggestions: env('const k = process.env.SHIPPO_KEY;', 'SHIPPO_KEY') }],
    },
    {
      name: 'test key has its own message',
      code: `client({ apiKey: '${test}' });`,
      errors: [{ messageId: 'testKey', data: testData, ...at(1, 19), suggestions: env('client({ apiKey: process.env.SHIPPO_API_KEY });') }],
    },
    {
      name: 'line comment',
      code: `// key: ${live}\nrun();`,
      errors: [{ messageId: 'liveKey', ...at(1, 9), suggestions: [] }],
    },
    {
      name: 'JSDoc',
      code: `/**\n * @example client('${test}')\n */\nfunction f() {}`,
      errors: [{ messageId: 'testKey', ...at(2, 21), suggestions: [] }],
    },
    {
      name: 'template literal, whole value',
      code: `const k = \`${live}\`;`,
      errors: [{ messageId: 'liveKey', ...at(1, 12), suggestions: env('const k = process.env.SHIPPO_API_KEY;') }],
    },
    {
      name: 'template literal with an expression: no suggestion',
      code: `const h = \`ShippoToken ${live} \${x}\`;`,
      errors: [{ messageId: 'liveKey', ...at(1, 24), suggestions: [] }],
    },
    {
      name: 'regular expression literal',
      code: `const r = /${live}/u;`,
      errors: [{ messageId: 'liveKey', ...at(1, 12), suggestions: [] }],
    },
    {
      name: 'JSX attribute: the suggestion adds braces',
      code: `const el = <Client apiKey="${live}" />;`,
      ...jsx,
      errors: [{ messageId: 'liveKey', ...at(1, 28), suggestions: env('const el = <Client apiKey={process.env.SHIPPO_API_KEY} />;') }],
    },
    {
      name: 'JSX expression container',
      code: `const el = <Client apiKey={'${test}'} />;`,
      ...jsx,
      errors: [{ messageId: 'testKey', ...at(1, 29), suggestions: env('const el = <Client apiKey={process.env.SHIPPO_API_KEY} />;') }],
    },
    {
      name: 'JSX text',
      code: `const el = <p>Your key: ${live}</p>;`,
      ...jsx,
      errors: [{ messageId: 'liveKey', ...at(1, 25), suggestions: [] }],
    },
    {
      name: 'after multi-byte characters (columns count UTF-16 code units)',
      code: `const s = "日本語 ${live}"; // 🔑 ${test}`,
      errors: [
        { messageId: 'liveKey', ...at(1, 16), suggestions: [] },
        { messageId: 'testKey', ...at(1, 16 + KEY_LENGTH + 9), suggestions: [] },
      ],
    },
    {
      name: 'CRLF lines',
      code: `const a = 1;\r\nconst k = "${live}";\r\n// ${test}\r\n`,
      errors: [
        { messageId: 'liveKey', ...at(2, 12), suggestions: env('const a = 1;\r\nconst k = process.env.SHIPPO_API_KEY;\r\n// ' + test + '\r\n') },
        { messageId: 'testKey', ...at(3, 4), suggestions: [] },
      ],
    },
    {
      name: 'base64-encoded key',
      code: `const auth = "${b64}";`,
      errors: [{ messageId: 'base64Key', data: { ...liveData, preview: redact(live), encoding: 'Base64' }, ...at(1, 15, 70), suggestions: [] }],
    },
    {
      name: 'old 32-hex style key',
      code: `const k = "${old32}";`,
      errors: [{ messageId: 'nonstandardKey', data: { preview: redact(old32), kind: 'live', verdict: '' }, ...at(1, 12, 44), suggestions: env('const k = process.env.SHIPPO_API_KEY;') }],
    },
    {
      name: 'a 41st hex character makes it a nonstandard-length key, not a 40-hex one',
      code: `const k = "${live}1";`,
      errors: [{ messageId: 'nonstandardKey', data: { preview: redact(`${live}1`), kind: 'live', verdict: '' }, ...at(1, 12, 53), suggestions: env('const k = process.env.SHIPPO_API_KEY;') }],
    },
    {
      name: 'two keys on one line, in order',
      code: `f("${live}", "${test}");`,
      errors: [
        { messageId: 'liveKey', ...at(1, 4), suggestions: env(`f(process.env.SHIPPO_API_KEY, "${test}");`) },
        { messageId: 'testKey', ...at(1, 60), suggestions: env(`f("${live}", process.env.SHIPPO_API_KEY);`) },
      ],
    },
    {
      name: 'property name: reported, not replaced',
      code: `const o = { "${live}": 1 };`,
      errors: [{ messageId: 'liveKey', ...at(1, 14), suggestions: [] }],
    },
    {
      name: 'test keys are skipped, live keys still reported with checkTestKeys: false',
      code: `const a = "${test}", b = "${live}";`,
      options: [{ checkTestKeys: false }],
      errors: [{ messageId: 'liveKey', ...at(1, 72), suggestions: env(`const a = "${test}", b = process.env.SHIPPO_API_KEY;`) }],
    },
    {
      name: 'foreignAllow: false ignores gitleaks:allow',
      code: `const k = "${live}"; // gitleaks:allow`,
      options: [{ foreignAllow: false }],
      errors: [{ messageId: 'liveKey', ...at(1, 12), suggestions: env('const k = process.env.SHIPPO_API_KEY; // gitleaks:allow') }],
    },
    {
      name: 'foreignAllow: false ignores pragma: allowlist secret',
      code: `// pragma: allowlist nextline secret\nconst k = "${test}"; /* pragma: allowlist secret */`,
      options: [{ foreignAllow: false }],
      errors: [{ messageId: 'testKey', ...at(2, 12), suggestions: env('// pragma: allowlist nextline secret\nconst k = process.env.SHIPPO_API_KEY; /* pragma: allowlist secret */') }],
    },
    {
      name: 'an allow comment for another line does not allow this one',
      code: `// shippo-keyguard:allow\nconst k = "${live}";`,
      errors: [{ messageId: 'liveKey', ...at(2, 12), suggestions: env('// shippo-keyguard:allow\nconst k = process.env.SHIPPO_API_KEY;') }],
    },
    {
      name: 'verification cache: verified live',
      code: `// ${verifiedLive}`,
      errors: [{ messageId: 'liveKey', data: { preview: redact(verifiedLive), kind: 'live', verdict: ' (verified live)' }, ...at(1, 4), suggestions: [] }],
    },
    {
      name: 'verification cache: verified dead',
      code: `// ${verifiedDead}`,
      errors: [{ messageId: 'liveKey', data: { preview: redact(verifiedDead), kind: 'live', verdict: ' (verified dead)' }, ...at(1, 4), suggestions: [] }],
    },
    {
      name: 'verification cache: an expired entry says nothing',
      code: `// ${expired}`,
      errors: [{ messageId: 'liveKey', data: { preview: redact(expired), kind: 'live', verdict: '' }, ...at(1, 4), suggestions: [] }],
    },
    // TypeScript syntax, typescript-eslint's parser
    {
      name: 'TS: typed declaration',
      code: `const k: string = "${live}";`,
      ...ts,
      errors: [{ messageId: 'liveKey', ...at(1, 20), suggestions: env('const k: string = process.env.SHIPPO_API_KEY;') }],
    },
    {
      name: 'TS: literal type is not a value',
      code: `type K = "${live}";`,
      ...ts,
      errors: [{ messageId: 'liveKey', ...at(1, 11), suggestions: [] }],
    },
    {
      // \`enum E { A = process.env.X }\` is TS18033 and \`process.env.X as const\` is TS1355: no suggestion there.
      name: 'TS: enum initializer and as const are reported, not replaced; a class field is replaced',
      code: `enum E { A = "${live}" }\nconst c = '${test}' as const;\nclass C { private k = \`${test}\`; }`,
      ...ts,
      errors: [
        { messageId: 'liveKey', ...at(1, 15), suggestions: [] },
        { messageId: 'testKey', ...at(2, 12), suggestions: [] },
        { messageId: 'testKey', ...at(3, 24), suggestions: env(`enum E { A = "${live}" }\nconst c = '${test}' as const;\nclass C { private k = process.env.SHIPPO_API_KEY; }`) },
      ],
    },
    {
      // TS1254: a const initializer in an ambient context must be a literal.
      name: 'TS: ambient declarations (declare, declare namespace) are reported, not replaced',
      code: `declare const k = '${live}';\ndeclare namespace N { const j = '${test}'; }\nconst v = '${test}';`,
      ...ts,
      errors: [
        { messageId: 'liveKey', ...at(1, 20), suggestions: [] },
        { messageId: 'testKey', ...at(2, 34), suggestions: [] },
        { messageId: 'testKey', ...at(3, 12), suggestions: env(`declare const k = '${live}';\ndeclare namespace N { const j = '${test}'; }\nconst v = process.env.SHIPPO_API_KEY;`) },
      ],
    },
    {
      name: 'TS: a .d.ts file is ambient: reported, not replaced',
      code: `export const k = '${live}';`,
      ...ts,
      filename: 'types.d.ts',
      errors: [{ messageId: 'liveKey', ...at(1, 19), suggestions: [] }],
    },
    {
      name: 'TS: <const> assertion is reported, not replaced',
      code: `const c = <const>'${live}';`,
      ...ts,
      errors: [{ messageId: 'liveKey', ...at(1, 19), suggestions: [] }],
    },
    {
      name: 'TS: member names in interfaces and classes are reported, not replaced',
      code: `interface I { '${live}'(): void }\nabstract class B { abstract '${test}': string; abstract '${live}'(): void; accessor '${test}' = 1; }`,
      ...ts,
      errors: [
        { messageId: 'liveKey', ...spanOf(`interface I { '${live}'(): void }`, live), suggestions: [] },
        { messageId: 'testKey', ...at(2, 30), suggestions: [] },
        { messageId: 'liveKey', ...at(2, 30 + KEY_LENGTH + 21), suggestions: [] },
        { messageId: 'testKey', ...at(2, 30 + 2 * KEY_LENGTH + 21 + 21), suggestions: [] },
      ],
    },
    {
      name: 'module export and import names are reported, not replaced',
      code: `import { '${live}' as a } from 'x';\nconst c = 1; export { c as '${test}' };\nexport { '${test}' as b } from 'y';`,
      errors: [
        { messageId: 'liveKey', ...at(1, 11), suggestions: [] },
        { messageId: 'testKey', ...at(2, 29), suggestions: [] },
        { messageId: 'testKey', ...at(3, 11), suggestions: [] },
      ],
    },
    {
      name: 'import attributes are reported, not replaced',
      code: `import j from 'x' with { type: '${live}' };\nimport k from 'y' with { '${test}': 'json' };`,
      errors: [
        { messageId: 'liveKey', ...at(1, 33), suggestions: [] },
        { messageId: 'testKey', ...at(2, 27), suggestions: [] },
      ],
    },
    {
      name: 'TS: a directive prologue string is reported, not replaced; a later expression statement is replaced',
      code: `'${live}';\nconst a = 1;\n'${test}';`,
      ...ts,
      errors: [
        { messageId: 'liveKey', ...at(1, 2), suggestions: [] },
        { messageId: 'testKey', ...at(3, 2), suggestions: env(`'${live}';\nconst a = 1;\nprocess.env.SHIPPO_API_KEY;`) },
      ],
    },
    {
      name: 'TSX: attribute and generic component',
      code: `const el = <Client<Props> apiKey="${live}" />;`,
      ...tsx,
      errors: [{ messageId: 'liveKey', ...at(1, 35), suggestions: env('const el = <Client<Props> apiKey={process.env.SHIPPO_API_KEY} />;') }],
    },
  ],
});

describe('messages come from the detector catalogue', () => {
  const match = { start: 0, end: 1, key: live, kind: 'live' as const };
  it('picks the message by how the catalogue describes a match, never by detector id', () => {
    for (const d of detectors) {
      const expected = d.describedAs === 'encoded-key' ? 'base64Key' : d.describedAs === 'key-like' ? 'nonstandardKey' : 'liveKey';
      expect(messageIdFor({ detector: d, match }), d.id).toBe(expected);
    }
    // A detector with another id but the nonstandard detector's description gets its message.
    const renamed = { ...detectors.find((d) => d.describedAs === 'key-like')!, id: 'shippo-key-renamed' };
    expect(messageIdFor({ detector: renamed, match })).toBe('nonstandardKey');
    expect(messageIdFor({ detector: { ...renamed, describedAs: 'key' }, match: { ...match, kind: 'test' } })).toBe('testKey');
  });
});
