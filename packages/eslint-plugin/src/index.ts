import { readFileSync } from 'node:fs';
import type { ESLint, Linter, Rule } from 'eslint';
import { keysProcessor } from './processor.js';
import noHardcodedKey from './rules/no-hardcoded-key.js';
import noKeyInUrl from './rules/no-key-in-url.js';
import noPublicEnvKey from './rules/no-public-env-key.js';
import { VIRTUAL_EXTENSION } from './virtual-text.js';

export { PUBLIC_ENV_PREFIXES } from './public-env.js';
export { toVirtualText } from './processor.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** The prefix rules are used under: `shippo-keyguard/no-hardcoded-key`. */
export const PLUGIN_NAMESPACE = 'shippo-keyguard';

export const rules = {
  'no-hardcoded-key': noHardcodedKey,
  'no-key-in-url': noKeyInUrl,
  'no-public-env-key': noPublicEnvKey,
};

export type RuleName = keyof typeof rules;

/** The file names `configs['all-files']` lints for keys through the processor. */
export const ALL_FILES_PATTERNS = [
  '**/.env*',
  '**/*.env',
  '**/*.json',
  '**/*.jsonc',
  '**/*.json5',
  '**/*.yaml',
  '**/*.yml',
  '**/*.toml',
  '**/*.md',
  '**/*.markdown',
  '**/Dockerfile*',
  '**/*.dockerfile',
  '**/*.Dockerfile',
  '**/*.properties',
];

function recommendedRules(): Linter.RulesRecord {
  const record: Linter.RulesRecord = {};
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.meta.docs?.recommended) record[`${PLUGIN_NAMESPACE}/${name}`] = 'error';
  }
  return record;
}

/** An `ESLint.Plugin`, so `plugins: { 'shippo-keyguard': keyguard }` type-checks in a user's `eslint.config.ts`. */
export interface KeyguardPlugin extends ESLint.Plugin {
  readonly meta: { readonly name: string; readonly version: string };
  /** The same rule objects as the `rules` export, typed as ESLint's own (that export has typescript-eslint's types). */
  readonly rules: Readonly<Record<RuleName, Rule.RuleModule>>;
  readonly processors: { readonly keys: typeof keysProcessor };
  readonly configs: {
    /** Flat config object: the recommended rules for the JS/TS files your config lints. */
    readonly recommended: Linter.Config;
    /** Flat config array: lint `.env*`, JSON, YAML, TOML, Markdown, Dockerfiles and `.properties` for keys too. */
    readonly 'all-files': Linter.Config[];
    /** `.eslintrc` (ESLint 8.57): `extends: ['plugin:shippo-keyguard/legacy-recommended']`. */
    readonly 'legacy-recommended': Linter.LegacyConfig;
    /** `.eslintrc` (ESLint 8.57): `extends: ['plugin:shippo-keyguard/legacy-all-files']`, the same files as `all-files`. */
    readonly 'legacy-all-files': Linter.LegacyConfig;
  };
}

// typescript-eslint's rule types and ESLint's differ only in their declarations.
const plugin: KeyguardPlugin = {
  meta: { name: pkg.name, version: pkg.version },
  rules: rules as unknown as KeyguardPlugin['rules'],
  processors: { keys: keysProcessor },
  configs: { recommended: {}, 'all-files': [], 'legacy-recommended': {}, 'legacy-all-files': {} },
};

/**
 * ESLint 8's `eslint <dir>` skips every `overrides` entry with a pattern that ends in `*`
 * (`**\/.env*`, `**\/Dockerfile*`); the same files written as `{,*}` are linted.
 */
function legacyPattern(pattern: string): string {
  return pattern.endsWith('*') ? `${pattern.slice(0, -1)}{,*}` : pattern;
}

/** Every rule at `error`: what the processor's virtual blocks (one per non-JS file) get. */
const allRulesOn: Linter.RulesRecord = Object.fromEntries(Object.keys(rules).map((name) => [`${PLUGIN_NAMESPACE}/${name}`, 'error']));

Object.assign(plugin.configs, {
  recommended: {
    name: `${PLUGIN_NAMESPACE}/recommended`,
    plugins: { [PLUGIN_NAMESPACE]: plugin },
    rules: recommendedRules(),
  },
  'all-files': [
    {
      name: `${PLUGIN_NAMESPACE}/all-files/processor`,
      files: ALL_FILES_PATTERNS,
      plugins: { [PLUGIN_NAMESPACE]: plugin },
      processor: `${PLUGIN_NAMESPACE}/keys`,
    },
    {
      // The processor's virtual blocks (one per file): every rule, no inline config from file text.
      name: `${PLUGIN_NAMESPACE}/all-files/blocks`,
      files: [`**/*${VIRTUAL_EXTENSION}`],
      plugins: { [PLUGIN_NAMESPACE]: plugin },
      linterOptions: { noInlineConfig: true },
      rules: allRulesOn,
    },
  ],
  // ESLint's own advice for plugins that serve both config systems: the unprefixed names are flat
  // configs (ESLint 9 and 10's only format), eslintrc versions carry a `legacy-` prefix.
  'legacy-recommended': {
    plugins: [PLUGIN_NAMESPACE],
    rules: recommendedRules(),
  },
  'legacy-all-files': {
    plugins: [PLUGIN_NAMESPACE],
    overrides: [
      { files: ALL_FILES_PATTERNS.map(legacyPattern), processor: `${PLUGIN_NAMESPACE}/keys` },
      { files: [`**/*${VIRTUAL_EXTENSION}`], noInlineConfig: true, rules: allRulesOn },
    ],
  },
} satisfies KeyguardPlugin['configs']);

export default plugin;

// `require('eslint-plugin-shippo-keyguard')` (an `eslint.config.cjs`, ESLint 8's plugin loader;
// Node 20.19+ loads ES modules with require) gets the plugin itself, not `{ default: plugin }`.
export { plugin as 'module.exports' };
