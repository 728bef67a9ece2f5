import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Detector } from '@shippo-keyguard/rules';
import type { Finding } from '../finding.js';
import type { ScanStats, ScanWarning } from '../report/model.js';
import { scanContent } from '../scan-content.js';
import type { SecretStore } from '../secret.js';

export interface FileScanOptions {
  /** Paths given on the command line (files or directories), relative to `cwd`. */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** Respect .gitignore (inside a git work tree). */
  readonly gitignore?: boolean;
  readonly maxFileSize?: number;
  readonly detectors?: readonly Detector[];
  readonly secrets?: SecretStore;
  readonly onProgress?: (files: number, bytes: number) => void;
}

export interface FileScanResult {
  /** Absolute root that finding paths are relative to. */
  readonly root: string;
  readonly findings: Finding[];
  readonly warnings: ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
}

export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Minimal walker; replaced by the git-aware, multi-core lister. */
function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

export async function scanFiles(options: FileScanOptions): Promise<FileScanResult> {
  const root = resolve(options.cwd);
  const findings: Finding[] = [];
  const warnings: ScanWarning[] = [];
  let scanned = 0;
  let bytes = 0;
  let skipped = 0;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  for (const given of options.paths) {
    const abs = resolve(root, given);
    const files = statSync(abs).isDirectory() ? [...walk(abs)] : [abs];
    for (const file of files) {
      const rel = toPosix(relative(root, file));
      if (statSync(file).size > maxFileSize) {
        skipped++;
        warnings.push({ code: 'too-large', message: `${rel}: skipped, larger than ${maxFileSize} bytes`, path: rel });
        continue;
      }
      const content = readFileSync(file);
      scanned++;
      bytes += content.length;
      findings.push(...scanContent(content, { path: rel, ...(options.secrets ? { secrets: options.secrets } : {}) }));
    }
  }
  return { root, findings, warnings, stats: { scanned, bytes, skipped } };
}
