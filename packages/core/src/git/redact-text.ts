import { findKeys } from '../detect.js';
import { redact } from '../secret.js';

/** A commit subject or author field with every key in it redacted: reports carry these verbatim. */
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
