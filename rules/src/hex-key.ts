import type { KeyKind, KeyMatch } from './types.js';
import { KEY_HEX_LENGTH, hexRunLength, isLeftBoundary, isPlaceholderHex, isRightBoundary, kindAt } from './key-shape.js';

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

export const isStandardLength = (length: number): boolean => length === KEY_HEX_LENGTH;
