import type { Finding } from './finding.js';

/**
 * Which findings make the exit code 1 (`--fail-on`):
 * - `any`: every high-confidence finding, whatever its verification status;
 * - `not-dead`: all but keys verified dead;
 * - `live`: only keys verified live.
 * Findings at level `note` never fail the policy unless verified live: by default that is the
 * low-confidence nonstandard detector, and a configuration that sets a detector's level moves it
 * in or out.
 */
export const FAIL_ON = ['any', 'not-dead', 'live'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function failsPolicy(finding: Finding, failOn: FailOn): boolean {
  const status = finding.verification?.status ?? 'unchecked';
  // A note passes, unless the API says its key works: a live key is never low-confidence. The
  // level before verification counts: a dead key is shown as a note but still fails `any`.
  if ((finding.unverifiedLevel ?? finding.level) === 'note' && status !== 'live') return false;
  switch (failOn) {
    case 'any':
      return true;
    case 'not-dead':
      return status !== 'dead';
    case 'live':
      return status === 'live';
  }
}
