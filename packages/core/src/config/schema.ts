/**
 * The JSON Schema of `.shippo-keyguard.json` / `.yaml`. This module is the source of truth;
 * `packages/core/schema.json` is the same object written out for editors (a test keeps them
 * equal). Kept as code so bundles need no file next to them. After a change, regenerate it with
 *   npx tsc -b && node -e "import('./packages/core/dist/config/schema.js').then((m) => require('fs').writeFileSync('packages/core/schema.json', JSON.stringify(m.configSchema, null, 2) + '\n'))"

 *
 * `errorMessage` is what VS Code shows for a failed check and what the CLI prints; `x-glob`
 * asks the loader to check a gitignore-style pattern (editors ignore both keywords).
 */
import { detectors } from '@shippo-keyguard/rules';
import { REPOSITORY_URL } from '../project.js';

/** The detector ids the configuration's `detectors` accepts: the catalogue's, in its order. */
export const DETECTOR_IDS: readonly string[] = detectors.map((d) => d.id);

export const SCHEMA_ID = `${REPOSITORY_URL}/raw/main/packages/core/schema.json`;

/** A size: bytes, or a number with a unit (`512KiB`, `100MiB`, `1GiB`; the CLI's `--max-file-size` syntax). */
const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG][iI]?[bB]?|[bB])?\\s*$';

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCHEMA_ID,
  title: 'shippo-keyguard configuration',
  description: 'Configuration for shippo-keyguard (CLI and ESLint plugin): .shippo-keyguard.json or .shippo-keyguard.yaml at the repository root.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'The JSON Schema this file follows, for editor completion.' },
    ignore: {
      type: 'array',
      description: 'Paths never reported: gitignore-style patterns relative to the directory of this file.',
      items: { type: 'string', 'x-glob': true },
    },
    detectors: {
      type: 'object',
      description: 'Turn detectors off or change the level they report at.',
      propertyNames: { enum: [...DETECTOR_IDS], errorMessage: `unknown detector; expected one of: ${DETECTOR_IDS.join(', ')}` },
      additionalProperties: { enum: ['off', 'error', 'warning', 'note'] },
    },
    maxFileSize: {
      type: ['integer', 'string'],
      minimum: 0,
      pattern: SIZE_PATTERN,
      description: 'Skip files larger than this: bytes, or a size such as "512KiB", "100MiB", "1GiB".',
      errorMessage: 'expected a number of bytes or a size such as "512KiB", "100MiB", "1GiB"',
    },
    archiveDepth: {
      type: 'integer',
      minimum: 0,
      maximum: 16,
      description: 'Open archives and compressed files (zip, jar, tar, tar.gz, gzip, container images) this many levels deep; 0 turns it off (as --archive-depth; default 3).',
      errorMessage: 'expected a whole number from 0 to 16',
    },
    failOn: {
      enum: ['any', 'not-dead', 'live'],
      description: 'Findings that make the exit code 1: any, not-dead (all but verified-dead keys), live (verified-live keys only).',
    },
    verify: {
      type: 'object',
      description: 'Verification options. The API base URL cannot be set here: a checked-in file must never be able to send keys elsewhere.',
      additionalProperties: false,
      properties: {
        concurrency: { type: 'integer', minimum: 1, maximum: 64, description: 'Requests in flight at once (as --verify-concurrency).' },
        timeout: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 3600,
          description: 'Seconds for all of verification, retries included (as --verify-timeout).',
        },
        requestTimeout: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 600,
          description: 'Seconds to wait for one answer from the API before it counts as a timeout (as --verify-request-timeout).',
        },
      },
    },
    allow: {
      type: 'array',
      description: 'Keys allowed everywhere, by fingerprint (SHA-256 hex of the key, as in reports), each with the reason.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['fingerprint', 'reason'],
        properties: {
          fingerprint: {
            type: 'string',
            pattern: '^[0-9a-f]{64}$',
            errorMessage: 'expected a fingerprint: 64 lower-case hex characters (SHA-256 of the key, as in reports)',
          },
          reason: { type: 'string', minLength: 1, pattern: '\\S', errorMessage: 'expected a non-empty reason' },
        },
      },
    },
    baseline: {
      type: ['string', 'boolean'],
      not: { const: true },
      minLength: 1,
      description:
        'The baseline file, relative to the directory of this file; false reads none. Default: .shippo-keyguard-baseline.json at the repository root, if it exists.',
      errorMessage: 'expected a file name, or false to read no baseline',
    },
  },
} as const;

/** The configuration as written (after validation). */
export interface KeyguardConfig {
  readonly $schema?: string;
  readonly ignore?: readonly string[];
  readonly detectors?: Readonly<Record<string, 'off' | 'error' | 'warning' | 'note'>>;
  readonly maxFileSize?: number | string;
  readonly archiveDepth?: number;
  readonly failOn?: 'any' | 'not-dead' | 'live';
  readonly verify?: { readonly concurrency?: number; readonly timeout?: number; readonly requestTimeout?: number };
  readonly allow?: readonly { readonly fingerprint: string; readonly reason: string }[];
  /** The baseline file (relative to the configuration file's directory), or `false` for none. */
  readonly baseline?: string | false;
}
