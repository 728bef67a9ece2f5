import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { findKeys, inlineAllowMarker, mayHoldKey, redact, type RawMatch } from '@shippo-keyguard/core';
import { reported } from '../key-filter.js';
import { createRule } from '../create-rule.js';
import { textFacts } from '../prefilter.js';
import { lazyTriage, skipsKeysIn } from '../project-config.js';
import { scanTextOf } from '../virtual-text.js';

export type MessageIds = 'keyInUrl';
export type Options = [{ foreignAllow?: boolean }];

/** A piece of a string being built: literal text (with its offset in the source) or an expression. */
type Part = { readonly text: string; readonly start: number } | { readonly node: TSESTree.Expression };

/** Where a walk through the parts stands: inside a URL or not, past its `?`, on Shippo's host. */
interface UrlState {
  inUrl: boolean;
  inQuery: boolean;
  shippoHost: boolean;
}

const SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\//g;
/** Characters that end a URL inside text. */
const URL_END = /[\s"'`<>]/g;
const SHIPPO_HOST = /^[^/?#\s]*goshippo\.com/i;
/** A query parameter whose name says it carries a key: `?token=`, `&api_key=`, `?shippo_key=`. */
const KEY_PARAM = /[?&;][\w.-]*(?:token|key|auth|secret)[\w.-]*=$/i;
/** An expression that looks like it holds a URL prefix: `${baseUrl}/orders`. */
const URL_NAME = /url|uri|endpoint|origin|host/i;

/** The name an expression reads: `SHIPPO_API_KEY` for `process.env.SHIPPO_API_KEY`, `getKey` for `getKey()`. */
function nameOf(node: TSESTree.Node): string | undefined {
  switch (node.type) {
    case 'Identifier':
      return node.name;
    case 'MemberExpression':
      if (!node.computed && node.property.type === 'Identifier') return node.property.name;
      return node.property.type === 'Literal' && typeof node.property.value === 'string' ? node.property.value : undefined;
    case 'CallExpression':
      return nameOf(node.callee);
    case 'ChainExpression':
    case 'TSNonNullExpression':
    case 'TSAsExpression':
      return nameOf(node.expression);
    case 'AwaitExpression':
      return nameOf(node.argument);
    default:
      return undefined;
  }
}

function looksLikeShippoKey(name: string, state: UrlState, before: string): boolean {
  if (/shippo/i.test(name) && /key|token|secret/i.test(name)) return true;
  return state.shippoHost && (KEY_PARAM.test(before) || /api_?key|apikey|token|secret/i.test(name));
}

/** Text parts of a string literal or template, with offsets of their raw text in the file. */
function partsOf(node: TSESTree.Node, source: string, out: Part[] = []): Part[] {
  if (node.type === 'Literal' && typeof node.value === 'string') {
    out.push({ text: source.slice(node.range[0] + 1, node.range[1] - 1), start: node.range[0] + 1 });
  } else if (node.type === 'TemplateLiteral') {
    node.quasis.forEach((quasi, i) => {
      // A quasi's range may or may not include its delimiters (`, ${, }) depending on the parser.
      const raw = quasi.value.raw;
      let start = quasi.range[0];
      if (source.slice(start, start + raw.length) !== raw) start += 1;
      out.push({ text: raw, start });
      const expression = node.expressions[i];
      if (expression !== undefined) out.push({ node: expression });
    });
  } else if (node.type === 'BinaryExpression' && node.operator === '+') {
    partsOf(node.left, source, out);
    partsOf(node.right, source, out);
  } else if (node.type !== 'PrivateIdentifier') {
    out.push({ node: node as TSESTree.Expression });
  }
  return out;
}

function isConcatenation(node: TSESTree.Node | undefined): boolean {
  return node?.type === 'BinaryExpression' && node.operator === '+';
}

export default createRule<Options, MessageIds>({
  name: 'no-key-in-url',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow putting a Shippo key in a URL, where it ends up in server, proxy and browser logs; send it in the Authorization header.',
      recommended: true,
    },
    messages: {
      keyInUrl:
        'Shippo key {{what}} in a URL {{place}}: URLs are written to server, proxy and browser logs. Send it in the header "Authorization: ShippoToken <key>" instead.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          foreignAllow: {
            type: 'boolean',
            description: 'Honour other tools\' allow comments (gitleaks:allow, pragma: allowlist secret), as the CLI does unless --no-foreign-allow.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ foreignAllow: true }],
  create(context, [options]) {
    const { sourceCode } = context;
    // A hard-coded key needs a needle; a key-like name or Shippo's host needs `shippo`.
    const facts = textFacts(sourceCode);
    if (!facts.mayHoldKey && !facts.mentionsShippo) return {};
    const source = sourceCode.text;
    const triage = lazyTriage(context);
    const scan = scanTextOf(context);
    const foreign = options.foreignAllow ?? true;

    /**
     * A hard-coded key the CLI would not report either: the engine's filter (an inline allow
     * comment on the same text, its detector turned off, its key allowed or in the baseline).
     */
    const allowed = (raw: RawMatch, offset: number) => !reported(raw, inlineAllowMarker(scan.text, offset - scan.base), triage()?.rules ?? {}, foreign);

    let ignoredByGit: boolean | undefined;
    const reportAt = (start: number, end: number, what: string, state: UrlState) => {
      // A file the project's configuration or git ignores gets no report, as from the CLI's `scan .`.
      if (triage()?.ignored === true) return;
      if ((ignoredByGit ??= skipsKeysIn(context))) return;
      context.report({
        loc: { start: sourceCode.getLocFromIndex(start), end: sourceCode.getLocFromIndex(end) },
        messageId: 'keyInUrl',
        data: { what, place: state.inQuery ? 'query string' : 'path' },
      });
    };

    /** Walk one text part: find URL spans, hard-coded keys inside them, and update the state. */
    const walkText = (text: string, start: number, state: UrlState) => {
      const keys = mayHoldKey(text) ? findKeys(text) : [];
      let keyIndex = 0;
      let i = 0;
      while (i <= text.length) {
        if (!state.inUrl) {
          SCHEME.lastIndex = i;
          const scheme = SCHEME.exec(text);
          if (scheme === null) break;
          const hostStart = scheme.index + scheme[0].length;
          Object.assign(state, { inUrl: true, inQuery: false, shippoHost: SHIPPO_HOST.test(text.slice(hostStart)) });
          i = hostStart;
          while (keyIndex < keys.length && (keys[keyIndex]?.match.start ?? 0) < i) keyIndex++;
        }
        URL_END.lastIndex = i;
        const stop = URL_END.exec(text);
        const end = stop === null ? text.length : stop.index;
        for (; keyIndex < keys.length && (keys[keyIndex]?.match.start ?? 0) < end; keyIndex++) {
          const raw = keys[keyIndex] as RawMatch;
          const { match } = raw;
          state.inQuery ||= text.lastIndexOf('?', match.start) >= i;
          if (!allowed(raw, start + match.start)) reportAt(start + match.start, start + match.end, redact(match.key), state);
        }
        state.inQuery ||= text.indexOf('?', i) !== -1 && text.indexOf('?', i) < end;
        if (stop === null) return;
        state.inUrl = false;
        i = end + 1;
      }
    };

    const check = (node: TSESTree.Node) => {
      const parts = partsOf(node, source);
      // Cheap exit: nothing URL-like and no key in any text part.
      if (!parts.some((p) => 'text' in p && (p.text.includes('://') || mayHoldKey(p.text)))) {
        if (!parts.some((p, i) => 'node' in p && URL_NAME.test(nameOf(p.node) ?? '') && 'text' in (parts[i + 1] ?? {}))) return;
      }
      const state: UrlState = { inUrl: false, inQuery: false, shippoHost: false };
      let before = '';
      parts.forEach((part, i) => {
        if ('text' in part) {
          walkText(part.text, part.start, state);
          before = part.text;
          return;
        }
        const name = nameOf(part.node);
        if (state.inUrl && name !== undefined && looksLikeShippoKey(name, state, before)) {
          reportAt(part.node.range[0], part.node.range[1], `"${name}"`, state);
        }
        // `${baseUrl}/orders?...`: a URL that starts with an expression.
        const next = parts[i + 1];
        if (!state.inUrl && name !== undefined && URL_NAME.test(name) && next !== undefined && 'text' in next && /^[/?]/.test(next.text)) {
          Object.assign(state, { inUrl: true, inQuery: false, shippoHost: /shippo/i.test(name) });
        }
        before = '';
      });
    };

    return {
      Program() {
        // Non-JS files: the whole text is one string.
        if (scan.virtual && mayHoldKey(scan.text)) walkText(scan.text, scan.base, { inUrl: false, inQuery: false, shippoHost: false });
      },
      Literal(node: TSESTree.Literal) {
        // A lone string holds a URL only with a scheme: most literals stop at this test.
        if (typeof node.value === 'string' && node.value.includes('://') && !isConcatenation(node.parent)) check(node);
      },
      TemplateLiteral(node: TSESTree.TemplateLiteral) {
        if (!isConcatenation(node.parent)) check(node);
      },
      BinaryExpression(node: TSESTree.BinaryExpression) {
        if (node.operator === '+' && !isConcatenation(node.parent)) check(node);
      },
    } satisfies TSESLint.RuleListener;
  },
});
