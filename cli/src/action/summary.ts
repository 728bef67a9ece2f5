import type { Finding } from '@shippo-keyguard/core';
import { archivePath } from '@shippo-keyguard/core/archive';
import type { JsonReport, RepoLinks } from './report.js';
import { repoPath } from './report.js';

/** The summary must stay under GitHub's 1 MiB limit per step. */
export const MAX_ROWS = 500;

// Text from file names and messages: one line, every markdown or HTML character escaped (`|` for the table).
const cell = (s: string): string => s.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~]/g, '\\$&');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
// encodeURIComponent leaves `(` and `)`, and a `)` would end the markdown link.
const encodePath = (p: string): string =>
  p.split('/').map((part) => encodeURIComponent(part).replace(/\(/g, '%28').replace(/\)/g, '%29')).join('/');

function status(f: Finding): string {
  const v = f.verification;
  if (!v || v.status === 'unchecked') return 'not verified';
  return v.reason && v.status === 'unknown' ? `unknown (${v.reason})` : v.status;
}

function row(f: Finding, links: RepoLinks): string {
  const base = `${links.server}/${links.repository}`;
  const path = repoPath(f, links);
  const at = f.introduced?.commit ?? links.sha;
  const file = `${base}/blob/${at}/${encodePath(path)}`;
  let where = `[${cell(path)}:${f.startLine}](${file}#L${f.startLine})`;
  if (f.archive && f.archive.length > 0) {
    // Inside an archive the line is the inner file's: link the committed file as a whole, and
    // name the entries inside it after the link.
    const full = archivePath(path, f.archive);
    const inner = full.startsWith(`${path}!`) ? full.slice(path.length) : `!${full}`;
    where = `[${cell(path)}](${file})${cell(inner)}:${f.startLine}`;
  }
  const commit = f.introduced ? `[${f.introduced.commit.slice(0, 7)}](${base}/commit/${f.introduced.commit})` : '';
  return `| ${where} | ${code(f.redacted)} | ${f.kind} | ${cell(f.detector)} | ${commit} | ${cell(status(f))} |`;
}

/** The job summary (`$GITHUB_STEP_SUMMARY`): what was scanned, a table of findings, verification counts. */
export function jobSummary(report: JsonReport, links: RepoLinks, scope: string, notes: readonly string[]): string {
  const s = report.summary;
  const out = ['## shippo-keyguard', '', `Scanned: ${cell(scope)} (${s.scanned} ${report.command === 'history' ? 'blobs and messages' : 'files'}).`, ''];
  for (const note of notes) out.push(`> ${cell(note)}`, '');
  if (report.findings.length === 0) {
    out.push('No Shippo keys found.');
  } else {
    out.push(`**${s.findings} finding${s.findings === 1 ? '' : 's'}** (${s.keys} distinct key${s.keys === 1 ? '' : 's'}).`, '');
    out.push('| Where | Key (redacted) | Kind | Detector | Commit | Verification |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of report.findings.slice(0, MAX_ROWS)) out.push(row(f, links));
    if (report.findings.length > MAX_ROWS) out.push('', `…and ${report.findings.length - MAX_ROWS} more: see the SARIF report (code scanning) for all of them.`);
    out.push('', `Verification: ${s.live} live, ${s.dead} dead, ${s.unknown} unknown, ${s.unchecked} not verified.`);
    out.push('', 'To fix: remove the key and rotate it in the Shippo dashboard; or allow it inline with a `shippo-keyguard:allow` comment; or add it to the baseline.');
  }
  if (s.suppressed > 0) out.push('', `${s.suppressed} suppressed.`);
  for (const w of report.warnings) out.push('', `⚠️ ${cell(w.message)}`);
  return `${out.join('\n')}\n`;
}
