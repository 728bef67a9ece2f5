import { DEFAULT_ARCHIVE_DEPTH, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '@shippo-keyguard/core/archive';
import type { Argv } from 'yargs';
import { FAIL_ON, type FailOn } from '@shippo-keyguard/core';
import { CliError, describeError } from './errors.js';
import { apiBaseUrlFlag, verifyConcurrency, verifyRequestTimeout, verifyTimeout } from './steps/verify.js';
import { OPTION_DEFAULTS } from './resolve-options.js';

export const FORMATS = ['text', 'json', 'sarif', 'gitlab'] as const;

/** yargs drops a bare "-" positional; run() passes it on as this (NUL never occurs in a path). */
export const STDIN_ARG = '\u0000-';
export type Format = (typeof FORMATS)[number];

/**
 * Whether any report of this run names the repository (its remote's URL): JSON, SARIF and GitLab
 * reports do, on stdout (`--format`, `--output`) or in `--sarif-file` / `--json-file`; a text
 * report never does, so a commit hook's scan does not ask git for it.
 */
export function reportNamesRepository(args: Pick<ReportArgs, 'format' | 'sarifFile' | 'jsonFile'>): boolean {
  return args.format !== 'text' || args.sarifFile !== undefined || args.jsonFile !== undefined;
}

/** Options every scanning command shares: output and policy. */
export interface ReportArgs {
  format: Format;
  output?: string;
  sarifFile?: string;
  jsonFile?: string;
  redact: boolean;
  failOn: FailOn;
  showSuppressed: boolean;
  verify: boolean;
  verifyConcurrency: number;
  verifyTimeout: number;
  verifyRequestTimeout: number;
  verifyCache: boolean;
  apiBaseUrl?: string;

  /** `--config FILE`; `false` with `--no-config`. */
  config?: string | false;
  /** `--baseline FILE`; `false` with `--no-baseline`. */
  baseline?: string | false;
  inlineAllow: boolean;
  foreignAllow: boolean;
}

export function withReportOptions<T>(y: Argv<T>) {
  return y
    .option('format', {
      requiresArg: true,
      alias: 'f',
      choices: FORMATS,
      default: 'text' as Format,
      describe: 'Report format for stdout (or --output); gitlab: GitLab\'s secret-detection report',
      group: 'Output:',
    })
    .option('output', { requiresArg: true, alias: 'o', type: 'string', describe: 'Write the report to FILE (atomically) instead of stdout', group: 'Output:' })
    .option('sarif-file', { requiresArg: true, type: 'string', describe: 'Also write a SARIF 2.1.0 report to FILE', group: 'Output:' })
    .option('json-file', { requiresArg: true, type: 'string', describe: 'Also write a JSON report to FILE', group: 'Output:' })
    .option('redact', {
      type: 'boolean',
      default: true,
      describe: 'Redact keys in reports; --no-redact prints full keys in text and JSON (never in SARIF)',
      group: 'Output:',
    })
    .option('show-suppressed', { type: 'boolean', default: false, describe: 'List suppressed findings too', group: 'Output:' })
    .option('fail-on', {
      requiresArg: true,
      choices: FAIL_ON,
      defaultDescription: OPTION_DEFAULTS.failOn,
      describe: 'Findings that make the exit code 1: any, not-dead (all but verified-dead keys), live (verified-live keys only)',
      group: 'Policy:',
    })
    .option('verify', {
      type: 'boolean',
      default: false,
      describe: 'Ask the Shippo API whether each distinct key is live, dead or unknown (one read-only GET per key, cached)',
      group: 'Verification:',
    })
    .option('verify-concurrency', { requiresArg: true, type: 'number', defaultDescription: String(OPTION_DEFAULTS.verifyConcurrency), coerce: verifyConcurrency, describe: 'Requests in flight at once (1-64)', group: 'Verification:' })
    .option('verify-timeout', {
      requiresArg: true,
      type: 'number',
      defaultDescription: String(OPTION_DEFAULTS.verifyTimeout),
      coerce: verifyTimeout,
      describe: 'Seconds for all of verification, retries and rate-limit waits included; keys not done by then are unknown',
      group: 'Verification:',
    })
    .option('verify-request-timeout', {
      requiresArg: true,
      type: 'number',
      defaultDescription: String(OPTION_DEFAULTS.verifyRequestTimeout),
      coerce: verifyRequestTimeout,
      describe: 'Seconds to wait for one answer from the API; a request that takes longer is retried, then unknown',
      group: 'Verification:',
    })
    .option('verify-cache', {
      type: 'boolean',
      default: true,
      describe: 'Use the on-disk verdict cache (live 1 h, dead 30 days); --no-verify-cache bypasses it',
      group: 'Verification:',
    })
    .option('api-base-url', {
      requiresArg: true,
      type: 'string',
      coerce: apiBaseUrlFlag,
      describe: 'Send keys to this API instead of https://api.goshippo.com (also SHIPPO_API_BASE_URL; never read from a config file; http only to loopback)',
      group: 'Verification:',
    })
    .option('config', {
      requiresArg: true,
      type: 'string',
      describe: 'Read the configuration from FILE (default: the nearest .shippo-keyguard.json/.yaml up to the git top-level); --no-config reads none',
      group: 'Triage:',
    })
    .option('baseline', {
      requiresArg: true,
      type: 'string',
      describe: 'Report only keys not in this baseline file (see the baseline command); --no-baseline reads none',
      group: 'Triage:',
    })
    .option('inline-allow', {
      type: 'boolean',
      default: true,
      describe: 'Honour shippo-keyguard:allow comments; --no-inline-allow reports them (audits)',
      group: 'Triage:',
    })
    .option('foreign-allow', {
      type: 'boolean',
      default: true,
      describe: 'Honour gitleaks:allow and "pragma: allowlist secret" comments too',
      group: 'Triage:',
    });
}

/** Parse a size such as `100MiB`, `5M`, `2048`, `1.5GB` into bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$/i.exec(value);
  if (!m) throw new Error(`invalid size "${value}" (expected a number of bytes, or e.g. 512KiB, 100MiB, 1GiB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * factor);
}

/** `--archive-depth`, shared by the commands that open archives (files, stdin, blobs). */
export function archiveDepthOption() {
  return {
    type: 'number' as const,
    requiresArg: true,
    defaultDescription: String(DEFAULT_ARCHIVE_DEPTH),
    describe: 'Open archives and compressed files (zip, jar, tar, tar.gz, gzip, container images) this many levels deep; 0 turns it off',
  };
}

/** The archive limits for `--archive-depth` (the configuration file may have filled it in as well). */
export function archiveLimitsOf(args: { archiveDepth?: number }): ArchiveLimits {
  const depth = args.archiveDepth ?? DEFAULT_ARCHIVE_DEPTH;
  if (!Number.isInteger(depth) || depth < 0 || depth > 16) throw new CliError(`--archive-depth: expected a whole number from 0 to 16, got ${String(depth)}`);
  return { ...DEFAULT_ARCHIVE_LIMITS, depth };
}

/** `--max-file-size`, shared by the commands that read content (files or blobs). */
export function maxFileSizeOption(what: 'files' | 'blobs') {
  return {
    type: 'string' as const,
    requiresArg: true,
    defaultDescription: OPTION_DEFAULTS.maxFileSize,
    describe: `Skip (with a warning) ${what} larger than this (bytes, or e.g. 100MiB)`,
  };
}

/** The `--max-file-size` value in bytes (from the command line, the configuration or the default: see resolve-options). */
export function maxFileSizeOf(args: { maxFileSize: string }): number {
  try {
    return parseSize(args.maxFileSize);
  } catch (error) {
    throw new CliError(`--max-file-size: ${describeError(error)}`);
  }
}
