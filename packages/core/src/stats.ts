/** What a scan read, for the report's summary. */
export interface ScanStats {
  /** Files, blobs or messages whose content was searched. */
  readonly scanned: number;
  readonly bytes: number;
  readonly skipped: number;
  readonly durationMs: number;
}
