import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GitError, gitText, runGit } from '@shippo-keyguard/core/git';
import { CliError } from '../errors.js';
import type { ScanPlan } from './plan.js';

export const FETCH_DEPTH_HINT = 'set `fetch-depth: 0` on actions/checkout so the history is there';

type HistoryPlan = Extract<ScanPlan, { kind: 'range' | 'branch' | 'full' }>;

/**
 * One git call through the engine's runner (the environment every scan uses: no prompts, no lazy
 * fetches, no replace objects, messages in English), as an outcome instead of an exception: a
 * failure here is an answer (a commit is missing), not an error. `error` is git's error line.
 */
async function tryGit(repo: string, args: readonly string[]): Promise<{ ok: true; stdout: string } | { ok: false; error: string }> {
  try {
    return { ok: true, stdout: await gitText(repo, args) };
  } catch (error) {
    if (error instanceof GitError) return { ok: false, error: error.message };
    throw error;
  }
}

async function commitExists(repo: string, sha: string): Promise<boolean> {
  return (await runGit(repo, ['cat-file', '-e', '--end-of-options', `${sha}^{commit}`], { okCodes: [1, 128] })).code === 0;
}

async function missingCommits(repo: string, commits: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const c of commits) if (!(await commitExists(repo, c))) missing.push(c);
  return missing;
}

/** Commits a shallow clone cut the parents off (`.git/shallow`). */
async function shallowBoundary(repo: string): Promise<Set<string>> {
  const path = await tryGit(repo, ['rev-parse', '--git-path', 'shallow']);
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

const neededCommits = (plan: HistoryPlan): string[] => (plan.kind === 'range' ? [plan.base, plan.head] : plan.kind === 'branch' ? [plan.head] : []);

/** Why the plan's history cannot be read completely here, or undefined when it can. */
async function gap(repo: string, plan: HistoryPlan): Promise<string | undefined> {
  const missing = await missingCommits(repo, neededCommits(plan));
  if (missing.length > 0) return `commit ${missing.map((c) => c.slice(0, 12)).join(', ')} is not in the checkout`;
  const boundary = await shallowBoundary(repo);
  if (boundary.size === 0) return undefined;
  if (plan.kind === 'full') return 'the checkout is shallow';
  // The range is complete unless one of its commits lost its parents to the shallow cut.
  // Full ids from the event payload (checked by planScan), and nothing after this reads as an option.
  const listed = await tryGit(repo, ['rev-list', '--end-of-options', ...revisions(plan)]);
  if (!listed.ok) return `git rev-list failed: ${listed.error}`;
  return listed.stdout.split('\n').some((c) => boundary.has(c)) ? 'the checkout is shallow and cuts through the commits to scan' : undefined;
}

/**
 * Make sure the commits the plan needs are in the repository: fetch what is missing (and
 * unshallow) from `origin`, or fail with the fix. Never lets a scan pass on a history it cannot read.
 * Returns notes for the log, and possibly a wider plan (a force push whose old tip is gone).
 */
export async function ensureHistory(repo: string, plan: HistoryPlan): Promise<{ plan: HistoryPlan; notes: string[] }> {
  const notes: string[] = [];
  const before = await gap(repo, plan);
  if (before === undefined) return { plan, notes };

  const isShallow = await tryGit(repo, ['rev-parse', '--is-shallow-repository']);
  const shallow = isShallow.ok && isShallow.stdout.trim() === 'true';
  const wanted = await missingCommits(repo, neededCommits(plan));
  notes.push(`${before}: fetching ${shallow ? 'the full history' : 'the missing commits'} from origin`);
  const fetched = await tryGit(repo, ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--unshallow'] : []), '--end-of-options', 'origin', ...wanted]);
  if (!fetched.ok && wanted.length > 0 && shallow) {
    // Some servers refuse a commit id as a refspec; the full history may still bring it in.
    await tryGit(repo, ['fetch', '--no-tags', '--quiet', '--unshallow', 'origin']);
  }
  const after = await gap(repo, plan);
  if (after === undefined) return { plan, notes };

  // A force push can drop the old tip from every ref: scan the whole new branch instead.
  if (plan.kind === 'range' && (await commitExists(repo, plan.head)) && !(await commitExists(repo, plan.base))) {
    const wider: HistoryPlan = { kind: 'branch', head: plan.head, why: `${plan.why} (old tip ${plan.base.slice(0, 12)} is gone: the whole branch)` };
    if ((await gap(repo, wider)) === undefined) {
      notes.push(`commit ${plan.base.slice(0, 12)} cannot be fetched (force push?): scanning the whole branch instead`);
      return { plan: wider, notes };
    }
  }
  const why = fetched.ok ? after : `${after}; git fetch failed: ${fetched.error}`;
  throw new CliError(`cannot read the history to scan: ${why}. ${FETCH_DEPTH_HINT}`);
}
