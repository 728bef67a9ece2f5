import { ConfigError, jsonSyntaxMessage, readTextOrThrow } from '../config/settings-file.js';
import { compileChecker } from '../config/validation.js';
import { BASELINE_VERSION, baselineSchema, type Baseline, type BaselineEntry } from './model.js';

const checkBaseline = compileChecker(baselineSchema);

/** Parse and validate a baseline's text; `file` names it in errors. Throws `ConfigError`. */
export function parseBaseline(text: string, file: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `not a valid baseline (JSON): ${jsonSyntaxMessage(error)}` }]);
  }
  const problems = checkBaseline(value);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return value as Baseline;
}

export function readBaseline(file: string): Baseline {
  return parseBaseline(readTextOrThrow(file, 'baseline file'), file);
}

/** Fields in a fixed order, so the same entries always give the same bytes. */
function canonicalEntry(e: BaselineEntry): BaselineEntry {
  return {
    fingerprint: e.fingerprint,
    detector: e.detector,
    redacted: e.redacted,
    firstSeen: { path: e.firstSeen.path, ...(e.firstSeen.commit !== undefined ? { commit: e.firstSeen.commit } : {}) },
    date: e.date,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
  };
}

/**
 * The file's bytes: entries sorted by fingerprint, two-space JSON, a final newline. Sorting by
 * fingerprint scatters new entries through the file, so two branches that each add a key
 * rarely touch the same lines (appending would make every such pair conflict).
 */
export function formatBaseline(baseline: Baseline): string {
  const entries = [...baseline.entries].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return `${JSON.stringify({ version: BASELINE_VERSION, entries: entries.map(canonicalEntry) }, null, 2)}\n`;
}
