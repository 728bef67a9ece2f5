import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { run, type RunResult } from 'shippo-keyguard';
import { git } from '../support/tree.js';

/** The CLI in-process, as a person would run it in `cwd` (no TTY, no colour). */
export function cli(cwd: string, argv: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return run(argv, {
    cwd,
    env: { NO_COLOR: '1', ...options.env },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdoutIsTTY: false,
    stderrIsTTY: false,
  });
}

export interface JsonFinding {
  path: string;
  detector: string;
  fingerprint: string;
  redacted: string;
  level: string;
  startLine: number;
  suppression?: { by: string; reason?: string };
}

export interface JsonReport {
  exitCode: number;
  summary: { findings: number; suppressed: number; keys: number };
  findings: JsonFinding[];
  suppressed?: JsonFinding[];
  warnings: { code: string; message: string }[];
}

export async function scanJson(cwd: string, argv: readonly string[], options: { stdin?: string } = {}): Promise<{ result: RunResult; report: JsonReport }> {
  const result = await cli(cwd, ['scan', ...argv, '--format', 'json'], options);
  if (result.exitCode === 2) throw new Error(`scan failed: ${result.stderr}`);
  return { result, report: JSON.parse(result.stdout) as JsonReport };
}

/** A fresh git work tree in a temp directory (config discovery stops at its top level). */
export function tempRepo(prefix: string): { dir: string; write(path: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `skg-${prefix}-`));
  git(dir, 'init', '-q');
  return {
    dir,
    write(path, text) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
