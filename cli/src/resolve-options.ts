import { isAbsolute, relative, resolve } from 'node:path';
import type { FailOn } from '@shippo-keyguard/core';
import { DEFAULT_MAX_FILE_SIZE } from '@shippo-keyguard/core/files';
import { readBaseline, type Baseline } from '@shippo-keyguard/core/baseline';
import { ConfigError, ignoreUnder, loadConfigFresh, type LoadedConfig } from '@shippo-keyguard/core/config';
import { CliError } from './errors.js';
import type { RunIO } from './io.js';

/** What triage needs for one run: the configuration and the baseline, read once before the scan. */
export interface TriageContext {
  readonly config: LoadedConfig;
  readonly baseline?: { readonly file: string; readonly data: Baseline };
}

/** Built-in values of the options the configuration may also set; the command line wins, then the file, then these. */
export const OPTION_DEFAULTS = {
  failOn: 'any' as FailOn,
  maxFileSize: DEFAULT_MAX_FILE_SIZE % 1024 ** 2 === 0 ? `${DEFAULT_MAX_FILE_SIZE / 1024 ** 2}MiB` : String(DEFAULT_MAX_FILE_SIZE),
  verifyConcurrency: 4,
  verifyTimeout: 60,
  verifyRequestTimeout: 10,
} as const;

/**
 * A scanning command's options once the command line and the configuration are combined: a plain
 * value, made once before the command runs and handed down. A copy of it (`{ ...args }`) is the
 * same options; nothing is looked up again later.
 */
export type Resolved<T> = T & {
  failOn: FailOn;
  maxFileSize: string;
  verifyConcurrency: number;
  verifyTimeout: number;
  verifyRequestTimeout: number;
  readonly triage: TriageContext;
};

type Args = Record<string, unknown>;

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

/** The first of the values that is set: the command line's, the configuration's, the built-in one. */
function first<V>(...values: (V | undefined)[]): V {
  return values.find((v) => v !== undefined) as V;
}

/**
 * Load the configuration and the baseline for a scanning command and combine them with the
 * command line: an option given there wins, else the configuration's value, else the built-in
 * default (`failOn`, `maxFileSize`, verify `concurrency`/`timeout`/`requestTimeout`). The options
 * the configuration can set have no yargs default, so "not given" is simply `undefined`.
 * Throws `CliError` (exit 2) naming the file, field and expectation. Other commands' arguments
 * come back as they are.
 */
export function resolveOptions<T extends Args>(args: T, io: RunIO, findBaseline: (start: string, config: LoadedConfig) => string | undefined): T | Resolved<T> {
  if (!hasTriageOptions(args)) return args;
  try {
    const option = args['config'];
    // The scan root: the repository for git commands (`--repo`), else the working directory.
    const start = typeof args['repo'] === 'string' ? resolve(io.cwd, args['repo']) : io.cwd;
    const config = loadConfigFresh(start, {
      ...(typeof option === 'string' ? { configFile: resolve(io.cwd, option) } : {}),
      noConfig: option === false,
    });
    const given = args['baseline'];
    const baselineFile = typeof given === 'string' ? resolve(io.cwd, given) : given === false ? undefined : findBaseline(start, config);
    return resolveWithConfig(args, config, baselineFile !== undefined ? { file: baselineFile, data: readBaseline(baselineFile) } : undefined);
  } catch (error) {
    throw asCliError(io, error);
  }
}

/**
 * Combine a scanning command's arguments with a configuration (and baseline) the caller has
 * already loaded, by the same rules as `resolveOptions`. For a caller that chooses the
 * configuration itself rather than letting the scan find one: the organisation scan applies one
 * file to every repository, its `ignore` patterns rooted in each repository (`config.dir`).
 */
export function resolveWithConfig<T extends Args>(args: T, config: LoadedConfig, baseline?: TriageContext['baseline']): Resolved<T> {
  const c = config.config;
  const triage: TriageContext = { config, ...(baseline !== undefined ? { baseline } : {}) };
  return {
    ...args,
    failOn: first(args['failOn'] as FailOn | undefined, c.failOn, OPTION_DEFAULTS.failOn),
    maxFileSize: first(args['maxFileSize'] as string | undefined, c.maxFileSize === undefined ? undefined : String(c.maxFileSize), OPTION_DEFAULTS.maxFileSize),
    // Only the commands that open archives have the option: the others keep it unset.
    ...('archiveDepth' in args || 'archive-depth' in args || c.archiveDepth !== undefined
      ? { archiveDepth: first(args['archiveDepth'] as number | undefined, c.archiveDepth) }
      : {}),
    verifyConcurrency: first(args['verifyConcurrency'] as number | undefined, c.verify?.concurrency, OPTION_DEFAULTS.verifyConcurrency),
    verifyTimeout: first(args['verifyTimeout'] as number | undefined, c.verify?.timeout, OPTION_DEFAULTS.verifyTimeout),
    verifyRequestTimeout: first(args['verifyRequestTimeout'] as number | undefined, c.verify?.requestTimeout, OPTION_DEFAULTS.verifyRequestTimeout),
    triage,
  };
}

/** The configuration's `ignore` for a source rooted at `root`, applied while listing (nothing ignored is read). */
export function ignoreOption(args: Args, root: string): { ignore?: (rel: string) => boolean } {
  const triage = args['triage'] as TriageContext | undefined;
  const ignore = triage ? ignoreUnder(triage.config, root) : undefined;
  return ignore ? { ignore } : {};
}
