import { detectors as catalogue, type Detector } from '@shippo-keyguard/rules';
import { findKeys } from './detect.js';
import type { Finding, FindingSource } from './finding.js';
import { inlineAllowMarker } from './inline-allow.js';
import { LineIndex, type Position } from './line-index.js';
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

/**
 * The byte order of a key found in UTF-16 bytes, if it was: a key is ASCII, so its first character
 * has a NUL high byte, after it (little-endian) or before it (big-endian). Other matches hold no NUL.
 */
function utf16Order(content: Buffer, start: number): 'le' | 'be' | undefined {
  if (content[start] === 0) return 'be';
  if (content[start + 1] === 0) return 'le';
  return undefined;
}

/**
 * Lines and columns of UTF-16 text, in its own characters: the bytes from `parity` on, decoded in
 * `order` (built only when a key was found in UTF-16, once per byte order and alignment).
 */
function utf16Lines(content: Buffer, order: 'le' | 'be', parity: number): (offset: number) => Position {
  const bytes = content.subarray(parity, content.length - ((content.length - parity) % 2));
  const index = new LineIndex((order === 'be' ? Buffer.from(bytes).swap16() : bytes).toString('utf16le'));
  return (offset) => index.position((offset - parity) / 2);
}

/** Findings for one file's (or blob's, or stdin's) content. */
export function scanContent(content: Buffer | string, options: ContentScanOptions): Finding[] {
  const raw = findKeys(content, options.detectors ?? catalogue);
  if (raw.length === 0) return [];
  const lines = new LineIndex(content);
  const utf16 = new Map<string, (offset: number) => Position>();
  const positions = (offset: number): ((offset: number) => Position) => {
    const order = typeof content === 'string' ? undefined : utf16Order(content, offset);
    if (order === undefined || typeof content === 'string') return (o) => lines.position(o);
    const id = `${order}${offset % 2}`;
    let position = utf16.get(id);
    if (position === undefined) utf16.set(id, (position = utf16Lines(content, order, offset % 2)));
    return position;
  };
  const binary = isBinary(content);
  return raw.map(({ detector, match }) => {
    const position = positions(match.start);
    const start = position(match.start);
    const end = position(match.end);
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
