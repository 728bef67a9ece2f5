/** Default file name, at the directory the baseline command runs in. */
export const BASELINE_FILE_NAME = '.shippo-keyguard-baseline.json';
export const BASELINE_VERSION = 1;

/** One known key. Never the key: its fingerprint and a redacted preview. */
export interface BaselineEntry {
  /** SHA-256 hex of the key. */
  readonly fingerprint: string;
  readonly detector: string;
  /** `shippo_live_3f9a…c2e1`. */
  readonly redacted: string;
  /** Where the key was first seen when the entry was made (a path; for history, the commit too). Informative only. */
  readonly firstSeen: { readonly path: string; readonly commit?: string };
  /** The day (UTC, YYYY-MM-DD) the entry was added. */
  readonly date: string;
  /** Why the key is accepted; kept when the baseline is regenerated. */
  readonly reason?: string;
}

export interface Baseline {
  readonly version: typeof BASELINE_VERSION;
  readonly entries: readonly BaselineEntry[];
}

export const baselineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'entries'],
  properties: {
    $schema: { type: 'string' },
    version: { enum: [BASELINE_VERSION] },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['fingerprint', 'detector', 'redacted', 'firstSeen', 'date'],
        properties: {
          fingerprint: {
            type: 'string',
            pattern: '^[0-9a-f]{64}$',
            errorMessage: 'expected a fingerprint: 64 lower-case hex characters (SHA-256 of the key)',
          },
          detector: { type: 'string', minLength: 1 },
          // Short enough that a full key can never be stored here by hand.
          redacted: { type: 'string', maxLength: 32, errorMessage: 'expected a redacted preview (at most 32 characters), never a key' },
          firstSeen: {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: { path: { type: 'string' }, commit: { type: 'string', pattern: '^[0-9a-f]{7,64}$' } },
          },
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', errorMessage: 'expected a date as YYYY-MM-DD' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;
