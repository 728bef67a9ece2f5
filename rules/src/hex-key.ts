import type { KeyKind, KeyMatch } from './types.js';
import { KEY_HEX_LENGTH, KEY_NEEDLE, LEFT_CONTEXT, hexRunLength, isLeftBoundary, isPlaceholderHex, isRightBoundary, kindAt } from './key-shape.js';

/**
 * Match `shippo_<kind>_<hex>` at `hit` when the hex run's length passes `acceptLength`.
 * Shared by the 40-hex detectors and the nonstandard-length detector.
 */
export function matchHexKey(
  text: string,
  hit: number,
  wantKind: KeyKind | undefined,
  acceptLength: (length: number) => boolean,
): KeyMatch | undefined {
  const kind = kindAt(text, hit);
  if (kind === undefined || (wantKind !== undefined && kind !== wantKind)) return undefined;
  if (!isLeftBoundary(text, hit)) return undefined;
  const hexStart = hit + 'shippo_live_'.length;
  const length = hexRunLength(text, hexStart);
  if (!acceptLength(length)) return undefined;
  const end = hexStart + length;
  if (!isRightBoundary(text, end)) return undefined;
  if (isPlaceholderHex(text.slice(hexStart, end))) return undefined;
  return { start: hit, end, key: text.slice(hit, end), kind };
}

/** Characters of UTF-16 text decoded around a hit: the left context, the prefix, the longest hex run and one more. */
const UTF16_CHARS_AFTER = 'shippo_live_'.length + 128 + 1;

/**
 * `matchHexKey` in UTF-16 text: `hit` is where `KEY_NEEDLE_UTF16` starts. In a UTF-16 file each
 * character starts at an even offset, so an even `hit` is the low byte of `s` in little-endian
 * text and an odd one the second byte of `s` in big-endian text (the engine starts its windows at
 * even offsets). `text` holds bytes (a latin1 window of a buffer, or text read as UTF-8, in which
 * each ASCII or NUL byte stays one character); the match's offsets span the key's bytes, two per character.
 */
export function matchHexKeyUtf16(
  text: string,
  hit: number,
  wantKind: KeyKind | undefined,
  acceptLength: (length: number) => boolean,
): KeyMatch | undefined {
  const littleEndian = hit % 2 === 0;
  const first = littleEndian ? hit : hit - 1;
  const before = Math.min(LEFT_CONTEXT, Math.floor(first / 2));
  const from = first - 2 * before;
  const to = Math.min(text.length, first + 2 * UTF16_CHARS_AFTER);
  let decoded = '';
  for (let i = from; i + 1 < to; i += 2) {
    const a = text.charCodeAt(i) & 0xff;
    const b = text.charCodeAt(i + 1) & 0xff;
    decoded += String.fromCharCode(littleEndian ? a | (b << 8) : (a << 8) | b);
  }
  const found = matchHexKey(decoded, before, wantKind, acceptLength);
  if (found === undefined) return undefined;
  return { start: from + 2 * found.start, end: from + 2 * found.end, key: found.key, kind: found.kind };
}

/** `matchHexKey` at a hit of `KEY_NEEDLE`, `matchHexKeyUtf16` at a hit of `KEY_NEEDLE_UTF16`. */
export function matchHexKeyAt(
  text: string,
  hit: number,
  needle: string,
  wantKind: KeyKind | undefined,
  acceptLength: (length: number) => boolean,
): KeyMatch | undefined {
  return needle === KEY_NEEDLE ? matchHexKey(text, hit, wantKind, acceptLength) : matchHexKeyUtf16(text, hit, wantKind, acceptLength);
}

/** How much text the plain-text detectors look at around a hit, in either encoding. */
export const HEX_KEY_WINDOW = { before: 2 * LEFT_CONTEXT + 1, after: 2 * UTF16_CHARS_AFTER } as const;

export const isStandardLength = (length: number): boolean => length === KEY_HEX_LENGTH;
