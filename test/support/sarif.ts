import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('./sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;

let validator: ReturnType<Ajv2020['compile']> | undefined;

/** Errors from the official SARIF 2.1.0 JSON schema; empty when the log is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    validator = ajv.compile(schema);
  }
  if (validator(log)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/**
 * The Linux SARIF Multitool binary, found through the packages that ship it (not a hard-coded
 * store path), made executable when the package manager skipped its postinstall chmod.
 */
export function multitoolPath(): string {
  const fromTest = createRequire(import.meta.url);
  const wrapper = dirname(fromTest.resolve('@microsoft/sarif-multitool/package.json'));
  const linux = dirname(createRequire(join(wrapper, 'package.json')).resolve('@microsoft/sarif-multitool-linux/package.json'));
  const binary = join(linux, 'Sarif.Multitool');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, statSync(binary).mode | 0o111);
  }
  return binary;
}

export interface MultitoolIssue {
  readonly file: string;
  readonly level: string;
  readonly ruleId: string;
  readonly message: string;
}

/** Run `Sarif.Multitool validate --rule-kind "Gh;Sarif"` on the files; every result it reports. */
export function multitoolIssues(files: readonly string[], outputDir: string): MultitoolIssue[] {
  const output = join(outputDir, 'multitool-validation.sarif');
  const child = spawnSync(multitoolPath(), ['validate', '--rule-kind', 'Gh;Sarif', '--log', 'ForceOverwrite', '-o', output, ...files], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  if (child.error) throw child.error;
  const log = JSON.parse(readFileSync(output, 'utf8')) as {
    runs: { results?: { level?: string; ruleId?: string; message?: { text?: string; id?: string; arguments?: string[] }; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[]; invocations?: { toolExecutionNotifications?: { message?: { text?: string } }[]; executionSuccessful?: boolean }[] }[];
  };
  const issues: MultitoolIssue[] = [];
  for (const run of log.runs) {
    for (const r of run.results ?? []) {
      issues.push({
        file: r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '?',
        level: r.level ?? 'warning',
        ruleId: r.ruleId ?? '?',
        message: r.message?.text ?? `${r.message?.id ?? ''} ${(r.message?.arguments ?? []).join(' | ')}`,
      });
    }
    for (const inv of run.invocations ?? []) {
      if (inv.executionSuccessful === false) issues.push({ file: '-', level: 'error', ruleId: 'execution', message: JSON.stringify(inv.toolExecutionNotifications ?? []) });
    }
  }
  if (child.status !== 0 && issues.length === 0) issues.push({ file: '-', level: 'error', ruleId: 'exit', message: child.stdout + child.stderr });
  return issues;
}
