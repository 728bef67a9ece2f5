import { describe, expect, it } from 'vitest';
import { isAllowedInline } from './inline-allow.js';

const KEY = 'KEYHERE';
function at(text: string): [string, number] {
  return [text, text.indexOf(KEY)];
}

describe('isAllowedInline', () => {
  const allowed: [string, string][] = [
    ['// same line', `const k = "${KEY}"; // shippo-keyguard:allow`],
    ['# same line', `K=${KEY} # shippo-keyguard:allow`],
    ['/* */ same line', `x("${KEY}") /* shippo-keyguard:allow */`],
    ['<!-- --> same line', `${KEY} <!-- shippo-keyguard:allow -->`],
    ['-- same line', `select '${KEY}'; -- shippo-keyguard:allow`],
    ['// next line', `// shippo-keyguard:allow-next-line\nconst k = "${KEY}";`],
    ['# next line, CRLF', `# shippo-keyguard:allow-next-line\r\nK=${KEY}\r\n`],
    ['gitleaks', `k = "${KEY}" # gitleaks:allow`],
    ['detect-secrets', `k = "${KEY}"  # pragma: allowlist secret`],
    ['detect-secrets next line', `# pragma: allowlist nextline secret\nk = "${KEY}"`],
  ];
  for (const [name, text] of allowed) {
    it(`allows ${name}`, () => {
      const [t, o] = at(text);
      expect(isAllowedInline(t, o)).toBe(true);
      expect(isAllowedInline(Buffer.from(t), Buffer.from(t).indexOf(KEY))).toBe(true);
    });
  }
  const notAllowed: [string, string][] = [
    ['no marker', `const k = "${KEY}";`],
    ['marker two lines up', `// shippo-keyguard:allow-next-line\n\nconst k = "${KEY}";`],
    ['same-line marker on the line before', `// shippo-keyguard:allow\nconst k = "${KEY}";`],
    ['next-line marker on the same line', `const k = "${KEY}"; // shippo-keyguard:allow-next-line`],
    ['marker on the next line', `const k = "${KEY}";\n// shippo-keyguard:allow`],
    ['marker outside a comment', `const k = "${KEY} shippo-keyguard:allow";`],
    ['a longer marker name', `k = "${KEY}" // shippo-keyguard:allowed`],
  ];
  for (const [name, text] of notAllowed) {
    it(`does not allow ${name}`, () => {
      const [t, o] = at(text);
      expect(isAllowedInline(t, o)).toBe(false);
    });
  }
  it('ignores foreign markers when asked', () => {
    const [t, o] = at(`k = "${KEY}" # gitleaks:allow`);
    expect(isAllowedInline(t, o, { foreign: false })).toBe(false);
  });
});
