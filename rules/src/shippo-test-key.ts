import type { Detector } from './types.js';
import { KEY_NEEDLE, KEY_NEEDLE_RARER_PARTS, KEY_NEEDLE_UTF16, ROTATE_HELP } from './key-shape.js';
import { HEX_KEY_WINDOW, isStandardLength, matchHexKeyAt } from './hex-key.js';

export const shippoTestKey: Detector = {
  id: 'shippo-test-key',
  name: 'ShippoTestKey',
  description: 'A Shippo test-mode API key (shippo_test_ followed by 40 hex characters).',
  help: {
    text: `A test Shippo API key cannot buy real labels, but it reads and writes the account's test data and shows that live keys may be handled the same way. ${ROTATE_HELP}`,
    markdown:
      "A **test** Shippo API key cannot buy real labels, but it reads and writes the account's test-mode data, " +
      'and where a test key is committed a live key often follows.\n\n' +
      '1. Create a new test key in the Shippo dashboard: **Settings → API**.\n' +
      '2. Read the key from the environment (`process.env.SHIPPO_API_KEY`) instead of the source.\n' +
      '3. Delete the leaked key in the dashboard.',
  },
  level: 'error',
  describedAs: 'key',
  confidence: 'high',
  securitySeverity: 5.3,
  tags: ['security', 'secret', 'shippo', 'external/cwe/cwe-798'],
  needles: [KEY_NEEDLE, KEY_NEEDLE_UTF16],
  rarerParts: KEY_NEEDLE_RARER_PARTS,
  window: HEX_KEY_WINDOW,
  matchAt: (text, hit, needle) => matchHexKeyAt(text, hit, needle, 'test', isStandardLength),
};
