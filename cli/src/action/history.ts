import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { firstLine, git } from './git.js';
import type { ScanPlan } from './plan.js';

export const FETCH_DEPTH_HINT = 'set `fetch-depth: 0` on actions/checkout so the history is there';

type HistoryPlan = Extract<ScanPlan, { kind: 'range' | 'branch' | 'full' }>;

function commitExists(repo: string, sha: string): boolean {
  return git(repo, ['cat-file', '-e', '--end-of-options', `${sha}^{commit}`]).ok;
}

/** Commits a shallow clone cut the parents off (`.git/shallow`). */
function shallowBoundary(repo: string): Set<string> {
  const path = git(repo, ['rev-parse', '--git-path', 'shallow']);
  if (!path.ok) return new Set();
  try {
    return new Set(readFileSync(resolve(repo, path.stdout.trim()), 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

function revisions(plan: HistoryPlan): string[] {
  switch (plan.kind) {
    case 'range':
      return [plan.head, `^${plan.base}`];
    case 'branch':
      return [plan.head];
    case 'full':
      return ['--all'];
  }
}

/** Why the plan's history cannot be read completely here, or undefined when it can. */
function gap(repo: string, plan: HistoryPlan): string | undefined {
  const needed = plan.kind === 'range' ? [plan.base, plan.head] : plan.kind === 'branch' ? [plan.head] : [];
  const missing = needed.filter((c) => !commitExists(repo, c));
  if (missing.length > 0) return `commit ${missing.map((c) => c.slice(0, 12)).join(', ')} is not in the checkout`;
  const boundary = shallowBoundary(repo);
  if (boundary.size === 0) return undefined;
  if (plan.kind === 'full') return 'the checkout is shallow';
  // The range is complete unless one of its commits lost its parents to the shallow cut.
  // Full ids from the event payload (checked by planScan), and nothing after this reads as an option.
  const listed = git(repo, ['rev-list', '--end-of-options', ...revisions(plan)]);
  if (!listed.ok) return `git rev-list failed: ${firstLine(listed.stderr)}`;
  return listed.stdout.split('\n').some((c) => boundary.has(c)) ? 'the checkout is shallow and cuts through the commits to scan' : undefined;
}

/**
 * Make sure the commits the plan needs are in the repository: fetch what is missing (and
 * unshallow) from `origin`, or fail with the fix. Never lets a scan pass on a history it cannot read.
 * Returns notes for the log, and possibly a wider plan (a force push whose old tip is gone).
 */
export function ensureHistory(repo: string, plan: HistoryPlan): { plan: HistoryPlan; notes: string[] } {
  const notes: string[] = [];
  const before = gap(repo, plan);
  if (before === undefined) return { plan, notes };

  const shallow = git(repo, ['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  const wanted = (plan.kind === 'range' ? [plan.base, plan.head] : plan.kind === 'branch' ? [plan.head] : []).filter(
    (c) => !commitExists(repo, c),
  );
  notes.push(`${before}: fetching ${shallow ? 'the full history' : 'the missing commits'} from origin`);
  const fetched = git(repo, ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--unshallow'] : []), '--end-of-options', 'origin', ...wanted]);
  if (!fetched.ok && wanted.length > 0 && shallow) {
    // Some servers refuse a commit id as a refspec; the full history may still bring it in.
    git(repo, ['fetch', '--no-tags', '--quiet', '--unshallow', 'origin']);
  }
  const after = gap(repo, plan);
  if (after === undefined) return { plan, notes };

  // A force push can drop the old tip from every ref: scan the whole new branch instead.
  if (plan.kind === 'range' && commitExists(repo, plan.head) && !commitExists(repo, plan.base)) {
    const wider: HistoryPlan = { kind: 'branch', head: plan.head, why: `${plan.why} (old tip ${plan.base.slice(0, 12)} is gone: the whole branch)` };
    if (gap(repo, wider) === undefined) {
      notes.push(`commit ${plan.base.slice(0, 12)} cannot be fetched (force push?): scanning the whole branch instead`);
      return { plan: wider, notes };
    }
  }
  const why = fetched.ok ? after : `${after}; git fetch failed: ${firstLine(fetched.stderr)}`;
  throw new CliError(`cannot read the history to scan: ${why}. ${FETCH_DEPTH_HINT}`);
}
