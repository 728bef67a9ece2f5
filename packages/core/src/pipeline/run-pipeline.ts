import type { Finding } from '../finding.js';
import { filterFindings, type FilterRules } from '../filter.js';
import type { FailOn } from '../policy.js';
import { dedupeFindings, sortFindings } from '../postprocess.js';
import { assembleReport } from '../report/assemble.js';
import type { RepositoryRef, ScanReport, ScanStats } from '../report/model.js';
import { redactReport } from '../report/redact-report.js';
import { SecretStore } from '../secret.js';
import { verifyFindings } from '../verify/findings.js';
import type { VerifyOptions } from '../verify/verifier.js';
import type { ScanWarning } from '../warnings.js';
import type { Source, SourceKind } from './source.js';

/** A run between its source and its report: the filter and verify steps change it in place. */
export interface Collected {
  readonly command: string;
  readonly source: SourceKind;
  readonly root: string;
  findings: Finding[];
  suppressed: Finding[];
  readonly warnings: ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
  readonly secrets: SecretStore;
  readonly startedAt: Date;
  readonly repository?: RepositoryRef;
  /** Set by the source or a step on a condition that makes the run exit 2. */
  failed: boolean;
}

/** One step after the source; may move findings to `suppressed`, annotate them or add warnings. */
export type PipelineStep = (collected: Collected) => void | Promise<void>;

export interface PipelineOptions {
  readonly tool: ScanReport['tool'];
  /** The command named in the report (`scan`, `history`, `staged`, `pre-push`). */
  readonly command: string;
  readonly failOn: FailOn;
  /** The filter step: usually `filterStep(rules)`, plus what a face adds (stale baseline entries). */
  readonly filter?: PipelineStep;
  /** The verify step (`verifyStep(options)`), or none: nothing is sent anywhere. */
  readonly verify?: PipelineStep;
  /** Receives every key found; a new store when not given. */
  readonly secrets?: SecretStore;
  readonly startedAt?: Date;
}

export interface PipelineResult {
  /** The report model every writer renders; names from the repository (paths, refs, authors) redacted. */
  readonly report: ScanReport;
  /** The keys by fingerprint, for `--no-redact` and nothing else. */
  readonly secrets: SecretStore;
}

/**
 * The one pipeline: `source -> detect -> filter -> verify -> report`. The source lists, reads
 * and detects (`Source.read`); the filter step decides what is dropped, suppressed and at which
 * level; the verify step asks the API about what is left (suppressed keys are never sent); the
 * report step orders the findings and sets the exit code from the fail policy. Every command,
 * the hooks, `baseline` and the Action call this; only the writing of reports is theirs.
 */
export async function runPipeline(source: Source, options: PipelineOptions): Promise<PipelineResult> {
  const startedAt = options.startedAt ?? new Date();
  const secrets = options.secrets ?? new SecretStore();
  const output = await source.read(secrets);
  const collected: Collected = {
    command: options.command,
    source: source.kind,
    root: output.root,
    findings: sortFindings(dedupeFindings(output.findings)),
    suppressed: [],
    warnings: [...output.warnings],
    stats: output.stats,
    secrets,
    startedAt,
    ...(output.repository ? { repository: output.repository } : {}),
    failed: output.failed === true,
  };
  await options.filter?.(collected);
  await options.verify?.(collected);
  const report = redactReport(assembleReport({ tool: options.tool, ...collected, error: collected.failed }, options.failOn));
  return { report, secrets };
}

/** The engine's filter step (`filter.ts`) with one run's rules: kept findings stay, suppressed ones move aside. */
export function filterStep(rules: FilterRules): PipelineStep {
  return (collected) => {
    const { kept, suppressed } = filterFindings(collected.findings, rules);
    collected.findings = kept;
    collected.suppressed.push(...suppressed);
  };
}

/** The engine's verify step (`verify/findings.ts`): one probe per distinct reported key, its verdict and level on every finding that holds it. */
export function verifyStep(options: VerifyOptions): (collected: Collected) => Promise<void> {
  return async (collected) => {
    if (collected.findings.length === 0) return;
    collected.findings = await verifyFindings(collected.findings, collected.secrets, options);
  };
}
