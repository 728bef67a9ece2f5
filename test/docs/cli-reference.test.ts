import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';

/**
 * docs/cli.md against the CLI itself: every command, every option and every positional of each
 * command, as its `--help` lists them (yargs renders that from the command definitions), is
 * documented in that command's section; and the section documents no option the command lacks.
 */

const reference = readFileSync(`${REPO_ROOT}docs/cli.md`, 'utf8');

async function help(args: readonly string[]): Promise<string> {
  const r = await runCli([...args, '--help'], { cwd: REPO_ROOT });
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

/** Command names from the top-level help: `  shippo-keyguard scan [paths..]  Scan ...`. */
async function commands(): Promise<string[]> {
  return [...(await help([])).matchAll(/^ {2}shippo-keyguard ([a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

interface CommandHelp {
  /** Long option names (`format`), without --help and --version. */
  readonly options: string[];
  readonly positionals: string[];
}

function parseHelp(text: string): CommandHelp {
  const options: string[] = [];
  const positionals: string[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\S.*:$/.test(line)) section = line;
    if (section === 'Examples:') break; // wrapped examples start with options too
    const option = /^ {2}(?:-[a-zA-Z], )? {0,4}--([a-z][a-z0-9-]*)\b/.exec(line);
    if (option && option[1] !== 'help' && option[1] !== 'version') options.push(option[1]!);
    const positional = /^ {2}([a-z][a-z-]*) {2,}\S/.exec(line);
    if (section === 'Positionals:' && positional) positionals.push(positional[1]!);
  }
  return { options, positionals };
}

/** The part of docs/cli.md under `## <command>` (the heading may be code: ## `scan`). */
function sectionFor(command: string): string {
  const heading = new RegExp(`^## \`?${command}\`?(?: |$)`, 'm');
  const m = heading.exec(reference);
  if (!m) return '';
  const rest = reference.slice(m.index + m[0].length);
  const next = rest.search(/^## /m);
  return next === -1 ? rest : rest.slice(0, next);
}

/** Options the section documents: every `--name` in it. */
function documentedOptions(section: string): Set<string> {
  return new Set([...section.matchAll(/--([a-z][a-z0-9-]*[a-z0-9])/g)].map((m) => m[1]!));
}

describe('docs/cli.md', async () => {
  const names = await commands();

  it('finds the commands and their options in --help (the check would check nothing otherwise)', async () => {
    expect(names).toEqual(expect.arrayContaining(['scan', 'history', 'staged', 'baseline', 'install-hook', 'pre-commit', 'pre-push', 'action']));
    const scan = parseHelp(await help(['scan']));
    expect(scan.options).toEqual(expect.arrayContaining(['format', 'output', 'fail-on', 'verify', 'api-base-url', 'gitignore', 'max-file-size', 'stdin-filename']));
    expect(scan.positionals).toEqual(['paths']);
  });

  it('would catch an option missing from a section', async () => {
    const parsed = parseHelp(await help(['history']));
    const section = sectionFor('history').replaceAll('--recurse-submodules', '');
    const documented = documentedOptions(section);
    expect(parsed.options.filter((o) => !documented.has(o) && !documented.has(`no-${o}`))).toEqual(['recurse-submodules']);
  });

  it.each(names)('documents the command %s, each of its options and positionals', async (name) => {
    const section = sectionFor(name);
    expect(section, `docs/cli.md has no "## ${name}" section`).not.toBe('');
    const parsed = parseHelp(await help([name]));
    const documented = documentedOptions(section);
    const missing = parsed.options.filter((o) => !documented.has(o) && !documented.has(`no-${o}`));
    expect(missing, `options of ${name} not in its section of docs/cli.md`).toEqual([]);
    for (const p of parsed.positionals) expect(section, `positional ${p} of ${name}`).toMatch(new RegExp(`\\b${p}\\b`));
  });

  it.each(names)('documents no option that %s does not have', async (name) => {
    const parsed = parseHelp(await help([name]));
    const known = new Set([...parsed.options, ...parsed.options.map((o) => `no-${o}`), 'help', 'version']);
    // A boolean's --no- form counts as documenting it. Options of other commands may be named in passing ("see --verify"); they must exist somewhere.
    const everywhere = new Set<string>(known);
    for (const other of names) for (const o of parseHelp(await help([other])).options) everywhere.add(o).add(`no-${o}`);
    const table = sectionFor(name)
      .split('\n')
      .filter((l) => l.startsWith('| `-'))
      .flatMap((l) => [...l.split('|')[1]!.matchAll(/--([a-z][a-z0-9-]*[a-z0-9])/g)].map((m) => m[1]!));
    expect(table.filter((o) => !known.has(o)), `rows of ${name}'s option table that it does not accept`).toEqual([]);
    expect([...documentedOptions(sectionFor(name))].filter((o) => !everywhere.has(o) && !IGNORED.has(o))).toEqual([]);
  });
});

/** `--` words in prose that are git's or other tools' options, not ours. */
const IGNORED = new Set([
  'all', 'cached', 'not', 'remotes', 'unshallow', 'no-verify', 'frozen-lockfile', 'batch-all-objects', 'depth', 'hook-type', 'all-files', 'rule-kind',
  'expire', 'prune', 'no-renames', 'root', 'topo-order', 'diff-merges', 'raw', 'exclude-standard', 'objects', 'filter', 'buffer', 'batch', 'batch-check', 'unordered', 'follow-tags', 'cache', 'cache-location', 'global', 'add', 'git-dir',
]);
