import type { ScanReport, WriteOptions } from './model.js';
import { distinctKeys, verificationCounts } from './summary.js';

/** Version of the JSON report's shape; bumped on any breaking change (documented in docs/reports.md). */
export const JSON_REPORT_VERSION = 1;

/** Machine-readable report. Findings keep the engine's field names; `key` appears only with `--no-redact`. */
export function formatJson(report: ScanReport, options: WriteOptions = {}): string {
  return `${JSON.stringify(jsonReport(report, options), null, 2)}\n`;
}

/** The JSON report as a value (what `formatJson` writes), for a caller in the same process: the Action's summary reads it. */
export function jsonReport(report: ScanReport, options: WriteOptions = {}) {
  const withKey = <T extends { fingerprint: string }>(f: T) => {
    const key = options.reveal?.(f.fingerprint);
    return key === undefined ? f : { ...f, key };
  };
  const body = {
    version: JSON_REPORT_VERSION,
    tool: report.tool,
    command: report.command,
    root: report.root,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    exitCode: report.exitCode,
    summary: {
      findings: report.findings.length,
      keys: distinctKeys(report.findings),
      ...verificationCounts(report.findings),
      suppressed: report.suppressed?.length ?? 0,
      warnings: report.warnings.length,
      ...report.stats,
    },
    ...(report.repository ? { repository: report.repository } : {}),
    findings: report.findings.map(withKey),
    ...(report.suppressed ? { suppressed: report.suppressed.map(withKey) } : {}),
    warnings: report.warnings,
  };
  return body;
}
