import { failsPolicy, type FailOn, type Finding } from '@shippo-keyguard/core';
import { resultMessage } from '@shippo-keyguard/core/report';
import { repoPath, type RepoLinks } from './report.js';

// Workflow command escaping (what @actions/core does): data escapes % CR LF; properties also : and ,.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Error when the finding fails the step (`fail-on`), so the annotation says why the check is red. */
export function annotationKind(f: Finding, failOn: FailOn): 'error' | 'warning' | 'notice' {
  if (failsPolicy(f, failOn)) return 'error';
  return f.verification?.status === 'dead' || f.level === 'note' ? 'notice' : 'warning';
}

/** One `::error file=…,line=…::` line per finding, so it shows on the pull request's diff. Redacted. */
export function annotation(f: Finding, links: Pick<RepoLinks, 'prefix'>, failOn: FailOn): string {
  const props: [string, string | number][] = [['file', repoPath(f, links)]];
  // Inside an archive, lines are the inner file's: the annotation names the archive as a whole
  // (the message says where inside it).
  if (!f.archive || f.archive.length === 0) {
    props.push(['line', f.startLine], ['endLine', f.endLine]);
    if (f.startLine === f.endLine) props.push(['col', f.startColumn], ['endColumn', f.endColumn]);
  }
  props.push(['title', `Shippo ${f.kind} key (${f.detector})`]);
  const message = `${resultMessage(f, f.redacted)} Remove it and rotate the key, allow it inline with shippo-keyguard:allow, or add it to the baseline.`;
  return `::${annotationKind(f, failOn)} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(message)}`;
}
