import { detectorById, type DetectorLevel, type KeyKind } from '@shippo-keyguard/rules';
import type { Finding, Verification } from './finding.js';

/**
 * The one severity model. Every face (text, JSON, SARIF, the Action's annotations and summary,
 * the hooks, the ESLint rules) shows the level this module gives, so a key has one level
 * wherever it is reported:
 *
 * | detector                 | key kind   | not verified, unknown | verified live | verified dead |
 * | ------------------------ | ---------- | --------------------- | ------------- | ------------- |
 * | `shippo-live-key`        | live       | error                 | error         | note          |
 * | `shippo-test-key`        | test       | error                 | error         | note          |
 * | `shippo-key-base64`      | live, test | error                 | error         | note          |
 * | `shippo-key-nonstandard` | live, test | note                  | error         | note          |
 *
 * A test key is an error like a live key: it is a working credential in the source (it reads and
 * writes the account's test data), and it fails `--fail-on any` (the default). How much worse a
 * live key is shows in its kind, its message and GitHub's `security-severity` (9.1 against 5.3),
 * not in a level that would still block a commit. The configuration's `detectors.<id>` replaces
 * the first column; verification then decides: a key that works is an error whatever its
 * detector, a key that no longer works is a note. `unknown` (the API could not say) keeps the
 * level the key had, as an unverified key does.
 */
export type Level = DetectorLevel;
export type VerificationStatus = Verification['status'];

/** The level of a key before verification: the configuration's setting for its detector, else the detector's own. */
export function unverifiedLevel(detector: string, _kind: KeyKind, configured?: Level): Level {
  if (configured !== undefined) return configured;
  // The catalogue's level already says it for both kinds (see the table); an unknown detector counts as a key.
  return detectorById(detector)?.level ?? 'error';
}

/** The level a key is reported at once verification has spoken. */
export function levelFor(unverified: Level, status: VerificationStatus = 'unchecked'): Level {
  switch (status) {
    case 'live':
      return 'error';
    case 'dead':
      return 'note';
    case 'unknown':
    case 'unchecked':
      return unverified;
  }
}

/** The level of one finding, as every report shows it. */
export function findingLevel(f: Pick<Finding, 'level' | 'unverifiedLevel' | 'verification'>): Level {
  return levelFor(f.unverifiedLevel ?? f.level, f.verification?.status);
}

/**
 * A finding with its verification verdict and the level that follows from it. The level before
 * verification is kept (`unverifiedLevel`) when it changes: the fail policy needs it, since a
 * verified-dead key still fails `--fail-on any`.
 */
export function withVerification(f: Finding, verification: Verification): Finding {
  const before = f.unverifiedLevel ?? f.level;
  const level = levelFor(before, verification.status);
  const { unverifiedLevel: _old, ...rest } = f;
  return { ...rest, verification, level, ...(level !== before ? { unverifiedLevel: before } : {}) };
}
