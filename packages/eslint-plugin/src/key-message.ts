import type { Detector, KeyMatch } from '@shippo-keyguard/rules';

/** The messages of `no-hardcoded-key` that report a key. */
export type KeyMessageId = 'liveKey' | 'testKey' | 'base64Key' | 'nonstandardKey';

/** The message for a match, as the detector catalogue describes it (`describedAs`): never by detector id. */
export function messageIdFor({ detector, match }: { readonly detector: Pick<Detector, 'describedAs'>; readonly match: Pick<KeyMatch, 'kind'> }): KeyMessageId {
  switch (detector.describedAs) {
    case 'encoded-key':
      return 'base64Key';
    case 'key-like':
      return 'nonstandardKey';
    case 'key':
      return match.kind === 'live' ? 'liveKey' : 'testKey';
  }
}
