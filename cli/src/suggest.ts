import type { Argv } from 'yargs';

/** yargs' default export, passed in by whoever loaded it (it loads only when a command line needs parsing). */
export type YargsFactory = typeof import('yargs').default;

/**
 * "Did you mean --format?" for a mistyped option. yargs suggests commands
 * (`recommendCommands`) but not options: its strict mode only says "Unknown argument: formt".
 */

/** The long option names a command's builder defines (and `no-` forms of its booleans). */
export function optionNames(yargs: YargsFactory, builder: (y: Argv) => Argv<any>): string[] {
  // getOptions() is yargs' own (run.ts uses it too); @types/yargs does not declare it.
  const built = builder(yargs([])) as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[] } };
  const options = built.getOptions();
  const long = Object.keys(options.key).filter((name) => name.length > 1 && !/[A-Z]/.test(name));
  return [...long, ...options.boolean.filter((name) => long.includes(name)).map((name) => `no-${name}`)];
}

/** Optimal string alignment distance: edits, with a swap of two neighbours as one edit (`outptu`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known option, if it is close enough to be what was meant. */
export function closestOption(typed: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  // At most two edits, and fewer than half the word: `--zzzz` gets no guess.
  return best.distance <= 2 && best.distance * 2 < typed.length ? best.name : undefined;
}

/** The option as the user wrote it: yargs reports `--no-redcat` as `redcat`, `--formt=json` as `formt`. */
function asTyped(name: string, argv: readonly string[]): string {
  for (const arg of argv) {
    const bare = arg.replace(/=.*$/, '');
    if (bare === `--no-${name}` || bare === `--${name}` || bare === `-${name}`) return bare.replace(/^-+/, '');
  }
  return name;
}

/**
 * yargs' "Unknown argument(s): a, b" with a suggestion after each option that is close to a known
 * one; any other message is returned as it is.
 */
export function withOptionSuggestions(message: string, argv: readonly string[], known: () => readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m?.[1]) return message;
  const names = m[1].split(', ');
  // yargs lists `--redact-x` twice, as `redact-x` and `redactX`.
  const unknown = names.filter((n) => !(/[A-Z]/.test(n) && names.some((o) => o !== n && o.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === n)));
  const options = known();
  const shown = unknown.map((name) => {
    const typed = asTyped(name, argv);
    if (!argv.some((a) => a.startsWith('-') && a.replace(/^-+/, '').replace(/=.*$/, '') === typed)) return name; // a stray positional
    const dashes = typed.length === 1 ? '-' : '--';
    const guess = closestOption(typed, options);
    return guess === undefined ? `${dashes}${typed}` : `${dashes}${typed} (did you mean --${guess}?)`;
  });
  return `Unknown argument${shown.length === 1 ? '' : 's'}: ${shown.join(', ')}`;
}
