import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from '../finding.js';
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

export interface ConfigOutcome {
  /** Findings still reported (levels as the configuration sets them). */
  readonly kept: Finding[];
  /** Findings whose key the configuration's `allow` lists: `suppression: {by: 'config', reason}`. */
  readonly suppressed: Finding[];
  /** How many findings were dropped: ignored path or detector turned off. */
  readonly dropped: number;
}

/**
 * Apply a configuration to findings whose paths are relative to `root`: drop ignored paths and
 * detectors turned `off`, set levels, and mark allowed fingerprints. Findings already marked
 * (inline allows) keep their mark. Stdin (`-`) has no path to ignore.
 */
export function applyConfig(findings: readonly Finding[], loaded: LoadedConfig, root: string): ConfigOutcome {
  const { config } = loaded;
  const ignored = ignoreMatcher(loaded);
  const allowed = new Map((config.allow ?? []).map((a) => [a.fingerprint, a.reason]));
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  let dropped = 0;
  for (const original of findings) {
    const setting = config.detectors?.[original.detector];
    if (setting === 'off' || (original.source !== 'stdin' && original.path !== '-' && ignored(resolve(root, original.path)))) {
      dropped++;
      continue;
    }
    let f = setting !== undefined && setting !== original.level ? { ...original, level: setting } : original;
    const reason = allowed.get(f.fingerprint);
    // A reason is free text that reports carry verbatim: a key pasted into it stays redacted.
    if (reason !== undefined && f.suppression === undefined) f = { ...f, suppression: { by: 'config', reason: redactKeys(reason) } };
    (f.suppression ? suppressed : kept).push(f);
  }
  return { kept, suppressed, dropped };
}

/** What a linter needs from the configuration for one file (the ESLint plugin). */
export interface FileTriage {
  /** The file matches `ignore`: report nothing in it. */
  readonly ignored: boolean;
  /** The configured setting of a detector, if any: `off` or the level to report at. */
  detector(id: string): 'off' | 'error' | 'warning' | 'note' | undefined;
  /** The `allow` reason for a key's fingerprint, if the configuration allows it. */
  allowReason(fingerprint: string): string | undefined;
}

const matchers = new WeakMap<LoadedConfig, ReturnType<typeof ignoreMatcher>>();
const allows = new WeakMap<LoadedConfig, ReadonlyMap<string, string>>();

/**
 * The configuration's answers for one file, built once per loaded configuration:
 * `fileTriage(loadConfigSync(context.cwd), context.filename)`.
 */
export function fileTriage(loaded: LoadedConfig, absoluteFile: string): FileTriage {
  let matcher = matchers.get(loaded);
  if (matcher === undefined) matchers.set(loaded, (matcher = ignoreMatcher(loaded)));
  let allowed = allows.get(loaded);
  if (allowed === undefined) allows.set(loaded, (allowed = new Map((loaded.config.allow ?? []).map((a) => [a.fingerprint, a.reason]))));
  const map = allowed;
  return {
    ignored: matcher(absoluteFile),
    detector: (id) => loaded.config.detectors?.[id],
    allowReason: (fingerprint) => map.get(fingerprint),
  };
}
