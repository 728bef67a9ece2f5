import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INCOMPLETE_WARNINGS, WARNING_CODES } from '@shippo-keyguard/core';
import { REPO_ROOT } from '../support/cli.js';

/**
 * docs/reports.md#warnings against the engine's list of warning codes: every code a scan can
 * report has a row, no row names a code the engine lacks, and the "incomplete" column says which
 * codes `history --strict` fails on.
 */

interface Row {
  readonly code: string;
  readonly incomplete: boolean;
  readonly meaning: string;
}

function warningRows(): Row[] {
  const page = readFileSync(`${REPO_ROOT}docs/reports.md`, 'utf8');
  const section = page.split(/^## Warnings$/m)[1]?.split(/^## /m)[0];
  if (section === undefined) throw new Error('docs/reports.md has no "## Warnings" section');
  return [...section.matchAll(/^\| `([a-z0-9-]+)` \|([^|]*)\|([^|]*)\|$/gm)].map((m) => ({
    code: m[1]!,
    incomplete: m[2]!.trim() === 'yes',
    meaning: m[3]!.trim(),
  }));
}

describe('warning codes in the docs', () => {
  const rows = warningRows();

  it('documents every warning code once, and no other', () => {
    expect(rows.map((r) => r.code).sort()).toEqual([...WARNING_CODES].sort());
  });

  it('gives each code a meaning', () => {
    for (const row of rows) expect(row.meaning, row.code).not.toBe('');
  });

  it('marks exactly the codes that make a scan incomplete for --strict', () => {
    expect(rows.filter((r) => r.incomplete).map((r) => r.code).sort()).toEqual([...INCOMPLETE_WARNINGS].sort());
  });
});
