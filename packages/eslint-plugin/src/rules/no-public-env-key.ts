import type { TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../create-rule.js';
import { PUBLIC_ENV_PREFIXES, publicEnvAssignments, publicShippoPrefix } from '../public-env.js';
import { textFacts } from '../prefilter.js';
import { lazyTriage } from '../project-config.js';
import { scanTextOf } from '../virtual-text.js';

export type MessageIds = 'publicEnvKey';
export type Options = [{ prefixes?: string[] }];

/** `process.env` or `import.meta.env`. */
function isEnvObject(node: TSESTree.Node): boolean {
  if (node.type === 'ChainExpression') return isEnvObject(node.expression);
  if (node.type !== 'MemberExpression' || propertyName(node) !== 'env') return false;
  const object = node.object;
  if (object.type === 'Identifier') return object.name === 'process';
  if (object.type === 'MetaProperty') return object.meta.name === 'import' && object.property.name === 'meta';
  return false;
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
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ prefixes: [...PUBLIC_ENV_PREFIXES] }],
  create(context, [options]) {
    // Every name this rule reports has `shippo` in it: without it, no listener at all.
    if (!textFacts(context.sourceCode).mentionsShippo) return {};
    const prefixes = options.prefixes ?? PUBLIC_ENV_PREFIXES;
    // A file the project's configuration ignores gets no report, as from the CLI.
    const triage = lazyTriage(context);
    const check = (name: string | undefined, node: TSESTree.Node) => {
      if (name === undefined) return;
      const prefix = publicShippoPrefix(name, prefixes);
      if (prefix !== undefined && triage()?.ignored !== true) context.report({ node, messageId: 'publicEnvKey', data: { name, prefix } });
    };
    return {
      Program() {
        // Non-JS files (`.env`, Dockerfile, YAML, ...): variable assignments in the text.
        const { text, base, virtual } = scanTextOf(context);
        if (!virtual) return;
        const { sourceCode } = context;
        for (const { name, prefix, offset } of publicEnvAssignments(text, prefixes)) {
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
        // const { NEXT_PUBLIC_SHIPPO_KEY: key } = process.env, and ({ ... } = import.meta.env)
        const parent = node.parent;
        const source =
          parent?.type === 'VariableDeclarator' && parent.id === node
            ? parent.init
            : parent?.type === 'AssignmentExpression' && parent.left === node
              ? parent.right
              : null;
        if (source === null || !isEnvObject(source)) return;
        for (const property of node.properties) {
          if (property.type !== 'Property') continue;
          const key = property.key;
          check(!property.computed && key.type === 'Identifier' ? key.name : staticString(key), key);
        }
      },
    };
  },
});
