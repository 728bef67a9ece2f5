/**
 * The pure entry of the engine: detection and findings, no file, git or network access.
 * The ESLint plugin loads only this; I/O lives behind `/files`, `/git`, `/verify`, `/report`.
 */
export { detectors, detectorById } from '@shippo-keyguard/rules';
export type { Detector, KeyKind, KeyMatch } from '@shippo-keyguard/rules';
export { findKeys, mayHoldKey, type RawMatch } from './detect.js';
export { LineIndex, type Position } from './line-index.js';
export { scanContent, isBinary, type ContentScanOptions } from './scan-content.js';
export { SecretStore, fingerprintOf, redact } from './secret.js';
export { compareFindings, dedupeFindings, sortFindings } from './postprocess.js';
export type { CommitInfo, Finding, FindingSource, Suppression, Verification } from './finding.js';
export { FAIL_ON, failsPolicy, type FailOn } from './policy.js';
export { findingLevel, levelFor, unverifiedLevel, withVerification, type Level, type VerificationStatus } from './severity.js';
export { isAllowedInline, inlineAllowMarker, type InlineAllowOptions } from './inline-allow.js';
export { PUBLIC_ENV_PREFIXES, fencedCodeOnly, publicEnvAssignments, publicShippoPrefix, publicKeyFindings } from './public-env.js';
export { filterFindings, filterKey, type FilterInput, type FilterOutcome, type FilterRules, type FilterVerdict } from './filter.js';
export { INCOMPLETE_WARNINGS, UNREAD_HISTORY_WARNINGS, WARNINGS, WARNING_CODES, type WarningCode } from './warnings.js';
export { REPOSITORY_URL, detectorDocsUrl, repositoryFileUrl } from './project.js';
