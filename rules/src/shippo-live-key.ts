import type { Detector } from './types.js';
import { KEY_NEEDLE, KEY_NEEDLE_RARER_PARTS, KEY_NEEDLE_UTF16, ROTATE_HELP } from './key-shape.js';
import { HEX_KEY_WINDOW, isStandardLength, matchHexKeyAt } from './hex-key.js';

export const shippoLiveKey: Detector = {
  id: 'shippo-live-key',
  name: 'ShippoLiveKey',
  description: 'A Shippo live-mode API key (shippo_live_ followed by 40 hex characters).',
  help: {
    text: `A live Shippo API key can buy shipping labels and read orders and addresses on the owner's account. ${ROTATE_HELP}`,
    markdown:
      "A **live** Shippo API key can buy shipping labels and read orders and addresses on the owner's account.\n\n" +
      '1. Create a new key in the Shippo dashboard: **Settings → API**.\n' +
      '2. Read the key from the environment (`process.env.SHIPPO_API_KEY`) or a secret manager instead of the source.\n' +
      '3. Delete the leaked key in the dashboard. Removing the line is not enough: the key stays in git history until it is revoked.\n\n' +
      'Check whether it still works with `shippo-keyguard scan --verify`.',
  },
  level: 'error',
  describedAs: 'key',
  confidence: 'high',
  securitySeverity: 9.1,
  tags: ['security', 'secret', 'shippo', 'external/cwe/cwe-798'],
  needles: [KEY_NEEDLE, KEY_NEEDLE_UTF16],
  rarerParts: KEY_NEEDLE_RARER_PARTS,
  window: HEX_KEY_WINDOW,
  matchAt: (text, hit, needle) => matchHexKeyAt(text, hit, needle, 'live', isStandardLength),
};
