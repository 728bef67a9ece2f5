import { archivePath } from '../archive/path.js';
import type { Finding } from '../finding.js';
import type { ScanReport, WriteOptions } from './model.js';
import { distinctKeys, plural, verificationCounts } from './summary.js';

export interface TextOptions extends WriteOptions {
  /** List suppressed findings too (`--show-suppressed`). */
  readonly showSuppressed?: boolean;
  /** ANSI colour; the CLI turns it on only for a TTY without `NO_COLOR`. */
  readonly color?: boolean;
}

const ANSI = { red: 31, yellow: 33, green: 32, gray: 90, bold: 1, cyan: 36 } as const;

function paint(on: boolean | undefined): (style: keyof typeof ANSI, text: string) => string {
  return (style, text) => (on ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}


function statusLabel(f: Finding): string | undefined {
  const v = f.verification;
  if (v === undefined || v.status === 'unchecked') return undefined;
  const label = v.status.toUpperCase();
  return v.reason && v.status === 'unknown' ? `${label} (${v.reason})` : label;
}

const SUPPRESSED_BY = {
  inline: 'allowed inline',
  'inline-foreign': 'allowed inline (foreign marker)',
  config: 'allowed by config',
  baseline: 'in baseline',
} as const;

function suppressionLabel(s: NonNullable<Finding['suppression']>): string {
  return s.reason ? `${SUPPRESSED_BY[s.by]}: ${s.reason}` : SUPPRESSED_BY[s.by];
}

function findingLines(f: Finding, options: TextOptions): string[] {
  const c = paint(options.color);
  const levelStyle = f.level === 'error' ? 'red' : f.level === 'warning' ? 'yellow' : 'gray';
  const shown = options.reveal?.(f.fingerprint) ?? f.redacted;
  const status = statusLabel(f);
  const statusStyle = f.verification?.status === 'live' ? 'red' : f.verification?.status === 'dead' ? 'green' : 'yellow';
  const parts = [
    c('bold', `${archivePath(f.path, f.archive)}:${f.startLine}:${f.startColumn}`),
    c(levelStyle, f.level),
    f.detector,
    `${f.kind} key`,
    shown,
  ];
  if (f.binary) parts.push(c('gray', '(binary)'));
  if (status !== undefined) parts.push(c(statusStyle, `[${status}]`));
  if (f.suppression) parts.push(c('gray', `[${suppressionLabel(f.suppression)}]`));
  const lines = [parts.join('  ')];
  if (f.introduced) {
    const i = f.introduced;
    const where = i.stash ? `stash entry ${i.stash} (${i.commit.slice(0, 12)})` : i.commit.slice(0, 12);
    lines.push(c('gray', `    introduced in ${where} by ${i.author} <${i.email}> on ${i.date}`));
  }
  if (f.history) {
    const h = f.history;
    const facts = [h.atHead ? 'still present at HEAD' : 'not at HEAD (history only)'];
    if (h.otherCommits > 0) facts.push(`${plural(h.otherCommits, 'other commit')}`);
    if (h.otherPaths > 0) facts.push(`${plural(h.otherPaths, 'other path')}`);
    lines.push(c('gray', `    ${facts.join(', ')}`));
  }
  return lines;
}

/** Human-readable report: one line per finding, then warnings and a summary line. */
export function formatText(report: ScanReport, options: TextOptions = {}): string {
  const c = paint(options.color);
  const out: string[] = [];
  for (const f of report.findings) out.push(...findingLines(f, options));
  if (report.suppressed && report.suppressed.length > 0 && options.showSuppressed) {
    out.push('', c('gray', 'Suppressed:'));
    for (const f of report.suppressed) out.push(...findingLines(f, options).map((l) => c('gray', `  ${l}`)));
  }
  for (const w of report.warnings) out.push(c('yellow', `warning: ${w.message}`));
  out.push(summaryLine(report, options));
  return `${out.join('\n')}\n`;
}

export function summaryLine(report: ScanReport, options: TextOptions = {}): string {
  const c = paint(options.color);
  const { findings, stats } = report;
  // History (and a push, which is a piece of it) counts commit and tag messages too: they are searched as well as blobs.
  const scanned = report.command === 'history' || report.command === 'pre-push' ? `${stats.scanned} ${stats.scanned === 1 ? 'blob or message' : 'blobs and messages'}` : plural(stats.scanned, 'file');
  const where = `in ${scanned}${stats.skipped > 0 ? ` (${stats.skipped} skipped)` : ''}`;
  const parts: string[] = [];
  // Exit 2 with no finding is not a clean result: nothing, or not everything, could be read.
  const incomplete = report.exitCode === 2;
  if (findings.length === 0 && incomplete && stats.scanned === 0) parts.push(c('red', `✖ nothing was scanned (${scanned}${stats.skipped > 0 ? `, ${stats.skipped} skipped` : ''})`));
  else if (findings.length === 0 && incomplete) parts.push(c('red', `✖ incomplete: no Shippo keys found ${where}, but not everything could be read`));
  else if (findings.length === 0) parts.push(c('green', `✔ no Shippo keys found ${where}`));
  else parts.push(c('red', `✖ ${plural(findings.length, 'finding')} (${plural(distinctKeys(findings), 'distinct key')}) ${where}`));
  const counts = verificationCounts(findings);
  if (findings.length > 0 && counts.unchecked < distinctKeys(findings)) {
    parts.push(`${counts.live} live, ${counts.dead} dead, ${counts.unknown} unknown`);
  }
  if (report.suppressed && report.suppressed.length > 0) parts.push(`${report.suppressed.length} suppressed`);
  if (report.warnings.length > 0) parts.push(plural(report.warnings.length, 'warning'));
  return parts.join(' · ');
}
