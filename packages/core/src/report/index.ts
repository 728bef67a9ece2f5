export type { ScanReport, ScanStats, ScanWarning, WriteOptions } from './model.js';
export { formatText, summaryLine, type TextOptions } from './text.js';
export { formatJson, JSON_REPORT_VERSION } from './json.js';
export { buildSarif, formatSarif, sarifLevel, resultMessage, toUriReference, PARTIAL_FINGERPRINT, SARIF_SCHEMA } from './sarif.js';
export { verificationCounts, distinctKeys, plural, type VerificationCounts } from './summary.js';
export { writeFileAtomic } from '../write-atomic.js';
export { redactReport } from './redact-report.js';
