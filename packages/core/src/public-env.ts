/**
 * Prefixes that front-end build tools inline into browser bundles: Next.js, Vite, Create React
 * App, Expo, SvelteKit/Astro, Gatsby, Nuxt, Storybook.
 */
export const PUBLIC_ENV_PREFIXES = [
  'NEXT_PUBLIC_',
  'VITE_',
  'REACT_APP_',
  'EXPO_PUBLIC_',
  'PUBLIC_',
  'GATSBY_',
  'NUXT_PUBLIC_',
  'STORYBOOK_',
] as const;

/** The public prefix of an environment variable name that holds a Shippo key, if it has one. */
export function publicShippoPrefix(name: string, prefixes: readonly string[] = PUBLIC_ENV_PREFIXES): string | undefined {
  // Longest first, so NUXT_PUBLIC_ wins over a shorter match.
  let best: string | undefined;
  for (const prefix of prefixes) {
    if (name.startsWith(prefix) && (best === undefined || prefix.length > best.length) && /shippo/i.test(name.slice(prefix.length))) {
      best = prefix;
    }
  }
  return best;
}

/**
 * Definitions of public Shippo variables in configuration text: `.env` lines, Dockerfile
 * `ARG`/`ENV`, YAML/TOML/JSON keys, `export X=` in shell. Yields the name and its offset, in order.
 */
export function publicEnvAssignments(
  text: string,
  prefixes: readonly string[] = PUBLIC_ENV_PREFIXES,
): { name: string; prefix: string; offset: number }[] {
  if (!/shippo/i.test(text)) return [];
  const found = new Map<number, { name: string; prefix: string; offset: number }>();
  const patterns = [
    // A name not glued to a word character before it, optionally quoted, then `=` or `:`.
    /(?<![\w$.-])([A-Z][A-Z0-9_]*)["']?[ \t]*[=:]/g,
    // Dockerfile `ARG NAME` and the legacy `ENV NAME value`.
    /^[ \t]*(?:ARG|ENV)[ \t]+([A-Z][A-Z0-9_]*)(?=[ \t\r\n=]|$)/gm,
  ];
  for (const pattern of patterns) {
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const name = m[1] as string;
      const prefix = publicShippoPrefix(name, prefixes);
      const offset = m.index + m[0].indexOf(name);
      if (prefix !== undefined) found.set(offset, { name, prefix, offset });
    }
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}

/** A fence line: up to three spaces, then three or more backticks or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Markdown with everything outside fenced code blocks blanked (line breaks kept, so offsets stay
 * put): prose that names a variable ("never set NEXT_PUBLIC_SHIPPO_KEY: …") defines nothing,
 * while a fenced `.env` or YAML sample a reader copies does.
 */
export function fencedCodeOnly(markdown: string): string {
  let out = '';
  let open: string | undefined;
  for (const line of markdown.split(/(?<=\n)/)) {
    const fence = FENCE.exec(line)?.[1];
    if (open === undefined) {
      if (fence !== undefined) open = fence;
      out += line.replace(/[^\r\n]/g, ' ');
    } else if (fence !== undefined && fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) {
      open = undefined;
      out += line.replace(/[^\r\n]/g, ' ');
    } else {
      out += line;
    }
  }
  return out;
}

/**
 * The findings of a git-ignored env file that are still reported: keys assigned to a public
 * variable (`NEXT_PUBLIC_SHIPPO_KEY=…`), which build tools inline into the browser bundle whether
 * git tracks the file or not. Other keys there are where keys belong.
 */
export function publicKeyFindings<F extends { readonly startOffset: number }>(text: string, findings: readonly F[], prefixes: readonly string[] = PUBLIC_ENV_PREFIXES): F[] {
  const assignments = publicEnvAssignments(text, prefixes);
  if (assignments.length === 0) return [];
  return findings.filter((f) =>
    assignments.some((a) => a.offset < f.startOffset && !/[\r\n]/.test(text.slice(a.offset, f.startOffset))),
  );
}
