import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { findKeys, fingerprintOf, inlineAllowMarker, redact } from '@shippo-keyguard/core';
import { reported } from '../key-filter.js';
import { messageIdFor, type KeyMessageId } from '../key-message.js';
import { readCachedVerification } from '@shippo-keyguard/core/cache';
import { createRule } from '../create-rule.js';
import { textFacts } from '../prefilter.js';
import { projectConfigFor, skipsKeysIn } from '../project-config.js';
import { scanTextOf } from '../virtual-text.js';

export type MessageIds = KeyMessageId | 'useEnvVar' | 'invalidConfig';
export type Options = [{ checkTestKeys?: boolean; envVar?: string; foreignAllow?: boolean }];

/** Parents under which a string literal is not a value (a property name, an import path or name, a type). */
const NOT_A_VALUE = new Set([
  'ImportDeclaration',
  'ExportAllDeclaration',
  'ExportNamedDeclaration',
  'ImportExpression',
  'ImportSpecifier',
  'ExportSpecifier',
  'ImportAttribute',
  // TS: an enum member's name, and its initializer (a string enum needs a constant: TS18033).
  'TSEnumMember',
  'TSLiteralType',
  'TSExternalModuleReference',
  'TSImportType',
  'TSModuleDeclaration',
]);

/** The catalogue's encoding as a message names it (`base64` -> `Base64`). */
function encodingName(encoding: string | undefined): string {
  return encoding === undefined ? '' : encoding.charAt(0).toUpperCase() + encoding.slice(1);
}

/** ` (verified live)` when the CLI's verification cache knows the key: a file read, never the network. */
function verdictFor(key: string): string {
  const cached = readCachedVerification(fingerprintOf(key));
  return cached ? ` (verified ${cached.status})` : '';
}

function isConstType(type: TSESTree.TypeNode): boolean {
  return type.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && type.typeName.name === 'const';
}

/** TS declarations with no run-time value (`declare …`, inside `declare namespace`, a `.d.ts` file): only a literal may stand there (TS1254). */
function isAmbient(node: TSESTree.Node, filename: string): boolean {
  if (/\.d\.[cm]?ts$/.test(filename)) return true;
  // Program's parent is null in espree, undefined in typescript-eslint.
  for (let n: TSESTree.Node | null | undefined = node.parent; n != null; n = n.parent) {
    if ('declare' in n && n.declare === true) return true;
  }
  return false;
}

/** The string literal (or expression-free template) whose whole value is the key, if any. */
function wholeValueLiteral(
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  offset: number,
  key: string,
): TSESTree.StringLiteral | TSESTree.TemplateLiteral | undefined {
  const node = sourceCode.getNodeByRangeIndex(offset) as TSESTree.Node | null;
  if (node === null) return undefined;
  let candidate: TSESTree.StringLiteral | TSESTree.TemplateLiteral | undefined;
  if (node.type === 'Literal' && typeof node.value === 'string' && node.value === key) candidate = node as TSESTree.StringLiteral;
  else if (node.type === 'TemplateElement' && node.parent.type === 'TemplateLiteral') {
    const template = node.parent;
    if (template.expressions.length === 0 && node.value.cooked === key && template.parent.type !== 'TaggedTemplateExpression') {
      candidate = template;
    }
  }
  if (candidate === undefined) return undefined;
  const parent = candidate.parent;
  if (parent === undefined || NOT_A_VALUE.has(parent.type)) return undefined;
  // A property or member name (`{ 'shippo_…': 1 }`, class and interface members) or a directive is not a value to replace.
  if ('key' in parent && parent.key === candidate && !('computed' in parent && parent.computed)) return undefined;
  if (parent.type === 'ExpressionStatement' && parent.directive !== undefined) return undefined;
  // `as const` and `<const>` accept only literals (TS1355).
  if ((parent.type === 'TSAsExpression' || parent.type === 'TSTypeAssertion') && isConstType(parent.typeAnnotation)) return undefined;
  if (isAmbient(candidate, filename)) return undefined;
  return candidate;
}

export default createRule<Options, MessageIds>({
  name: 'no-hardcoded-key',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow Shippo API keys anywhere in source: strings, templates, JSX, regular expressions and comments.',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      liveKey:
        'Hard-coded Shippo live key {{preview}}{{verdict}}. Anyone who can read this file or its history can use it: rotate it in the Shippo dashboard and read it from the environment.',
      testKey: 'Hard-coded Shippo test key {{preview}}{{verdict}}. Read it from the environment instead of the source.',
      base64Key:
        '{{encoding}}-encoded Shippo {{kind}} key {{preview}}{{verdict}}. {{encoding}} is not encryption: rotate the key and keep it in a secret store.',
      nonstandardKey:
        'Shippo-style {{kind}} key {{preview}} of unusual length{{verdict}} (an old format, a truncated key or an example). If it is real, rotate it and read it from the environment.',
      useEnvVar: 'Replace the key with process.env.{{envVar}}.',
      invalidConfig: 'shippo-keyguard configuration not used: {{problem}}',
    },
    schema: [
      {
        type: 'object',
        properties: {
          checkTestKeys: { type: 'boolean', description: 'Report test-mode keys too.' },
          envVar: {
            type: 'string',
            pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$',
            description: 'Environment variable the suggestion reads the key from.',
          },
          foreignAllow: {
            type: 'boolean',
            description: 'Honour other tools\' allow comments (gitleaks:allow, pragma: allowlist secret), as the CLI does unless --no-foreign-allow.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ checkTestKeys: true, envVar: 'SHIPPO_API_KEY', foreignAllow: true }],
  create(context, [options]) {
    // The whole cost for a file without a key: a literal search per needle, no listener.
    if (!textFacts(context.sourceCode).mayHoldKey) return {};
    const checkTestKeys = options.checkTestKeys ?? true;
    const envVar = options.envVar ?? 'SHIPPO_API_KEY';
    const foreign = options.foreignAllow ?? true;
    return {
      Program(program) {
        // A git-ignored file (a local .env) is skipped, as by `scan .`.
        if (skipsKeysIn(context)) return;
        // The CLI's configuration file, read once per process: only now that a key is possible.
        const project = projectConfigFor(context);
        if (project.error !== undefined) {
          // Report and go on without it: a broken file must not hide keys.
          context.report({ node: program, loc: { line: 1, column: 0 }, messageId: 'invalidConfig', data: { problem: project.error } });
        } else if (project.triage.ignored) return;
        const triage = project.triage;
        const { text, base, virtual } = scanTextOf(context);
        const { sourceCode } = context;
        for (const raw of findKeys(text)) {
          const { match } = raw;
          if (match.kind === 'test' && !checkTestKeys) continue;
          // The engine's filter, as for the CLI: allow comments on the same text, the
          // configuration's detectors and allowed keys, the baseline. ESLint's severity comes from
          // the ESLint config (its configs set `error`, the engine's level for an unverified key).
          if (!reported(raw, inlineAllowMarker(text, match.start), triage?.rules ?? {}, foreign)) continue;
          const start = base + match.start;
          const end = base + match.end;
          const literal = virtual || raw.detector.describedAs === 'encoded-key' ? undefined : wholeValueLiteral(sourceCode, context.filename, start, match.key);
          const replacement =
            literal?.parent?.type === 'JSXAttribute' ? `{process.env.${envVar}}` : `process.env.${envVar}`;
          context.report({
            loc: { start: sourceCode.getLocFromIndex(start), end: sourceCode.getLocFromIndex(end) },
            messageId: messageIdFor(raw),
            data: { preview: redact(match.key), kind: match.kind, verdict: verdictFor(match.key), encoding: encodingName(raw.detector.encoding) },
            suggest: literal
              ? [{ messageId: 'useEnvVar', data: { envVar }, fix: (fixer) => fixer.replaceText(literal, replacement) }]
              : null,
          });
        }
      },
    };
  },
});
