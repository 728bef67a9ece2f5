export { sniff, type ArchiveFormat } from './sniff.js';
export { expand, DEFAULT_ARCHIVE_DEPTH, DEFAULT_ARCHIVE_LIMITS, type ArchiveItem, type ArchiveLimits, type ArchiveStep } from './expand.js';
export { ARCHIVE_INCOMPLETE, ARCHIVE_WARNING_CODES, ArchiveError, type ArchiveWarningCode } from './errors.js';
export { archivePath } from './path.js';
export { scanArchiveContent, type ArchiveScanResult } from './scan.js';
