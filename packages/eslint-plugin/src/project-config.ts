import { isAbsolute, relative, resolve } from 'node:path';
import { baselineFilter, loadBaselineSync } from '@shippo-keyguard/core/baseline';
import { isGitIgnored } from './git-ignored.js';
import { ConfigError, fileTriage, loadConfigSync, type FileTriage } from '@shippo-keyguard/core/config';

/** The project's `.shippo-keyguard.json` / `.yaml` as it applies to one linted file. */
export type ProjectConfig = { readonly triage: FileTriage; readonly error?: undefined } | { readonly triage?: undefined; readonly error: string };

/**
 * A key in a file git ignores is where a key belongs (a local `.env`): the CLI's `scan .` skips
 * such files, and so do the key rules. `no-public-env-key` still reports a public variable there,
 * since build tools inline it into the browser bundle whether git tracks the file or not.
 */
export function skipsKeysIn(context: ConfigContext): boolean {
  return isGitIgnored(resolve(context.cwd, context.physicalFilename), context.cwd);
}

interface ConfigContext {
  readonly cwd: string;
  readonly physicalFilename: string;
}

/**
 * The same configuration file the CLI reads, found from ESLint's working directory, and the same
 * baseline (the repository root's `.shippo-keyguard-baseline.json`, or the file the
 * configuration's `baseline` names): a baselined key is not reported in the editor either. Read
 * and validated once per process and directory (both loaders remember them, errors too), so a
 * keystroke costs a map lookup; call it only once a file may hold a key. A bad file becomes its
 * first error line (the path relative to `cwd`, keys redacted) instead of an exception: a linter
 * that throws on every file hides the keys it should report.
 */
export function projectConfigFor(context: ConfigContext): ProjectConfig {
  const { cwd } = context;
  try {
    // The physical file: a processor's virtual block (`.env/0_file.shippo-keyguard-text`) is not a path in the project.
    const loaded = loadConfigSync(cwd);
    return { triage: fileTriage(loaded, resolve(cwd, context.physicalFilename), baselineFilter(loadBaselineSync(cwd, loaded))) };
  } catch (error) {
    if (error instanceof ConfigError) {
      const display = (file: string) => {
        const rel = relative(cwd, file);
        return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
      };
      return { error: error.lines(display)[0] ?? display(error.file) };
    }
    return { error: `cannot read the shippo-keyguard configuration: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
}

/**
 * The file's triage for the rules that do not report a broken configuration themselves, read on
 * first use (so only a file with something to report pays for it) and then kept for the file.
 * Undefined without a usable configuration: `no-hardcoded-key` reports a broken file once, and a
 * broken file must not hide anything here either.
 */
export function lazyTriage(context: ConfigContext): () => FileTriage | undefined {
  let read = false;
  let triage: FileTriage | undefined;
  return () => {
    if (!read) {
      read = true;
      triage = projectConfigFor(context).triage;
    }
    return triage;
  };
}
