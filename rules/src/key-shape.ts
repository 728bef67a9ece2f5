import type { KeyKind } from './types.js';

/** Every Shippo key, and every prefilter hit, starts with this. */
export const KEY_NEEDLE = 'shippo_';

/**
 * `shippo_` in UTF-16 text (Windows PowerShell 5's `>` and `Out-File`, `.reg` exports), without
 * the NUL before it (big-endian) or after it (little-endian), so one needle finds both byte orders.
 */
export const KEY_NEEDLE_UTF16 = 's\0h\0i\0p\0p\0o\0_';

/** The rarer part of each key needle for the byte search (see `Detector.rarerParts`). */
export const KEY_NEEDLE_RARER_PARTS: Readonly<Record<string, string>> = {
  [KEY_NEEDLE]: 'hippo_',
  [KEY_NEEDLE_UTF16]: '\0p\0o\0_',
};

/** Length of the hex part of a current Shippo key. */
export const KEY_HEX_LENGTH = 40;

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Escapes that end in a word character but stand for a delimiter: `\n`, `\t`, `\r` inside a
 * string literal, `\x22` and `\u0022` (JSON, JavaScript, C), `%3D` and `%22` (URL encoding), and
 * a terminal colour code (`ESC [ 1;32 m`, in coloured logs).
 */
const ESCAPE_BEFORE = /(?:\\[ntr]|\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|%[0-9A-Fa-f]{2}|\x1b\[[0-9;]*m)$/;

/** A whole key (of any length the catalogue knows) glued in front of another: two keys back to back. */
const KEY_BEFORE = /shippo_(?:live|test)_[0-9A-Fa-f]{24,64}$/;

/** How far before a key `isLeftBoundary` looks (a whole key of 64 hex characters). */
export const LEFT_CONTEXT = 'shippo_live_'.length + 64;

/**
 * True when the key starting at `start` stands on its own: nothing word-like is glued in front,
 * except an escape that stands for a delimiter (see `ESCAPE_BEFORE`) or another key.
 */
export function isLeftBoundary(text: string, start: number): boolean {
  if (start === 0) return true;
  if (!WORD_CHAR.test(text.charAt(start - 1))) return true;
  const before = text.slice(Math.max(0, start - LEFT_CONTEXT), start);
  return ESCAPE_BEFORE.test(before) || KEY_BEFORE.test(before);
}

/** True when the character at `end` cannot continue a key: not a word character, or the start of another key. */
export function isRightBoundary(text: string, end: number): boolean {
  return end >= text.length || !WORD_CHAR.test(text.charAt(end)) || kindAt(text, end) !== undefined;
}

/** `shippo_live_` or `shippo_test_` at `at`, as a kind. */
export function kindAt(text: string, at: number): KeyKind | undefined {
  if (text.startsWith('shippo_live_', at)) return 'live';
  if (text.startsWith('shippo_test_', at)) return 'test';
  return undefined;
}

/** Length of the hex run starting at `from`. */
export function hexRunLength(text: string, from: number, limit = 128): number {
  let i = from;
  const end = Math.min(text.length, from + limit);
  while (i < end) {
    const c = text.charCodeAt(i);
    const isHex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!isHex) break;
    i++;
  }
  return i - from;
}

/**
 * Hex runs that are obviously typed by hand (`000…0`, `abcabc…`, `0123456789abcdef0123…`):
 * documentation placeholders, not keys. A random 40-hex key has about 16 distinct digits and
 * no short period, so this never hides a real key.
 */
export function isPlaceholderHex(hex: string): boolean {
  const lower = hex.toLowerCase();
  if (new Set(lower).size < 6) return true;
  for (let period = 1; period <= 16 && period < lower.length; period++) {
    let periodic = true;
    for (let i = period; i < lower.length; i++) {
      if (lower.charCodeAt(i) !== lower.charCodeAt(i - period)) {
        periodic = false;
        break;
      }
    }
    if (periodic) return true;
  }
  return false;
}

/** Shared remediation text, so every detector tells the same story. */
export const ROTATE_HELP =
  'Treat the key as compromised: anyone who can read this file or its git history can use it. ' +
  'Create a new key in the Shippo dashboard (Settings, API), move the code to read it from the environment or a secret manager, ' +
  'then delete the leaked key in the dashboard. Deleting the line is not enough: the key stays in git history until it is revoked.';
