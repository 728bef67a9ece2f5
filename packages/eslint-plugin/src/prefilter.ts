import { mayHoldKey } from '@shippo-keyguard/core';

/** What a cheap look at a file's text rules out, computed once per file and shared by every rule. */
export interface TextFacts {
  /** A needle of the detector catalogue occurs: a key is possible. */
  readonly mayHoldKey: boolean;
  /** `shippo` occurs in any case: a Shippo variable name or host is possible. */
  readonly mentionsShippo: boolean;
}

const cache = new WeakMap<object, TextFacts>();

/**
 * A file without these facts makes every rule return no listeners, so ESLint's traversal calls
 * none of them: the whole cost of a clean file is the literal searches here.
 */
export function textFacts(sourceCode: { readonly text: string }): TextFacts {
  let facts = cache.get(sourceCode);
  if (facts === undefined) {
    const { text } = sourceCode;
    facts = { mayHoldKey: mayHoldKey(text), mentionsShippo: /shippo/i.test(text) };
    cache.set(sourceCode, facts);
  }
  return facts;
}
