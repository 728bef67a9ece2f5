import { runRuleTests, spanOf, ts, tsx } from '../testing/rule-tester.js';
import rule from './no-public-env-key.js';

/** One `publicEnvKey` error on the first occurrence of `name` (after `from`) in `code`. */
const error = (code: string, name: string, prefix: string, from = 0) => ({
  messageId: 'publicEnvKey',
  data: { name, prefix },
  ...spanOf(code, name, from),
});

const cases = (code: string, names: [string, string][], extra: object = {}) => ({
  code,
  ...extra,
  errors: names.map(([name, prefix]) => error(code, name, prefix)),
});

runRuleTests('no-public-env-key', rule, {
  valid: [
    'const key = process.env.SHIPPO_API_KEY;',
    'const url = process.env.NEXT_PUBLIC_API_URL;',
    'const key = import.meta.env.VITE_STRIPE_KEY;',
    'const { SHIPPO_API_KEY } = process.env;',
    'const x = other.env.NEXT_PUBLIC_SHIPPO_KEY;',
    'const x = process.environment.NEXT_PUBLIC_SHIPPO_KEY;',
    { code: 'const x = process.env.VITE_SHIPPO_KEY;', options: [{ prefixes: ['NEXT_PUBLIC_'] }] },
    { code: 'const { NEXT_PUBLIC_SHIPPO_CARRIER_ID: id } = process.env;', options: [{ allow: ['NEXT_PUBLIC_SHIPPO_CARRIER_ID'] }] },
    'const NEXT_PUBLIC_SHIPPO_KEY = 1;',
    'const { env: { NEXT_PUBLIC_SHIPPO_KEY } } = other;',
    'const { other: { NEXT_PUBLIC_SHIPPO_KEY } } = process;',
    'const { env: { NEXT_PUBLIC_SHIPPO_KEY } } = process.env;',
    'function f({ NEXT_PUBLIC_SHIPPO_KEY } = other) {}',
    { code: 'const a = (other.env as Record<string, string>).NEXT_PUBLIC_SHIPPO_KEY;', ...ts },
  ],
  invalid: [
    {
      name: 'process.env.X: exact span of the name',
      code: 'const key = process.env.NEXT_PUBLIC_SHIPPO_KEY;',
      errors: [{ messageId: 'publicEnvKey', data: { name: 'NEXT_PUBLIC_SHIPPO_KEY', prefix: 'NEXT_PUBLIC_' }, line: 1, column: 25, endLine: 1, endColumn: 47 }],
    },
    {
      name: "process.env['X'] and process.env[`X`]",
      code: "const a = process.env['REACT_APP_SHIPPO_TOKEN'];\nconst b = process.env[`GATSBY_SHIPPO_KEY`];",
      errors: [
        { messageId: 'publicEnvKey', data: { name: 'REACT_APP_SHIPPO_TOKEN', prefix: 'REACT_APP_' }, line: 1, column: 23, endLine: 1, endColumn: 47 },
        { messageId: 'publicEnvKey', data: { name: 'GATSBY_SHIPPO_KEY', prefix: 'GATSBY_' }, line: 2, column: 23, endLine: 2, endColumn: 42 },
      ],
    },
    {
      name: 'import.meta.env (Vite, Astro, SvelteKit)',
      code: 'const key = import.meta.env.VITE_SHIPPO_API_KEY;\nconst k2 = import.meta.env.PUBLIC_SHIPPO_KEY;',
      errors: [
        { messageId: 'publicEnvKey', data: { name: 'VITE_SHIPPO_API_KEY', prefix: 'VITE_' }, line: 1, column: 29, endLine: 1, endColumn: 48 },
        { messageId: 'publicEnvKey', data: { name: 'PUBLIC_SHIPPO_KEY', prefix: 'PUBLIC_' }, line: 2, column: 28, endLine: 2, endColumn: 45 },
      ],
    },
    {
      name: 'the longest prefix names the tool',
      ...cases('const k = process.env.NUXT_PUBLIC_SHIPPO_KEY;', [['NUXT_PUBLIC_SHIPPO_KEY', 'NUXT_PUBLIC_']]),
    },
    {
      name: 'destructuring process.env, with rename and string key',
      code: "const { EXPO_PUBLIC_SHIPPO_KEY, STORYBOOK_SHIPPO_KEY: sb, 'NEXT_PUBLIC_SHIPPO_TEST_KEY': t } = process.env;",
      errors: [
        { messageId: 'publicEnvKey', data: { name: 'EXPO_PUBLIC_SHIPPO_KEY', prefix: 'EXPO_PUBLIC_' }, line: 1, column: 9, endLine: 1, endColumn: 31 },
        { messageId: 'publicEnvKey', data: { name: 'STORYBOOK_SHIPPO_KEY', prefix: 'STORYBOOK_' }, line: 1, column: 33, endLine: 1, endColumn: 53 },
        { messageId: 'publicEnvKey', data: { name: 'NEXT_PUBLIC_SHIPPO_TEST_KEY', prefix: 'NEXT_PUBLIC_' }, line: 1, column: 59, endLine: 1, endColumn: 88 },
      ],
    },
    {
      name: 'destructuring import.meta.env in an assignment',
      ...cases('let k;\n({ VITE_SHIPPO_KEY: k } = import.meta.env);', [['VITE_SHIPPO_KEY', 'VITE_']]),
    },
    {
      name: 'optional chaining',
      ...cases('const k = process?.env?.NEXT_PUBLIC_SHIPPO_KEY;', [['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_']]),
    },
    {
      name: 'lower-case shippo in the rest of the name',
      ...cases('const k = process.env.VITE_shippoKey;', [['VITE_shippoKey', 'VITE_']]),
    },
    {
      name: 'allow: only the names listed',
      ...cases('const id = process.env.NEXT_PUBLIC_SHIPPO_CARRIER_ID;\nconst k = process.env.NEXT_PUBLIC_SHIPPO_KEY;', [['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_']], {
        options: [{ allow: ['NEXT_PUBLIC_SHIPPO_CARRIER_ID'] }],
      }),
    },
    {
      name: 'allow in a non-JS file (a processor block): the listed definition is skipped, the other reported',
      code: '/*NEXT_PUBLIC_SHIPPO_CARRIER_ID=abc\nNEXT_PUBLIC_SHIPPO_KEY=\n*/',
      filename: 'app.env.shippo-keyguard-text',
      options: [{ allow: ['NEXT_PUBLIC_SHIPPO_CARRIER_ID'] }],
      errors: [{ messageId: 'publicEnvKey', data: { name: 'NEXT_PUBLIC_SHIPPO_KEY', prefix: 'NEXT_PUBLIC_' }, line: 2, column: 1, endLine: 2, endColumn: 23 }],
    },
    {
      name: 'custom prefixes option',
      ...cases('const k = process.env.MY_PUBLIC_SHIPPO_KEY;', [['MY_PUBLIC_SHIPPO_KEY', 'MY_PUBLIC_']], { options: [{ prefixes: ['MY_PUBLIC_'] }] }),
    },
    {
      name: 'TS: non-null assertion and typed destructuring',
      ...cases('const a: string = process.env.NEXT_PUBLIC_SHIPPO_KEY!;\nconst { VITE_SHIPPO_KEY }: Record<string, string> = import.meta.env;', [
        ['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_'],
        ['VITE_SHIPPO_KEY', 'VITE_'],
      ], ts),
    },
    {
      name: 'nested destructuring of process and import.meta, with renames and defaults',
      ...cases(
        "const { env: { NEXT_PUBLIC_SHIPPO_KEY } } = process;\nconst { env: { VITE_SHIPPO_KEY: k = '' } = {} } = import.meta;\nlet a;\n({ env: { REACT_APP_SHIPPO_KEY: a } } = process);",
        [
          ['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_'],
          ['VITE_SHIPPO_KEY', 'VITE_'],
          ['REACT_APP_SHIPPO_KEY', 'REACT_APP_'],
        ],
      ),
    },
    {
      name: 'destructuring in a parameter default',
      ...cases('function f({ GATSBY_SHIPPO_KEY } = process.env) {}', [['GATSBY_SHIPPO_KEY', 'GATSBY_']]),
    },
    {
      name: 'TS: process.env behind as, !, satisfies and <T>',
      ...cases(
        'const a = (process.env as Record<string, string>).NEXT_PUBLIC_SHIPPO_KEY;\nconst b = process.env!.VITE_SHIPPO_KEY;\nconst { REACT_APP_SHIPPO_KEY } = process.env as Record<string, string>;\nconst { EXPO_PUBLIC_SHIPPO_KEY } = import.meta.env satisfies object;\nconst c = (<NodeJS.ProcessEnv>process.env).STORYBOOK_SHIPPO_KEY;',
        [
          ['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_'],
          ['VITE_SHIPPO_KEY', 'VITE_'],
          ['REACT_APP_SHIPPO_KEY', 'REACT_APP_'],
          ['EXPO_PUBLIC_SHIPPO_KEY', 'EXPO_PUBLIC_'],
          ['STORYBOOK_SHIPPO_KEY', 'STORYBOOK_'],
        ],
        ts,
      ),
    },
    {
      name: 'TSX: in a component',
      ...cases('export const C = () => <Checkout apiKey={process.env.NEXT_PUBLIC_SHIPPO_KEY as string} />;', [['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_']], tsx),
    },
  ],
});
