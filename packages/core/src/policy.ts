import type { Finding } from './finding.js';

/**
 * Which findings make the exit code 1 (`--fail-on`):
 * - `any`: every high-confidence finding, whatever its verification status;
 * - `not-dead`: all but keys verified dead;
 * - `live`: only keys verified live.
 * Findings at level `note` never fail the policy: by default that is the low-confidence
 * nonstandard detector, and a configuration that sets a detector's level moves it in or out.
 */
export const FAIL_ON = ['any', 'not-dead', 'live'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function failsPolicy(finding: Finding, failOn: FailOn): boolean {
  if (finding.level === 'note') return false;
  const status = finding.verification?.status ?? 'unchecked';
  switch (failOn) {
    case 'any':
      return true;
    case 'not-dead':
      return status !== 'dead';
    case 'live':
      return status === 'live';
  }
}
