import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from '../finding.js';
import { filterFindings, type FilterOutcome, type FilterRules } from '../filter.js';
import { ignoreFactory } from './deps.js';
import { redactKeys, type LoadedConfig } from './load.js';

/**
 * A predicate for the configuration's `ignore` patterns, taking absolute paths. Patterns are
 * relative to the configuration file's directory, as in a `.gitignore`; paths outside that
 * directory are never ignored. File sources can use it to skip paths before reading them.
 */
export function ignoreMatcher(loaded: LoadedConfig): (absolutePath: string, isDirectory?: boolean) => boolean {
  const patterns = loaded.config.ignore ?? [];
  if (patterns.length === 0) return () => false;
  const ig = ignoreFactory()().add([...patterns]);
  return (absolutePath, isDirectory = false) => {
    const rel = relative(loaded.dir, absolutePath);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    return ig.ignores(isDirectory ? `${posix}/` : posix);
  };
}

/**
 * The configuration's `ignore` as a predicate on paths relative to a scan root (`/`-separated,
 * as sources name them), so a source can skip a path while listing, before anything is read.
 * Built once per scan: the root's place relative to the configuration's directory is worked out
 * here, not per file.
 */
export function ignoreUnder(loaded: LoadedConfig, root: string): ((rel: string) => boolean) | undefined {
  const patterns = loaded.config.ignore ?? [];
  if (patterns.length === 0) return undefined;
  const ig = ignoreFactory()().add([...patterns]);
  const fromConfig = relative(loaded.dir, resolve(root));
  if (fromConfig.startsWith('..') || isAbsolute(fromConfig)) {
    // The root is above the configuration's directory (or elsewhere): map each path.
    const matcher = ignoreMatcher(loaded);
    return (rel) => matcher(resolve(root, rel));
  }
  const prefix = fromConfig === '' ? '' : `${sep === '/' ? fromConfig : fromConfig.split(sep).join('/')}/`;
  return (rel) => rel !== '' && rel !== '.' && rel !== '-' && !rel.startsWith('../') && ig.ignores(prefix + rel);
}

export type ConfigOutcome = FilterOutcome;

/**
 * The configuration's part of the filter (see `filter.ts`) for a scan rooted at `root`: ignored
 * paths, detector settings and allowed keys (reasons redacted: reports carry them verbatim, and a
 * key pasted into one must stay redacted).
 */
export function configFilter(loaded: LoadedConfig, root: string): FilterRules {
  const { config } = loaded;
  const allowed = new Map((config.allow ?? []).map((a) => [a.fingerprint, redactKeys(a.reason)]));
  const ignored = ignoreUnder(loaded, root);
  return {
    ...(ignored ? { ignored } : {}),
    ...(config.detectors ? { detector: (id: string) => config.detectors?.[id] } : {}),
    ...(allowed.size > 0 ? { allowed: (fingerprint: string) => allowed.get(fingerprint) } : {}),
  };
}

/**
 * Apply a configuration to findings whose paths are relative to `root`: drop ignored paths and
 * detectors turned `off`, set levels, and mark allowed fingerprints. Findings already marked
 * (inline allows) keep their mark. Stdin (`-`) has no path to ignore. The filter step with the
 * configuration alone.
 */
export function applyConfig(findings: readonly Finding[], loaded: LoadedConfig, root: string): ConfigOutcome {
  return filterFindings(findings, configFilter(loaded, root));
}

/** What a linter needs from the configuration (and the baseline) for one file. */
export interface FileTriage {
  /** The file matches `ignore`: report nothing in it. */
  readonly ignored: boolean;
  /** The filter's rules for keys in the file (detector settings, allowed keys, the baseline); inline comments per rule options. */
  readonly rules: FilterRules;
  /** The configured setting of a detector, if any: `off` or the level to report at. */
  detector(id: string): 'off' | 'error' | 'warning' | 'note' | undefined;
  /** The `allow` reason for a key's fingerprint, if the configuration allows it. */
  allowReason(fingerprint: string): string | undefined;
}

const matchers = new WeakMap<LoadedConfig, ReturnType<typeof ignoreMatcher>>();
const filters = new WeakMap<LoadedConfig, Map<object | undefined, FilterRules>>();

/**
 * The configuration's answers for one file, built once per loaded configuration (and baseline
 * filter): `fileTriage(loadConfigSync(context.cwd), context.filename, baselineRules)`.
 */
export function fileTriage(loaded: LoadedConfig, absoluteFile: string, baseline: FilterRules = {}): FileTriage {
  let matcher = matchers.get(loaded);
  if (matcher === undefined) matchers.set(loaded, (matcher = ignoreMatcher(loaded)));
  let byBaseline = filters.get(loaded);
  if (byBaseline === undefined) filters.set(loaded, (byBaseline = new Map()));
  let rules = byBaseline.get(baseline);
  if (rules === undefined) {
    // Paths are decided per file (`ignored`): the rules carry no ignore of their own.
    const { ignored: _perFile, ...config } = configFilter(loaded, loaded.dir);
    byBaseline.set(baseline, (rules = { ...config, ...baseline }));
  }
  const filter = rules;
  return {
    ignored: matcher(absoluteFile),
    rules: filter,
    detector: (id) => loaded.config.detectors?.[id],
    allowReason: (fingerprint) => filter.allowed?.(fingerprint),
  };
}
