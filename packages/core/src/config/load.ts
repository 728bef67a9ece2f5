import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { yamlParseDocument } from './deps.js';
import { configSchema, type KeyguardConfig } from './schema.js';
import { ConfigError, jsonSyntaxMessage, readTextOrThrow } from './settings-file.js';
import { compileChecker, type ConfigProblem } from './validation.js';

/** File names looked for in each directory, in this order. */
export const CONFIG_FILE_NAMES = ['.shippo-keyguard.json', '.shippo-keyguard.yaml', '.shippo-keyguard.yml'] as const;

export type { ConfigProblem } from './validation.js';
export { ConfigError, jsonSyntaxMessage, readTextOrThrow, redactKeys } from './settings-file.js';

export interface LoadedConfig {
  /** Absolute path of the file read; undefined when none was found or with `noConfig`. */
  readonly file?: string;
  /** Directory `ignore` patterns are relative to: the file's directory, else the start directory. */
  readonly dir: string;
  readonly config: KeyguardConfig;
}

export interface LoadConfigOptions {
  /** Read this file instead of looking for one (`--config FILE`), relative to the start directory. */
  readonly configFile?: string;
  /** Read no file at all (`--no-config`). */
  readonly noConfig?: boolean;
}

/**
 * The configuration file that applies to `startDir`: the nearest one walking up, stopping at the
 * git top-level (a directory holding `.git`) or the filesystem root, so a file in a home
 * directory never leaks into every repository below it.
 */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const here = CONFIG_FILE_NAMES.map((name) => join(dir, name)).filter((file) => existsSync(file));
    if (here.length > 1) {
      throw new ConfigError(here[0] as string, [
        { path: '', message: `more than one configuration file in ${dir} (${here.map((f) => f.slice(dir.length + 1)).join(', ')}); keep one` },
      ]);
    }
    if (here[0] !== undefined) return here[0];
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function parseFile(file: string, text: string): unknown {
  if (extname(file).toLowerCase() === '.json') {
    // An empty file (just created) configures nothing, as an empty YAML file does.
    if (text.trim() === '') return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(file, [{ path: '', message: `not valid JSON: ${jsonSyntaxMessage(error)}` }]);
    }
    // JSON.parse keeps the last of two equal keys and drops the first unseen; YAML refuses them too.
    const twice = duplicateJsonKeys(text);
    if (twice.length > 0) {
      throw new ConfigError(
        file,
        twice.map((d) => ({ path: '', message: `not valid JSON (line ${d.line}, column ${d.column}): ${JSON.stringify(d.key)} is given twice` })),
      );
    }
    return value;
  }
  const doc = yamlParseDocument()(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    throw new ConfigError(file, [
      {
        path: '',
        // Only the first line: the rest quotes the source, which may hold a key.
        message: `not valid YAML${at ? ` (line ${at.line}, column ${at.col})` : ''}: ${(first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      },
    ]);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // yaml refuses to expand an alias bomb ("billion laughs") here, before it costs memory.
    const message = (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: `not valid YAML: ${/alias count/i.test(message) ? 'too many aliases (an alias bomb?)' : message.split('\n')[0]}` }]);
  }
  return value === null || value === undefined ? {} : value;
}

/** Keys given twice in one object of a valid JSON text, where the second one starts. */
function duplicateJsonKeys(text: string): { key: string; line: number; column: number }[] {
  const found: { key: string; line: number; column: number }[] = [];
  const open: (Set<string> | undefined)[] = []; // the keys of each open object; undefined for an array
  let expectKey = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : undefined);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      open.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = open[open.length - 1] !== undefined;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (expectKey && keys !== undefined) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) found.push({ key, line, column: i - lineStart + 1 });
        keys.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return found;
}

/** Validation problems of a parsed configuration, in document order, one per field. */
export const checkConfig: (value: unknown) => ConfigProblem[] = compileChecker(configSchema);

/** Read, parse and validate one configuration file. */
export function readConfigFile(file: string): KeyguardConfig {
  const text = readTextOrThrow(file, 'configuration file');
  const value = parseFile(file, text.replace(/^\uFEFF/, ''));
  const problems = checkConfig(value);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return value as KeyguardConfig;
}

/**
 * The configuration for a scan rooted at `startDir`: `configFile` if given, else the nearest
 * file walking up (see `findConfigFile`), else an empty configuration. Throws `ConfigError`.
 */
export function loadConfigFresh(startDir: string, options: LoadConfigOptions = {}): LoadedConfig {
  const start = resolve(startDir);
  if (options.noConfig) return { dir: start, config: {} };
  const file = options.configFile !== undefined ? resolve(start, options.configFile) : findConfigFile(start);
  if (file === undefined) return { dir: start, config: {} };
  return { file, dir: dirname(file), config: readConfigFile(file) };
}

/** Async form for callers that prefer it (the work is small and synchronous). */
export async function loadConfig(startDir: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  return loadConfigFresh(startDir, options);
}

const memo = new Map<string, { loaded?: LoadedConfig; error?: unknown }>();

/**
 * Like `loadConfig`, but remembered for the life of the process (errors too), keyed by start
 * directory and options: the ESLint plugin calls this on every lint and must not read or
 * validate the file per keystroke. Restart the editor's ESLint server after editing the file.
 */
export function loadConfigSync(startDir: string, options: LoadConfigOptions = {}): LoadedConfig {
  const key = `${resolve(startDir)}\0${options.configFile ?? ''}\0${options.noConfig ? 1 : 0}`;
  let entry = memo.get(key);
  if (entry === undefined) {
    try {
      entry = { loaded: loadConfigFresh(startDir, options) };
    } catch (error) {
      entry = { error };
    }
    memo.set(key, entry);
  }
  if (entry.error !== undefined) throw entry.error;
  return entry.loaded as LoadedConfig;
}

/** Forget what `loadConfigSync` remembered (tests; a long-lived process that watches the file). */
export function clearConfigCache(): void {
  memo.clear();
}
