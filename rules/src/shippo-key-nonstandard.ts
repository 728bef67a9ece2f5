import type { Detector } from './types.js';
import { KEY_HEX_LENGTH, KEY_NEEDLE, KEY_NEEDLE_RARER_PARTS, KEY_NEEDLE_UTF16, ROTATE_HELP } from './key-shape.js';
import { HEX_KEY_WINDOW, matchHexKeyAt } from './hex-key.js';

const MIN = 24;
const MAX = 64;

export const shippoKeyNonstandard: Detector = {
  id: 'shippo-key-nonstandard',
  name: 'ShippoKeyNonstandardLength',
  description: `A Shippo-style key with a hex part of unusual length (${MIN} to ${MAX} characters, not ${KEY_HEX_LENGTH}), such as the 32-hex form in old docs.`,
  help: {
    text:
      `This looks like a Shippo API key but its hex part is not the usual ${KEY_HEX_LENGTH} characters: an older key format, a truncated key, or a made-up example. ` +
      `It is reported at low confidence and does not fail the default policy. If it is a real key: ${ROTATE_HELP}`,
    markdown:
      `This looks like a Shippo API key, but its hex part is not the usual ${KEY_HEX_LENGTH} characters: ` +
      'an older key format (the 32-hex form in old SDK READMEs), a truncated key, or a made-up example.\n\n' +
      'It is reported at low confidence (`note`) and does not fail the default policy. If it is a real key, ' +
      'rotate it in the Shippo dashboard (**Settings → API**) and read it from the environment instead.',
  },
  level: 'note',
  describedAs: 'key-like',
  confidence: 'low',
  securitySeverity: 3.0,
  tags: ['security', 'secret', 'shippo'],
  needles: [KEY_NEEDLE, KEY_NEEDLE_UTF16],
  rarerParts: KEY_NEEDLE_RARER_PARTS,
  window: HEX_KEY_WINDOW,
  matchAt: (text, hit, needle) => matchHexKeyAt(text, hit, needle, undefined, (n) => n >= MIN && n <= MAX && n !== KEY_HEX_LENGTH),
};
