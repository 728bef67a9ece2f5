import type { Finding } from '../finding.js';

export interface VerificationCounts {
  live: number;
  dead: number;
  unknown: number;
  unchecked: number;
}

/** Counts by verification status, over distinct keys. */
export function verificationCounts(findings: readonly Finding[]): VerificationCounts {
  const byKey = new Map<string, string>();
  for (const f of findings) byKey.set(f.fingerprint, f.verification?.status ?? 'unchecked');
  const counts: VerificationCounts = { live: 0, dead: 0, unknown: 0, unchecked: 0 };
  for (const status of byKey.values()) counts[status as keyof VerificationCounts]++;
  return counts;
}

export function distinctKeys(findings: readonly Finding[]): number {
  return new Set(findings.map((f) => f.fingerprint)).size;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
