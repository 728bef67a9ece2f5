import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fakeKey, keyPrefix } from '../support/fake-keys.js';

/** What a fixture file should produce, at the first occurrence of `needle` after `after`. */
export interface Expected {
  readonly path: string;
  readonly ruleId: string;
  readonly messageId: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export const keys = {
  live: fakeKey('live', 'fixture-live'),
  test: fakeKey('test', 'fixture-test'),
  envLive: fakeKey('live', 'fixture-env'),
  jsonLive: fakeKey('live', 'fixture-json'),
  yamlLive: fakeKey('live', 'fixture-yaml'),
  old32: fakeKey('test', 'fixture-old', 32),
  mdTest: fakeKey('test', 'fixture-md'),
  dockerLive: fakeKey('live', 'fixture-docker'),
  propsTest: fakeKey('test', 'fixture-props'),
  urlLive: fakeKey('live', 'fixture-url'),
  allowed: fakeKey('live', 'fixture-allowed'),
};
const b64 = Buffer.from(keys.yamlLive).toString('base64');

/**
 * A whole .env file in base64 wrapped at 76 columns and indented in a YAML block, with the key's
 * encoding running over a line break; `span` is the text from its first to its last encoded byte.
 */
function wrappedBase64Secret(key: string): { text: string; span: string } {
  const env = `# ${'x'.repeat(19)}\nSHIPPO_API_KEY=${key}\n`;
  const head = 'apiVersion: v1\nkind: Secret\nstringData: {}\ndata:\n  env: |\n';
  const text = `${head}${Buffer.from(env)
    .toString('base64')
    .match(/.{1,76}/g)!
    .map((line) => `    ${line}\n`)
    .join('')}`;
  const at: number[] = [];
  for (let i = head.length; i < text.length; i++) if (/[A-Za-z0-9+/]/.test(text.charAt(i))) at.push(i);
  const first = env.indexOf(key);
  const last = first + key.length - 1;
  const span = text.slice(at[Math.floor((first * 8) / 6)], at[Math.floor((last * 8 + 7) / 6)]! + 1);
  if (!span.includes('\n')) throw new Error('the key does not run over a line break');
  return { text, span };
}
const wrapped = wrappedBase64Secret(keys.yamlLive);

/**
 * Line and column (1-based, UTF-16, LF/CRLF/CR lines; a leading byte order mark takes no column,
 * as in editors) of `needle` in `text`, written independently of the engine.
 */
export function spanOf(text: string, needle: string, after = 0) {
  const start = text.indexOf(needle, after);
  if (start === -1) throw new Error(`needle not found: ${needle.slice(0, 12)}`);
  const pos = (offset: number) => {
    const lines = text.slice(0, offset).replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
    return { line: lines.length, column: (lines.at(-1) as string).length + 1 };
  };
  const s = pos(start);
  const e = pos(start + needle.length);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

type Mark = [needle: string, ruleId: string, messageId: string, after?: string];

const K = 'shippo-keyguard/';
const HARD = `${K}no-hardcoded-key`;
const ENV = `${K}no-public-env-key`;
const URL_RULE = `${K}no-key-in-url`;

/** Files of the fixture project, each with what ESLint should report in it. */
function files(): Record<string, { text: string; marks: Mark[] }> {
  const { live, test, envLive, jsonLive, old32, mdTest, dockerLive, propsTest, urlLive, allowed } = keys;
  return {
    'src/client.js': {
      text: [
        "import { Shippo } from 'shippo';",
        '',
        `const shippo = new Shippo({ apiKeyHeader: '${live}' });`,
        `// old key: ${test}`,
        `const note = \`日本語 🔑 \${shippo} ${test}\`;`,
        `fetch(\`https://api.goshippo.com/orders?token=\${process.env.SHIPPO_API_KEY}\`);`,
        `const allowed = '${allowed}'; // shippo-keyguard:allow`,
        '',
      ].join('\n'),
      marks: [
        [live, HARD, 'liveKey'],
        [test, HARD, 'testKey'],
        [test, HARD, 'testKey', 'const note'],
        ['process.env.SHIPPO_API_KEY', URL_RULE, 'keyInUrl'],
      ],
    },
    'src/crlf.js': {
      text: ['const a = 1;', `const url = "https://api.goshippo.com/x?token=${urlLive}";`, ''].join('\r\n'),
      marks: [
        [urlLive, HARD, 'liveKey'],
        [urlLive, URL_RULE, 'keyInUrl'],
      ],
    },
    // Saved with a byte order mark, as some Windows editors do: it takes no column.
    'src/bom.js': {
      text: `\uFEFFconst key = '${live}';\n`,
      marks: [[live, HARD, 'liveKey']],
    },
    'config/bom.json': {
      text: `\uFEFF{ "key": "${test}" }\n`,
      marks: [[test, HARD, 'testKey']],
    },
    'src/app.tsx': {
      text: [
        'type Props = { apiKey: string };',
        `export const App = () => <Checkout<Props> apiKey="${test}" />;`,
        'export const pub = process.env.NEXT_PUBLIC_SHIPPO_KEY as string;',
        '',
      ].join('\n'),
      marks: [
        [test, HARD, 'testKey'],
        ['NEXT_PUBLIC_SHIPPO_KEY', ENV, 'publicEnvKey'],
      ],
    },
    'src/server.ts': {
      text: [`enum Keys { Live = "${live}" }`, `const { VITE_SHIPPO_KEY }: Record<string, string> = import.meta.env;`, ''].join('\n'),
      marks: [
        [live, HARD, 'liveKey'],
        ['VITE_SHIPPO_KEY', ENV, 'publicEnvKey'],
      ],
    },
    '.env': {
      text: [`SHIPPO_API_KEY=${envLive}`, `NEXT_PUBLIC_SHIPPO_KEY=${test}`, `OTHER=${allowed} # shippo-keyguard:allow`, ''].join('\n'),
      marks: [
        [envLive, HARD, 'liveKey'],
        ['NEXT_PUBLIC_SHIPPO_KEY', ENV, 'publicEnvKey'],
        [test, HARD, 'testKey'],
      ],
    },
    'config/settings.json': {
      text: `{\n  "shippo": {\n    "apiKey": "${jsonLive}",\n    "webhook": "https://example.com/hook?token=${jsonLive}"\n  }\n}\n`,
      marks: [
        [jsonLive, HARD, 'liveKey'],
        [jsonLive, HARD, 'liveKey', '"webhook"'],
        [jsonLive, URL_RULE, 'keyInUrl', '"webhook"'],
      ],
    },
    'deploy/secret.yaml': {
      text: `apiVersion: v1\nkind: Secret\ndata:\n  SHIPPO_API_KEY: ${b64}\n`,
      marks: [[b64.slice(0, 70), HARD, 'base64Key']],
    },
    // A key after an escape that stands for a quote: JSON's \u0022 inside a string.
    'config/escaped.json': {
      text: `{ "payload": "{\\u0022apiKey\\u0022:\\u0022${jsonLive}\\u0022}" }\n`,
      marks: [[jsonLive, HARD, 'liveKey']],
    },
    'deploy/wrapped-secret.yaml': {
      text: wrapped.text,
      marks: [[wrapped.span, HARD, 'base64Key']],
    },
    'pyproject.toml': {
      text: `[tool.shippo]\r\napi_key = "${old32}"\r\n`,
      marks: [[old32, HARD, 'nonstandardKey']],
    },
    'README.md': {
      // Line 1 column 1, where the processor's comment opener shifts columns; a star-slash; a U+2028.
      text: `${mdTest} is our test key\n\n/* not a comment end */ \u2028 \`${mdTest}\`\n\n<!-- shippo-keyguard:allow --> ${allowed}\n`,
      marks: [
        [mdTest, HARD, 'testKey'],
        [mdTest, HARD, 'testKey', '*/'],
      ],
    },
    // Prose that warns about a public name defines nothing; a fenced sample a reader copies does.
    'docs/setup.md': {
      text: '# Setup\n\nNever set NEXT_PUBLIC_SHIPPO_KEY: it ships to every browser.\n\n```env\nVITE_SHIPPO_KEY=\n```\n',
      marks: [['VITE_SHIPPO_KEY', ENV, 'publicEnvKey']],
    },
    Dockerfile: {
      text: `FROM node:20\nENV SHIPPO_API_KEY=${dockerLive}\nARG NEXT_PUBLIC_SHIPPO_KEY\nENV NEXT_PUBLIC_SHIPPO_KEY=$NEXT_PUBLIC_SHIPPO_KEY\n`,
      marks: [
        [dockerLive, HARD, 'liveKey'],
        ['NEXT_PUBLIC_SHIPPO_KEY', ENV, 'publicEnvKey', 'ARG NEXT'],
        ['NEXT_PUBLIC_SHIPPO_KEY', ENV, 'publicEnvKey', 'ENV NEXT'],
      ],
    },
    'app.properties': {
      text: `# placeholder: ${keyPrefix('test')}xxx\nshippo.key=${propsTest}\n`,
      marks: [[propsTest, HARD, 'testKey']],
    },
    // docs/eslint.md's `.env*` and `Dockerfile*`: direnv, dashed names, and BuildKit's `name.Dockerfile`.
    '.envrc': {
      text: `export SHIPPO_API_KEY=${envLive}\n`,
      marks: [[envLive, HARD, 'liveKey']],
    },
    'deploy/Dockerfile-dev': {
      text: `FROM node:20\nENV SHIPPO_API_KEY=${dockerLive}\n`,
      marks: [[dockerLive, HARD, 'liveKey']],
    },
    'deploy/api.Dockerfile': {
      text: `FROM node:20\nARG SHIPPO_TEST_KEY=${propsTest}\n`,
      marks: [[propsTest, HARD, 'testKey']],
    },
  };
}

const require = createRequire(import.meta.url);
const pluginEntry = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../packages/eslint-plugin/dist/index.js')).href;
const tsParserEntry = pathToFileURL(require.resolve('typescript-eslint')).href;

/** A flat config file that imports the plugin and typescript-eslint by absolute URL (the project lives in a temp dir). */
export const CONFIG_FILE = `import keyguard from '${pluginEntry}';
import tseslint from '${tsParserEntry}';

export default [
  keyguard.configs.recommended,
  ...keyguard.configs['all-files'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
  },
];
`;

/** Write the fixture project into `dir`; returns what ESLint should report, sorted like ESLint sorts. */
export function writeFixture(dir: string, withConfig = true): Expected[] {
  const expected: Expected[] = [];
  for (const [path, { text, marks }] of Object.entries(files())) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    for (const [needle, ruleId, messageId, after] of marks) {
      const from = after === undefined ? 0 : text.indexOf(after);
      expected.push({ path, ruleId, messageId, ...spanOf(text, needle, from) });
    }
  }
  if (withConfig) writeFileSync(join(dir, 'eslint.config.mjs'), CONFIG_FILE);
  return sortExpected(expected);
}

/** What ESLint reported (any major's lint results), in the shape of `Expected`, sorted. */
export function reportedSpans(
  results: readonly { filePath: string; messages: readonly { ruleId: string | null; messageId?: string; message: string; line: number; column: number; endLine?: number; endColumn?: number }[] }[],
  dir: string,
): Expected[] {
  return sortExpected(
    results.flatMap((r) =>
      r.messages.map((m) => ({
        path: relative(dir, r.filePath),
        ruleId: m.ruleId ?? `fatal: ${m.message}`,
        messageId: m.messageId ?? '',
        line: m.line,
        column: m.column,
        endLine: m.endLine ?? 0,
        endColumn: m.endColumn ?? 0,
      })),
    ),
  );
}

export function sortExpected<T extends Expected>(list: T[]): T[] {
  return list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}
