import { isAbsolute, relative, resolve } from 'node:path';
import { readBaseline, type Baseline } from '@shippo-keyguard/core/baseline';
import { ConfigError, loadConfigFresh, type LoadedConfig } from '@shippo-keyguard/core/config';
import { CliError } from '../errors.js';
import type { RunIO } from '../io.js';

/**
 * What triage needs for one run: the configuration and the `--baseline`. Loaded before the
 * command runs (so a bad file fails fast, with exit 2, before a long scan) and kept per
 * parsed-arguments object for the suppress step.
 */
export interface TriageContext {
  readonly config: LoadedConfig;
  readonly baseline?: { readonly file: string; readonly data: Baseline };
}

type Args = Record<string, unknown>;

const contexts = new WeakMap<object, TriageContext>();
const defaulted = new WeakMap<object, ReadonlySet<string>>();

/**
 * yargs middleware: remember which options took their default, so the configuration file can
 * fill exactly those (flags on the command line win over the file).
 */
export function recordDefaulted(argv: Args, yargs: unknown): void {
  const parsed = (yargs as { parsed?: { defaulted?: Record<string, unknown> } } | undefined)?.parsed;
  defaulted.set(argv, new Set(Object.keys(parsed?.defaulted ?? {})));
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Set an option from the configuration unless it was given on the command line. */
function fillDefault(args: Args, kebab: string, value: unknown): void {
  if (value === undefined || !(camel(kebab) in args)) return;
  const given = defaulted.get(args);
  if (given !== undefined && !given.has(kebab) && !given.has(camel(kebab))) return;
  args[kebab] = value;
  args[camel(kebab)] = value;
}

export function displayPath(io: RunIO, file: string): string {
  const rel = relative(io.cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function asCliError(io: RunIO, error: unknown): unknown {
  return error instanceof ConfigError ? new CliError(error.lines((f) => displayPath(io, f)).join('\n')) : error;
}

/** Does this parsed command take the triage options (every scanning command does)? */
export function hasTriageOptions(args: Args): boolean {
  return typeof args['inlineAllow'] === 'boolean';
}

/**
 * Load the configuration and the baseline for a scanning command and let the configuration
 * fill options the command line left at their defaults (`failOn`, `maxFileSize`, verify
 * `concurrency`/`timeout`). Throws `CliError` (exit 2) naming the file, field and expectation.
 */
export function prepareTriage(args: Args, io: RunIO): TriageContext | undefined {
  if (!hasTriageOptions(args)) return undefined;
  const existing = contexts.get(args);
  if (existing) return existing;
  try {
    const option = args['config'];
    // The scan root: the repository for git commands (`--repo`), else the working directory.
    const start = typeof args['repo'] === 'string' ? resolve(io.cwd, args['repo']) : io.cwd;
    const config = loadConfigFresh(start, {
      ...(typeof option === 'string' ? { configFile: resolve(io.cwd, option) } : {}),
      noConfig: option === false,
    });
    const c = config.config;
    fillDefault(args, 'fail-on', c.failOn);
    fillDefault(args, 'max-file-size', c.maxFileSize === undefined ? undefined : String(c.maxFileSize));
    fillDefault(args, 'archive-depth', c.archiveDepth);
    fillDefault(args, 'verify-concurrency', c.verify?.concurrency);
    fillDefault(args, 'verify-timeout', c.verify?.timeout);
    fillDefault(args, 'verify-request-timeout', c.verify?.requestTimeout);
    const baselineFile = typeof args['baseline'] === 'string' ? resolve(io.cwd, args['baseline']) : undefined;
    const context: TriageContext = {
      config,
      ...(baselineFile !== undefined ? { baseline: { file: baselineFile, data: readBaseline(baselineFile) } } : {}),
    };
    contexts.set(args, context);
    return context;
  } catch (error) {
    throw asCliError(io, error);
  }
}

/** The context `prepareTriage` made for these arguments (made now if it was not). */
export function triageContext(args: Args, io: RunIO): TriageContext | undefined {
  return contexts.get(args) ?? prepareTriage(args, io);
}
