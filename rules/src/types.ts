/** Whether a key acts on real money (live) or on Shippo's test mode (test). */
export type KeyKind = 'live' | 'test';

/** SARIF result levels a detector may use by default. */
export type DetectorLevel = 'error' | 'warning' | 'note';

/**
 * One key found by a detector. Offsets are indexes into the text the detector was given:
 * UTF-16 code units for a JS string, bytes when the engine hands it a latin1-decoded buffer window.
 * `key` is the plain key (decoded for base64); the engine hashes it and never lets it leave memory.
 */
export interface KeyMatch {
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly kind: KeyKind;
}

/** How a detector's match is described to the user (see `Detector.describedAs`). */
export type MatchDescription = 'key' | 'encoded-key' | 'key-like';

export interface Detector {
  /** Stable kebab-case id; also the SARIF rule id. */
  readonly id: string;
  /** PascalCase name for SARIF `rule.name`. */
  readonly name: string;
  /** One line: what the detector finds. */
  readonly description: string;
  /** What a finding means and what to do about it. */
  readonly help: { readonly text: string; readonly markdown: string };
  /** Default SARIF level. */
  readonly level: DetectorLevel;
  /** `high` findings fail the default policy; `low` ones are reported but do not. */
  readonly confidence: 'high' | 'low';
  /** GitHub's `security-severity` (0.0 to 10.0, as a string in SARIF). */
  readonly securitySeverity: number;
  readonly tags: readonly string[];
  /**
   * ASCII literals, at least one of which occurs in any text this detector can match.
   * The engine searches for these first (fast byte search) and only calls `matchAt` at hits.
   */
  readonly needles: readonly string[];
  /**
   * For the engine's byte search, per needle, a part of it that starts with a byte rarer in text:
   * the search runs memchr on the part's first byte, and `s`, `c` and `N` are common in text while
   * `h…`, `H`, `X`, `G` are not, and NUL is rarest of all (measured on the files benchmark tree:
   * 35 ms against 190 ms for the full needles). A hit of the part is a hit only where the whole
   * needle is. A needle without a part here is searched whole.
   */
  readonly rarerParts?: Readonly<Record<string, string>>;
  /**
   * How every face describes a match (the CLI's reports, SARIF, the ESLint rules' messages), so
   * none of them needs to know detector ids:
   * - `key`: the key as issued; messages name its kind (live or test).
   * - `encoded-key`: an encoding of the key (see `encoding`); messages say so, and the text cannot
   *   simply be swapped for an environment variable.
   * - `key-like`: shaped like a key but of unusual length (an older format, a truncated key or an
   *   example); messages hedge.
   */
  readonly describedAs: MatchDescription;
  /** The encoding, for a detector whose match is an `encoded-key`. */
  readonly encoding?: 'base64';
  /** How much text around a hit `matchAt` may look at. */
  readonly window: { readonly before: number; readonly after: number };
  /** Match at a needle hit. `hit` is the index of `needle` in `text`. */
  matchAt(text: string, hit: number, needle: string): KeyMatch | undefined;
}
