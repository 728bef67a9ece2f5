import type { MergedKey, MergedReport, Place, RepositorySummary } from './merge.js';
import { mergedHeadline, newCounts } from './merge-writers.js';
import { plural } from './summary.js';

/** GitHub takes at most 1 MiB per step summary: keys beyond this many are counted, not listed. */
export const MAX_MARKDOWN_KEYS = 200;
const MAX_PLACES_PER_KEY = 20;

// Text from file names and messages: one line, markdown and HTML characters escaped (`|` for tables).
const cell = (s: string): string => s.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~]/g, '\\$&');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
const encodePath = (p: string): string =>
  p.split('/').map((part) => encodeURIComponent(part).replace(/\(/g, '%28').replace(/\)/g, '%29')).join('/');

/** The web address of a repository from its http(s) remote (GitHub, GitHub Enterprise Server, GitLab). */
function webUrl(repo: RepositorySummary | undefined): string | undefined {
  const uri = repo?.uri;
  if (!uri || !/^https?:\/\//i.test(uri)) return undefined;
  return uri.replace(/\/+$/, '').replace(/\.git$/, '');
}

function status(k: MergedKey): string {
  const v = k.verification;
  if (!v || v.status === 'unchecked') return 'not verified';
  if (v.status === 'live') return '**live**';
  return v.status === 'unknown' && v.reason ? `unknown (${cell(v.reason)})` : v.status;
}

function place(p: Place, repos: ReadonlyMap<string, RepositorySummary>): string {
  const web = webUrl(repos.get(p.repository));
  const commit = p.introduced?.commit;
  const where = `${cell(p.path)}:${p.startLine}`;
  const file = web && commit && p.source === 'history' ? `[${where}](${web}/blob/${commit}/${encodePath(p.path)}#L${p.startLine})` : where;
  const intro = commit ? (web ? ` in [${commit.slice(0, 7)}](${web}/commit/${commit})` : ` in ${code(commit.slice(0, 7))}`) : '';
  const date = p.introduced?.date ? ` (${cell(p.introduced.date.slice(0, 10))})` : '';
  return `${cell(p.repository)} ${file}${intro}${date}`;
}

/**
 * Markdown for `$GITHUB_STEP_SUMMARY` or a chat message: the headline ("2 new live keys"), then
 * one row per key, live first, each place linked to the commit that introduced the key.
 */
export function formatMarkdown(report: MergedReport): string {
  const repos = new Map(report.repositories.map((r) => [r.name, r]));
  const out = ['## shippo-keyguard: organisation scan', ''];
  const fresh = newCounts(report);
  if (fresh) out.push(`**${plural(fresh.live, 'new live key')}**, ${plural(fresh.keys, 'new key')} in all since the previous report.`, '');
  out.push(`${mergedHeadline(report)}.`, '');
  if (report.keys.length > 0) {
    out.push('| Status | Key (redacted) | Kind | New | Places |', '| --- | --- | --- | --- | --- |');
    for (const k of report.keys.slice(0, MAX_MARKDOWN_KEYS)) {
      const shown = k.places.slice(0, MAX_PLACES_PER_KEY).map((p) => place(p, repos));
      if (k.places.length > MAX_PLACES_PER_KEY) shown.push(`…and ${k.places.length - MAX_PLACES_PER_KEY} more`);
      out.push(`| ${status(k)} | ${code(k.redacted)} | ${k.kind} | ${k.new ? 'new' : ''} | ${shown.join('<br>')} |`);
    }
    if (report.keys.length > MAX_MARKDOWN_KEYS) out.push('', `…and ${report.keys.length - MAX_MARKDOWN_KEYS} more keys: see the JSON report.`);
    out.push('', 'To fix: rotate each live key in the Shippo dashboard, then remove it from the code; a key in history stays readable by anyone with the repository.');
  }
  const failed = report.repositories.filter((r) => r.exitCode === 2);
  if (failed.length > 0) out.push('', `⚠️ Incomplete scans: ${failed.map((r) => cell(r.name)).join(', ')}.`);
  if (report.warnings.length > 0) out.push('', `${plural(report.warnings.length, 'warning')} (see the JSON report).`);
  return `${out.join('\n')}\n`;
}
