import { detectors as catalogue, type Detector } from '@shippo-keyguard/rules';
import { findKeys } from './detect.js';
import type { Finding, FindingSource } from './finding.js';
import { inlineAllowMarker } from './inline-allow.js';
import { LineIndex } from './line-index.js';
import { SecretStore, fingerprintOf, redact } from './secret.js';

export interface ContentScanOptions {
  /** Relative, `/`-separated path to put in the findings. */
  readonly path: string;
  readonly source?: FindingSource;
  readonly detectors?: readonly Detector[];
  /** Collects the keys found, by fingerprint, for verification and `--no-redact`. */
  readonly secrets?: SecretStore;
}

/** Git's heuristic: a NUL byte in the first 8000 bytes makes a file binary. */
export function isBinary(content: Buffer | string): boolean {
  if (typeof content === 'string') return false;
  return content.subarray(0, 8000).includes(0);
}

/** Findings for one file's (or blob's, or stdin's) content. */
export function scanContent(content: Buffer | string, options: ContentScanOptions): Finding[] {
  const raw = findKeys(content, options.detectors ?? catalogue);
  if (raw.length === 0) return [];
  const lines = new LineIndex(content);
  const binary = isBinary(content);
  return raw.map(({ detector, match }) => {
    const start = lines.position(match.start);
    const end = lines.position(match.end);
    const fingerprint = options.secrets ? options.secrets.add(match.key) : fingerprintOf(match.key);
    const marker = inlineAllowMarker(content, match.start);
    return {
      detector: detector.id,
      kind: match.kind,
      confidence: detector.confidence,
      level: detector.level,
      path: options.path,
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
      startOffset: match.start,
      endOffset: match.end,
      fingerprint,
      redacted: redact(match.key),
      binary,
      source: options.source ?? 'file',
      ...(marker ? { suppression: { by: marker === 'native' ? 'inline' : 'inline-foreign' } } : {}),
    };
  });
}
