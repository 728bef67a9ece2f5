import type { Finding } from './finding.js';

/** Order of reports: path, then position, then detector (stable across runs and machines). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.startLine - b.startLine ||
    a.startColumn - b.startColumn ||
    (a.detector < b.detector ? -1 : a.detector > b.detector ? 1 : 0) ||
    ((a.introduced?.commit ?? '') < (b.introduced?.commit ?? '') ? -1 : 0)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** The same key at the same place once, whichever source reported it first. */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = `${f.path}\0${f.startOffset}\0${f.fingerprint}\0${f.introduced?.commit ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
