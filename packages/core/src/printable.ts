/**
 * A path for a one-line message: control characters (a newline in a file name) escaped, and so
 * are the characters that make a terminal show text other than it is: C1 controls, line and
 * paragraph separators, and bidirectional overrides (a name with U+202E reads backwards).
 */
export function printablePath(path: string): string {
  return path.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
