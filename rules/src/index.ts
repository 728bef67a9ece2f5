export type { Detector, DetectorLevel, KeyKind, KeyMatch, MatchDescription } from './types.js';
export { KEY_HEX_LENGTH, KEY_NEEDLE, isPlaceholderHex } from './key-shape.js';
export { shippoLiveKey } from './shippo-live-key.js';
export { shippoTestKey } from './shippo-test-key.js';
export { shippoKeyBase64 } from './shippo-key-base64.js';
export { shippoKeyNonstandard } from './shippo-key-nonstandard.js';

import type { Detector } from './types.js';
import { shippoLiveKey } from './shippo-live-key.js';
import { shippoTestKey } from './shippo-test-key.js';
import { shippoKeyBase64 } from './shippo-key-base64.js';
import { shippoKeyNonstandard } from './shippo-key-nonstandard.js';

/** The catalogue, in the order SARIF lists its rules. */
export const detectors: readonly Detector[] = [shippoLiveKey, shippoTestKey, shippoKeyBase64, shippoKeyNonstandard];

export function detectorById(id: string): Detector | undefined {
  return detectors.find((d) => d.id === id);
}
