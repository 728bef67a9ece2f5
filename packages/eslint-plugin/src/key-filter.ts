import { filterKey, fingerprintOf, type FilterRules, type RawMatch } from '@shippo-keyguard/core';

/** Whether the engine's filter step leaves a key reported (not dropped, not suppressed). */
export function reported({ detector, match }: RawMatch, marker: 'native' | 'foreign' | undefined, rules: FilterRules, foreign: boolean): boolean {
  const verdict = filterKey(
    { detector: detector.id, kind: match.kind, fingerprint: fingerprintOf(match.key), level: detector.level, ...(marker ? { marker } : {}) },
    { ...rules, foreign },
  );
  return !verdict.drop && verdict.suppression === undefined;
}
