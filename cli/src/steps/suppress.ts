import type { Step } from '../finish.js';

/** Move findings that something allowed (inline comments so far) out of the reported set. */
export const suppressStep: Step = (collected) => {
  const kept: typeof collected.findings = [];
  for (const f of collected.findings) (f.suppression ? collected.suppressed : kept).push(f);
  collected.findings = kept;
};
