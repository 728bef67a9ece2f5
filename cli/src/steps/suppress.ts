import { resolve } from 'node:path';
import type { Finding } from '@shippo-keyguard/core';
import { applyConfig, redactKeys } from '@shippo-keyguard/core/config';
import { staleEntries } from '@shippo-keyguard/core/baseline';
import type { Collected, Step } from '../finish.js';
import { displayPath, type TriageContext } from '../resolve-options.js';

function withoutSuppression(f: Finding): Finding {
  const { suppression: _dropped, ...rest } = f;
  return rest;
}

/**
 * Does this run see the whole scope a baseline covers? Only then is a baseline key that was
 * not found "stale": a staged diff, stdin or a few paths see only part of the repository.
 */
export function seesWholeScope(collected: Pick<Collected, 'command' | 'root'>, args: Record<string, unknown>, cwd: string): boolean {
  if (collected.command === 'history') return !['since', 'range', 'branch'].some((o) => args[o] !== undefined);
  if (collected.command !== 'scan') return false;
  const paths = Array.isArray(args['paths']) && args['paths'].length > 0 ? (args['paths'] as string[]) : ['.'];
  return paths.every((p) => p !== '-' && resolve(cwd, p) === resolve(collected.root));
}

/**
 * Move allowed findings out of the reported set, in this order: inline comments (unless
 * `--no-inline-allow`; foreign markers unless `--no-foreign-allow`), then the configuration
 * (ignored paths and detectors turned off are dropped, levels set, `allow` fingerprints
 * suppressed), then `--baseline`. Config ignores apply to findings after the scan (a post-filter).
 */
export const suppressStep: Step = (collected, args, io) => {
  const honourInline = args['inlineAllow'] !== false;
  const honourForeign = honourInline && args['foreignAllow'] !== false;
  const marked = collected.findings.map((f) => {
    const by = f.suppression?.by;
    if ((by === 'inline' && !honourInline) || (by === 'inline-foreign' && !honourForeign)) return withoutSuppression(f);
    return f;
  });

  const context = args['triage'] as TriageContext | undefined;
  const { kept, suppressed } = context
    ? applyConfig(marked, context.config, collected.root)
    : { kept: marked.filter((f) => !f.suppression), suppressed: marked.filter((f) => f.suppression) };

  const reported: Finding[] = [];
  const baseline = context?.baseline;
  const known = new Map((baseline?.data.entries ?? []).map((e) => [e.fingerprint, e]));
  for (const f of kept) {
    const entry = known.get(f.fingerprint);
    if (entry === undefined) reported.push(f);
    // A reason is free text that reports carry verbatim: a key pasted into it stays redacted.
    else suppressed.push({ ...f, suppression: { by: 'baseline', ...(entry.reason !== undefined ? { reason: redactKeys(entry.reason) } : {}) } });
  }
  collected.findings = reported;
  collected.suppressed.push(...suppressed);

  if (baseline && seesWholeScope(collected, args, io.cwd)) {
    const present = new Set([...reported, ...suppressed].map((f) => f.fingerprint));
    const name = displayPath(io, baseline.file);
    for (const e of staleEntries(baseline.data, present)) {
      collected.warnings.push({
        code: 'stale-baseline-entry',
        message: `${name}: ${e.redacted} (${e.fingerprint.slice(0, 12)}, first seen in ${e.firstSeen.path}) is no longer found; drop it with "shippo-keyguard baseline --prune"`,
        path: e.firstSeen.path,
      });
    }
  }
};
