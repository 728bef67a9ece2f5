import type { TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../create-rule.js';
import { PUBLIC_ENV_PREFIXES, fencedCodeOnly, publicEnvAssignments, publicShippoPrefix } from '../public-env.js';
import { textFacts } from '../prefilter.js';
import { lazyTriage } from '../project-config.js';
import { scanTextOf } from '../virtual-text.js';

export type MessageIds = 'publicEnvKey';
export type Options = [{ prefixes?: string[]; allow?: string[] }];

/** The expression under optional chaining and TS's `as`, `!`, `satisfies` and `<T>`. */
function unwrap(node: TSESTree.Node): TSESTree.Node {
  while (
    node.type === 'ChainExpression' ||
    node.type === 'TSAsExpression' ||
    node.type === 'TSNonNullExpression' ||
    node.type === 'TSSatisfiesExpression' ||
    node.type === 'TSTypeAssertion'
  ) {
    node = node.expression;
  }
  return node;
}

/** `process` or `import.meta`. */
function isEnvOwner(node: TSESTree.Node): boolean {
  const owner = unwrap(node);
  if (owner.type === 'Identifier') return owner.name === 'process';
  if (owner.type === 'MetaProperty') return owner.meta.name === 'import' && owner.property.name === 'meta';
  return false;
}

/** `process.env` or `import.meta.env`. */
function isEnvObject(node: TSESTree.Node): boolean {
  const env = unwrap(node);
  return env.type === 'MemberExpression' && propertyName(env) === 'env' && isEnvOwner(env.object);
}

/** The expression an object pattern is matched against, where it is written beside it. */
function patternSource(pattern: TSESTree.ObjectPattern): TSESTree.Node | undefined {
  const parent = pattern.parent;
  if (parent?.type === 'VariableDeclarator' && parent.id === pattern) return parent.init ?? undefined;
  // An assignment, or a default (`function f({ X } = process.env)`).
  if ((parent?.type === 'AssignmentExpression' || parent?.type === 'AssignmentPattern') && parent.left === pattern) return parent.right;
  return undefined;
}

/** `{ X } = process.env`, and nested: `{ env: { X } } = process` (the inner pattern may have a default). */
function destructuresEnv(pattern: TSESTree.ObjectPattern): boolean {
  const source = patternSource(pattern);
  if (source !== undefined && isEnvObject(source)) return true;
  const holder = pattern.parent?.type === 'AssignmentPattern' && pattern.parent.left === pattern ? pattern.parent : pattern;
  const property = holder.parent;
  if (property?.type !== 'Property' || property.value !== holder || property.parent.type !== 'ObjectPattern' || keyName(property) !== 'env') return false;
  const outer = patternSource(property.parent);
  return outer !== undefined && isEnvOwner(outer);
}

function keyName(property: TSESTree.Property): string | undefined {
  return !property.computed && property.key.type === 'Identifier' ? property.key.name : staticString(property.key);
}

/** `a.b` and `a['b']` (and `` a[`b`] ``) give `b`. */
function propertyName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  return staticString(node.property);
}

function staticString(node: TSESTree.Node): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

export default createRule<Options, MessageIds>({
  name: 'no-public-env-key',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow reading a Shippo key from an environment variable that front-end build tools inline into browser bundles.',
      recommended: true,
    },
    messages: {
      publicEnvKey:
        '{{name}} is public: build tools inline {{prefix}} variables into the browser bundle, so this Shippo key would ship to every visitor\'s browser. Call Shippo from server code and read the key from a server-only variable such as SHIPPO_API_KEY.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          prefixes: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Prefixes of environment variables that end up in browser bundles.',
          },
          allow: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: 'Public variable names that hold no key (a carrier id, a webhook URL): never reported.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ prefixes: [...PUBLIC_ENV_PREFIXES], allow: [] }],
  create(context, [options]) {
    // Every name this rule reports has `shippo` in it: without it, no listener at all.
    if (!textFacts(context.sourceCode).mentionsShippo) return {};
    const prefixes = options.prefixes ?? PUBLIC_ENV_PREFIXES;
    const allowed = new Set(options.allow);
    const publicPrefix = (name: string) => (allowed.has(name) ? undefined : publicShippoPrefix(name, prefixes));
    // A file the project's configuration ignores gets no report, as from the CLI.
    const triage = lazyTriage(context);
    const check = (name: string | undefined, node: TSESTree.Node) => {
      if (name === undefined) return;
      const prefix = publicPrefix(name);
      if (prefix !== undefined && triage()?.ignored !== true) context.report({ node, messageId: 'publicEnvKey', data: { name, prefix } });
    };
    return {
      Program() {
        // Non-JS files (`.env`, Dockerfile, YAML, ...): variable assignments in the text.
        const { text, base, virtual } = scanTextOf(context);
        if (!virtual) return;
        const { sourceCode } = context;
        // In Markdown only fenced code defines anything; prose that warns about a name does not.
        const searched = /\.(md|markdown)$/i.test(context.physicalFilename) ? fencedCodeOnly(text) : text;
        for (const { name, prefix, offset } of publicEnvAssignments(searched, prefixes)) {
          if (allowed.has(name)) continue;
          if (triage()?.ignored === true) return;
          context.report({
            loc: { start: sourceCode.getLocFromIndex(base + offset), end: sourceCode.getLocFromIndex(base + offset + name.length) },
            messageId: 'publicEnvKey',
            data: { name, prefix },
          });
        }
      },
      MemberExpression(node) {
        if (isEnvObject(node.object)) check(propertyName(node), node.property);
      },
      ObjectPattern(node) {
        // const { NEXT_PUBLIC_SHIPPO_KEY: key } = process.env, ({ ... } = import.meta.env), const { env: { ... } } = process
        if (!destructuresEnv(node)) return;
        for (const property of node.properties) {
          if (property.type === 'Property') check(keyName(property), property.key);
        }
      },
    };
  },
});
