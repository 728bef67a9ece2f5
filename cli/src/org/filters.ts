import picomatch from 'picomatch';
import type { RepositoryInfo } from './github.js';

export const INCLUSION = ['exclude', 'include', 'only'] as const;
export type Inclusion = (typeof INCLUSION)[number];
export const VISIBILITY = ['all', 'public', 'private', 'internal'] as const;
export type Visibility = (typeof VISIBILITY)[number];

/** Which repositories of the listing to scan. */
export interface RepositoryFilter {
  readonly archived: Inclusion;
  readonly forks: Inclusion;
  readonly visibility: Visibility;
  /** A repository with any of these topics (none: every repository). */
  readonly topics: readonly string[];
  /** Name globs (`api-*`, `acme/web-*`): a repository must match one (none: every repository). */
  readonly match: readonly string[];
  /** Name globs never scanned. */
  readonly exclude: readonly string[];
  /** Only repositories pushed to at or after this time. */
  readonly pushedSince?: Date;
}

function included(flag: boolean, inclusion: Inclusion): boolean {
  return inclusion === 'include' || (inclusion === 'only') === flag;
}

/** The visibility of a repository: `visibility` when the API gives it (internal exists only there). */
function visibilityOf(repo: RepositoryInfo): Exclude<Visibility, 'all'> {
  const v = repo.visibility;
  if (v === 'public' || v === 'private' || v === 'internal') return v;
  return repo.private ? 'private' : 'public';
}

/** A glob without a `/` is matched against the name, one with a `/` against owner/name. */
function globMatcher(globs: readonly string[]): (repo: RepositoryInfo) => boolean {
  const tests = globs.map((g) => {
    const test = picomatch(g, { nocase: true, dot: true });
    return (repo: RepositoryInfo) => test(g.includes('/') ? repo.full_name : repo.name);
  });
  return (repo) => tests.some((t) => t(repo));
}

export function filterRepositories(repos: readonly RepositoryInfo[], filter: RepositoryFilter): RepositoryInfo[] {
  const matches = globMatcher(filter.match);
  const excluded = globMatcher(filter.exclude);
  const topics = new Set(filter.topics.map((t) => t.toLowerCase()));
  const since = filter.pushedSince?.getTime();
  return repos.filter((repo) => {
    if (repo.disabled) return false;
    if (!included(repo.archived, filter.archived) || !included(repo.fork, filter.forks)) return false;
    if (filter.visibility !== 'all' && visibilityOf(repo) !== filter.visibility) return false;
    if (topics.size > 0 && !(repo.topics ?? []).some((t) => topics.has(t.toLowerCase()))) return false;
    if (filter.match.length > 0 && !matches(repo)) return false;
    if (excluded(repo)) return false;
    // A repository never pushed to (created empty) has no history to scan.
    if (since !== undefined && (repo.pushed_at === null || Date.parse(repo.pushed_at) < since)) return false;
    return true;
  });
}

/**
 * `--pushed-since`: an ISO 8601 date or time (2024-05-01, 2024-05-01T12:00:00Z), or a number of
 * days back (`30d`). Undefined for anything else.
 */
export function parsePushedSince(value: string, now: Date = new Date()): Date | undefined {
  const days = /^(\d+)d$/.exec(value.trim());
  if (days) return new Date(now.getTime() - Number(days[1]) * 86_400_000);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return undefined;
  const t = Date.parse(value.trim());
  return Number.isNaN(t) ? undefined : new Date(t);
}
