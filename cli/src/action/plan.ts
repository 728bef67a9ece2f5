import { CliError } from '../errors.js';
import type { Mode } from './inputs.js';

const ZERO = /^0+$/;

/** What to scan, decided from the mode and the event that started the workflow. */
export type ScanPlan =
  | { readonly kind: 'files' }
  /** Commits reachable from `head` but not from `base` (a pull request, a push to an existing branch). */
  | { readonly kind: 'range'; readonly base: string; readonly head: string; readonly why: string }
  /** Every commit reachable from `head` (a push that created a branch). */
  | { readonly kind: 'branch'; readonly head: string; readonly why: string }
  /** The whole history (schedule, workflow_dispatch, mode: history). */
  | { readonly kind: 'full'; readonly why: string }
  /** Nothing to scan, e.g. a branch deletion. */
  | { readonly kind: 'none'; readonly why: string };

interface PullRequestPayload {
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
}
interface MergeGroupPayload {
  merge_group?: { base_sha?: string; head_sha?: string; head_ref?: string };
}
interface PushPayload {
  before?: string;
  after?: string;
  created?: boolean;
  deleted?: boolean;
  forced?: boolean;
  ref?: string;
}

function sha(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(value)) {
    throw new CliError(`the ${what} in the event payload is missing or not a commit id`);
  }
  return value;
}

export function planScan(mode: Mode, eventName: string, payload: unknown): ScanPlan {
  if (mode === 'files') return { kind: 'files' };
  if (mode === 'history') return { kind: 'full', why: 'mode: history' };
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      const pr = (payload as PullRequestPayload).pull_request;
      const base = sha(pr?.base?.sha, 'pull_request.base.sha');
      const head = sha(pr?.head?.sha, 'pull_request.head.sha');
      return { kind: 'range', base, head, why: `pull request #${pr?.number ?? '?'}: its commits` };
    }
    case 'merge_group': {
      const group = (payload as MergeGroupPayload).merge_group;
      const base = sha(group?.base_sha, 'merge_group.base_sha');
      const head = sha(group?.head_sha, 'merge_group.head_sha');
      return { kind: 'range', base, head, why: `merge queue${group?.head_ref ? ` ${group.head_ref}` : ''}: its commits` };
    }
    case 'push': {
      const p = payload as PushPayload;
      if (p.deleted || (typeof p.after === 'string' && ZERO.test(p.after))) {
        return { kind: 'none', why: `push deleted ${p.ref ?? 'a ref'}: nothing to scan` };
      }
      const after = sha(p.after, 'push after');
      if (p.created || typeof p.before !== 'string' || ZERO.test(p.before)) {
        return { kind: 'branch', head: after, why: `push created ${p.ref ?? 'a ref'}: the whole branch` };
      }
      return { kind: 'range', base: sha(p.before, 'push before'), head: after, why: `push to ${p.ref ?? 'a ref'}: the pushed commits` };
    }
    default:
      return { kind: 'full', why: `${eventName || 'unknown event'}: the full history` };
  }
}
