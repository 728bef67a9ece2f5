import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { scanContent, type Finding, type SecretStore } from '@shippo-keyguard/core';
import type { ScanStats, ScanWarning } from '@shippo-keyguard/core/report';
import { firstLine, git } from '../action/git.js';
import { CliError } from '../errors.js';

/** What the hook scans hand to `finish`. */
export interface SourceResult {
  readonly root: string;
  readonly findings: Finding[];
  readonly warnings: ScanWarning[];
  readonly stats: Omit<ScanStats, 'durationMs'>;
}

function toplevel(repo: string): string {
  const r = git(repo, ['rev-parse', '--show-toplevel']);
  if (!r.ok) throw new CliError(`${repo} is not a git repository (${firstLine(r.stderr)})`);
  return r.stdout.trim();
}

function readBlob(root: string, object: string): Buffer {
  const r = spawnSync('git', ['cat-file', 'blob', object], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new CliError(`cannot read ${object}: ${firstLine(String(r.stderr))}`);
  return r.stdout;
}

/** NUL-separated `git diff --raw -z` records: `:mode mode sha sha status\0path\0`. */
function rawEntries(out: string): { blob: string; path: string }[] {
  const parts = out.split('\0');
  const entries: { blob: string; path: string }[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = (parts[i] ?? '').trim().split(' ');
    const blob = meta[3];
    const path = parts[i + 1];
    if (blob && path && !/^0+$/.test(blob) && meta[1] !== '160000') entries.push({ blob, path });
  }
  return entries;
}

/** The index's version of every added or modified path (what the commit will contain). */
export function scanIndex(repo: string, secrets: SecretStore): SourceResult {
  const root = toplevel(resolve(repo));
  const diff = git(root, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--diff-filter=ACMR', '--no-renames']);
  if (!diff.ok) throw new CliError(`git diff --cached failed: ${firstLine(diff.stderr)}`);
  const findings: Finding[] = [];
  let bytes = 0;
  const entries = rawEntries(diff.stdout);
  for (const { blob, path } of entries) {
    const content = readBlob(root, blob);
    bytes += content.length;
    findings.push(...scanContent(content, { path, source: 'staged', secrets }));
  }
  return { root, findings, warnings: [], stats: { scanned: entries.length, bytes, skipped: 0 } };
}

/** Every blob the listed commits introduce (`git rev-list` arguments), once, attributed to its commit. */
export function scanCommits(repo: string, revisions: readonly string[], secrets: SecretStore): SourceResult {
  const root = toplevel(resolve(repo));
  const listed = git(root, ['rev-list', '--reverse', ...revisions]);
  if (!listed.ok) throw new CliError(`git rev-list ${revisions.join(' ')} failed: ${firstLine(listed.stderr)}`);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  for (const commit of listed.stdout.split('\n').filter(Boolean)) {
    const info = git(root, ['show', '-s', '--format=%an%x00%ae%x00%aI%x00%s', commit]).stdout.trimEnd().split('\0');
    const diff = git(root, ['diff-tree', '-r', '-m', '--root', '--no-commit-id', '--raw', '-z', '--no-abbrev', '--diff-filter=AM', '--no-renames', commit]);
    for (const { blob, path } of rawEntries(diff.stdout)) {
      if (seen.has(blob)) continue;
      seen.add(blob);
      const content = readBlob(root, blob);
      bytes += content.length;
      const introduced = { commit, author: info[0] ?? '', email: info[1] ?? '', date: info[2] ?? '', summary: info[3] ?? '' };
      for (const f of scanContent(content, { path, source: 'history', secrets })) findings.push({ ...f, blob, introduced });
    }
  }
  return { root, findings, warnings: [], stats: { scanned: seen.size, bytes, skipped: 0 } };
}
