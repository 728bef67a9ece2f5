import { resolve } from 'node:path';
import { filterStep } from '@shippo-keyguard/core/pipeline';
import { configFilter } from '@shippo-keyguard/core/config';
import { baselineFilter, repositoryRoot, staleEntries } from '@shippo-keyguard/core/baseline';
import type { Collected, Step } from '../finish.js';
import { displayPath, type TriageContext } from '../resolve-options.js';

/**
 * Does this run see the whole scope a baseline covers? Only then is a baseline key that was
 * not found "stale": a staged diff, stdin or a few paths see only part of the repository.
 */
export function seesWholeScope(collected: Pick<Collected, 'command' | 'root'>, args: Record<string, unknown>, cwd: string): boolean {
  if (collected.command === 'history') return !['since', 'range', 'branch'].some((o) => args[o] !== undefined);
  if (collected.command !== 'scan') return false;
  // The baseline covers the repository: a scan of a subdirectory sees only part of it.
  if (repositoryRoot(collected.root) !== resolve(collected.root)) return false;
  const paths = Array.isArray(args['paths']) && args['paths'].length > 0 ? (args['paths'] as string[]) : ['.'];
  return paths.every((p) => p !== '-' && resolve(cwd, p) === resolve(collected.root));
}

/**
 * The engine's filter step (see core's `filter.ts`) with this run's rules: inline comments
 * (unless `--no-inline-allow`; foreign markers unless `--no-foreign-allow`), the configuration
 * (ignored paths and detectors turned off are dropped, levels set, `allow` fingerprints
 * suppressed), then the baseline. Sources already skip ignored paths while listing; the filter
 * also drops what a source could only name after reading (a blob's path in a full history scan).
 */
export const suppressStep: Step = (collected, args, io) => {
  const context = args['triage'] as TriageContext | undefined;
  const baseline = context?.baseline;
  filterStep({
    inline: args['inlineAllow'] !== false,
    foreign: args['foreignAllow'] !== false,
    ...(context ? configFilter(context.config, collected.root) : {}),
    ...baselineFilter(baseline?.data),
  })(collected);

  if (baseline && seesWholeScope(collected, args, io.cwd)) {
    const present = new Set([...collected.findings, ...collected.suppressed].map((f) => f.fingerprint));
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
