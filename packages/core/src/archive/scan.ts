import { mayHoldKey } from '../detect.js';
import type { Finding } from '../finding.js';
import type { ScanWarning } from '../warnings.js';
import { scanContent, type ContentScanOptions } from '../scan-content.js';
import { expand, type ArchiveLimits, type WindowAt } from './expand.js';
import { archivePath } from './path.js';

export interface ArchiveScanResult {
  readonly findings: Finding[];
  readonly warnings: ScanWarning[];
}

/**
 * Findings in content that may be an archive: each entry down to the depth is searched, its
 * findings carry the chain of entries (`archive`) and the outer `path`; what could not be opened
 * is a warning on the outer path. Content that is no archive is searched as it is.
 */
export function scanArchiveContent(content: Buffer, options: ContentScanOptions, limits: ArchiveLimits): ArchiveScanResult {
  const findings: Finding[] = [];
  const warnings: ScanWarning[] = [];
  for (const item of expand(content, limits)) {
    if (item.warning) {
      warnings.push({ code: item.warning.code, message: `${archivePath(options.path, item.chain)}: ${item.warning.message}`, path: options.path });
      continue;
    }
    if (!mayHoldKey(item.bytes, options.detectors)) continue;
    const found = item.at ? placed(scanContent(item.bytes, options), item.at) : scanContent(item.bytes, options);
    if (item.chain.length === 0) findings.push(...found);
    else for (const f of found) findings.push({ ...f, archive: item.chain.map((s) => ({ ...s })) });
  }
  return { findings, warnings };
}

/**
 * Findings of one window of a long stream, placed in the whole stream; those the window before
 * already reported (lying whole in the overlap) are dropped.
 */
function placed(found: readonly Finding[], at: WindowAt): Finding[] {
  const out: Finding[] = [];
  for (const f of found) {
    if (at.offset + f.endOffset <= at.searched) continue;
    out.push({
      ...f,
      startOffset: at.offset + f.startOffset,
      endOffset: at.offset + f.endOffset,
      startLine: at.line + f.startLine - 1,
      startColumn: f.startLine === 1 ? at.column + f.startColumn : f.startColumn,
      endLine: at.line + f.endLine - 1,
      endColumn: f.endLine === 1 ? at.column + f.endColumn : f.endColumn,
    });
  }
  return out;
}
