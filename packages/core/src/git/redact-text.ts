import { findKeys } from '../detect.js';
import { redact } from '../secret.js';

/**
 * Text from the repository (a commit subject, an author, a ref name, a path, a remote URL) with
 * every key in it redacted: reports carry these verbatim, and a key can sit in any of them.
 */
export function redactKeysIn(text: string): string {
  const matches = findKeys(text);
  if (matches.length === 0) return text;
  let out = '';
  let at = 0;
  for (const { match } of matches) {
    if (match.start < at) continue;
    out += text.slice(at, match.start) + redact(match.key);
    at = match.end;
  }
  return out + text.slice(at);
}

/** Longest summary (a message's first line) a report carries. */
export const MAX_SUMMARY = 200;

/**
 * The first line of a message, redacted, then cut to MAX_SUMMARY characters: a one-line message
 * of 100 MB must not become a 100 MB field of every report. Redacting first means a cut never
 * leaves part of a key unrecognisable and so unredacted.
 */
export function summaryOf(message: string): string {
  // Only the start can be shown. Redaction shortens a key to less than half its length, so a key
  // cut at 4 x MAX_SUMMARY starts past MAX_SUMMARY even after every key before it is redacted.
  const nl = message.indexOf('\n');
  const first = redactKeysIn(message.slice(0, Math.min(nl === -1 ? message.length : nl, 4 * MAX_SUMMARY)));
  return first.length > MAX_SUMMARY ? `${first.slice(0, MAX_SUMMARY - 1)}…` : first;
}
