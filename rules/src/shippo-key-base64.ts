import type { Detector, KeyMatch } from './types.js';
import { ROTATE_HELP } from './key-shape.js';
import { isStandardLength, matchHexKey } from './hex-key.js';

/**
 * Base64 of `shippo_` at the three byte alignments, with the characters that depend on
 * neighbouring bytes cut off. None holds `+`, `/`, `-` or `_`, so they serve the standard and the
 * URL-safe alphabet alike. `leadChars` is how many characters of the 4-character group precede
 * the needle. `rarer` is the part the byte search looks for (see `Detector.rarerParts`).
 */
const ALIGNMENTS: readonly { readonly needle: string; readonly rarer: string; readonly byteOffset: number; readonly leadChars: number }[] = [
  { needle: 'c2hpcHBvX', rarer: 'HBvX', byteOffset: 0, leadChars: 0 },
  { needle: 'NoaXBwb19', rarer: 'XBwb19', byteOffset: 1, leadChars: 2 },
  { needle: 'zaGlwcG9f', rarer: 'GlwcG9f', byteOffset: 2, leadChars: 3 },
];

/** Enough characters to decode a preceding byte, the prefix, 40 hex characters and the byte after. */
const MAX_CHARS = 4 + Math.ceil(((2 + 12 + 40 + 1) * 4) / 3) + 4;

/**
 * Wrapped base64 (`base64` writes 76 columns, PEM tools 64): the key's encoding may run over line
 * breaks, each LF or CRLF (or their `\n`, `\r\n` escapes inside a JSON string) plus indentation
 * (a YAML block). At most this many breaks, this much indentation.
 */
const MAX_LINE_BREAKS = 2;
const MAX_INDENT = 16;

function isBase64Char(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95
  );
}

/** Index just past a line break (LF or CRLF or their escapes, then indentation) at `i` that base64 continues after, else -1. */
function continuationAfterBreak(text: string, i: number): number {
  let j = i;
  if (text.startsWith('\\r\\n', j)) j += 4;
  else if (text.startsWith('\\n', j)) j += 2;
  else {
    if (text.charCodeAt(j) === 13) j++;
    if (text.charCodeAt(j) !== 10) return -1;
    j++;
  }
  const indentEnd = Math.min(text.length, j + MAX_INDENT);
  while (j < indentEnd && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  return j < text.length && isBase64Char(text.charCodeAt(j)) ? j : -1;
}

function matchBase64(text: string, hit: number, needle: string): KeyMatch | undefined {
  // The line alone first: an unpadded value that ends with its line must not be joined with the next one.
  return matchBase64Run(text, hit, needle, 0) ?? matchBase64Run(text, hit, needle, MAX_LINE_BREAKS);
}

function matchBase64Run(text: string, hit: number, needle: string, lineBreaks: number): KeyMatch | undefined {
  const alignment = ALIGNMENTS.find((a) => a.needle === needle);
  if (alignment === undefined) return undefined;
  const groupStart = hit - alignment.leadChars;
  if (groupStart < 0) return undefined;
  for (let i = groupStart; i < hit; i++) if (!isBase64Char(text.charCodeAt(i))) return undefined;

  // Decode one group earlier too, so the byte before the key can be checked for a word boundary.
  let decodeStart = groupStart;
  if (groupStart >= 4) {
    let previousGroupIsBase64 = true;
    for (let i = groupStart - 4; i < groupStart; i++) previousGroupIsBase64 &&= isBase64Char(text.charCodeAt(i));
    if (previousGroupIsBase64) decodeStart = groupStart - 4;
  }
  // `at[n]` is the index in `text` of the n-th base64 character, line breaks skipped.
  const at: number[] = [];
  for (let i = decodeStart; i < hit; i++) at.push(i);
  let i = hit;
  let breaks = 0;
  while (at.length < MAX_CHARS && i < text.length) {
    if (isBase64Char(text.charCodeAt(i))) {
      at.push(i++);
      continue;
    }
    const next = breaks < lineBreaks ? continuationAfterBreak(text, i) : -1;
    if (next === -1) break;
    breaks++;
    i = next;
  }

  // Node's base64 decoder takes both alphabets and unpadded tails.
  const encoded = at.map((index) => text.charAt(index)).join('');
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const keyOffset = ((groupStart - decodeStart) / 4) * 3 + alignment.byteOffset;
  const found = matchHexKey(decoded, keyOffset, undefined, isStandardLength);
  if (found === undefined) return undefined;
  // A hex run cut short by the decode window would look like a boundary: require a real one.
  if (found.end === decoded.length && at.length === MAX_CHARS && i < text.length) return undefined;

  const lastByte = found.end - 1;
  return {
    start: at[Math.floor((found.start * 8) / 6)] as number,
    end: (at[Math.floor((lastByte * 8 + 7) / 6)] as number) + 1,
    key: found.key,
    kind: found.kind,
  };
}

export const shippoKeyBase64: Detector = {
  id: 'shippo-key-base64',
  name: 'ShippoKeyBase64',
  description: 'A Shippo API key hidden in base64, as in Kubernetes Secrets, Docker configs and Basic-auth headers.',
  help: {
    text: `The base64 text here decodes to a Shippo API key. Base64 is an encoding, not encryption: anyone can decode it. ${ROTATE_HELP}`,
    markdown:
      'The base64 text here decodes to a Shippo API key. Base64 is an **encoding, not encryption**: anyone can decode it ' +
      '(Kubernetes `Secret` manifests, Docker `config.json` auths and `Authorization: Basic` headers are common places).\n\n' +
      '1. Create a new key in the Shippo dashboard: **Settings → API**.\n' +
      '2. Keep it in a secret store (sealed secrets, an external secret manager, CI secrets) rather than in the repository.\n' +
      '3. Delete the leaked key in the dashboard.',
  },
  level: 'error',
  describedAs: 'encoded-key',
  confidence: 'high',
  securitySeverity: 9.1,
  tags: ['security', 'secret', 'shippo', 'external/cwe/cwe-798'],
  needles: ALIGNMENTS.map((a) => a.needle),
  rarerParts: Object.fromEntries(ALIGNMENTS.map((a) => [a.needle, a.rarer])),
  encoding: 'base64',
  window: { before: 8, after: MAX_CHARS + MAX_LINE_BREAKS * (4 + MAX_INDENT) },
  matchAt: matchBase64,
};
