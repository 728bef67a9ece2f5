import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/**
 * GitHub's REST API through Octokit: pagination (Link headers), the throttling plugin for the
 * primary and secondary rate limits, the retry plugin for 5xx answers. Never a hand-written client:
 * these plugins implement GitHub's documented back-off rules.
 */
const GitHub = Octokit.plugin(paginateRest, throttling, retry);

/** One repository as the listing endpoints describe it (the fields the filters and the plan use). */
export interface RepositoryInfo {
  readonly name: string;
  readonly full_name: string;
  readonly private: boolean;
  readonly visibility?: string;
  readonly fork: boolean;
  readonly archived: boolean;
  readonly disabled?: boolean;
  readonly topics?: readonly string[];
  readonly pushed_at: string | null;
  readonly default_branch?: string;
  readonly size?: number;
}

export interface ListOptions {
  readonly owner: string;
  /** `org` lists /orgs/{owner}/repos, `user` /users/{owner}/repos; `auto` tries the organisation first. */
  readonly ownerType: 'org' | 'user' | 'auto';
  readonly baseUrl: string;
  readonly token?: string;
  readonly userAgent: string;
  /** Retries of a 5xx answer and of a rate-limited request. */
  readonly maxRetries: number;
  /** Longest wait for a rate limit to reset, in seconds; a longer one fails the listing. */
  readonly maxWaitSeconds: number;
  /** Milliseconds per second of a wait GitHub asks for (1000; tests shrink it). */
  readonly msPerSecond?: number;
  /** Told about each wait, for the log. */
  readonly onWait?: (message: string) => void;
}

/** The API said no, or could not be reached: one line for the user (exit 2). */
export class GitHubApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

interface RequestErrorLike {
  readonly status?: number;
  readonly message?: string;
  readonly response?: { readonly data?: unknown; readonly headers?: Record<string, string | undefined> };
}

function describeApiError(error: unknown, what: string): GitHubApiError {
  const e = error as RequestErrorLike;
  const data = e.response?.data as { message?: unknown } | undefined;
  const detail = typeof data?.message === 'string' ? data.message : (e.message ?? String(error));
  const oneLine = detail.replace(/\s+/g, ' ').trim();
  if (typeof e.status === 'number' && e.status > 0) return new GitHubApiError(`GitHub API: ${what}: HTTP ${e.status}: ${oneLine}`);
  return new GitHubApiError(`GitHub API: ${what}: ${oneLine}`);
}

/** Every repository of an organisation or user, all pages. */
export async function listRepositories(options: ListOptions): Promise<RepositoryInfo[]> {
  const scale = options.msPerSecond ?? 1000;
  const wait = (kind: string) => (retryAfter: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
    if (retryCount >= options.maxRetries || retryAfter > options.maxWaitSeconds) return false;
    options.onWait?.(`GitHub API ${kind}: waiting ${retryAfter} s before retrying ${request.method ?? 'GET'} ${request.url ?? ''}`);
    return true;
  };
  const github = new GitHub({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent,
    ...(options.token ? { auth: options.token } : {}),
    throttle: {
      onRateLimit: wait('rate limit'),
      onSecondaryRateLimit: wait('secondary rate limit'),
      retryAfterBaseValue: scale,
      fallbackSecondaryRateRetryAfter: 60,
    },
    retry: { retries: options.maxRetries, retryAfterBaseValue: scale },
    // Octokit logs warnings (deprecations, throttling notices) to the console; the CLI speaks through onWait.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const paginate = (route: string, params: Record<string, unknown>) =>
    github.paginate(route, { ...params, per_page: 100 }) as Promise<RepositoryInfo[]>;

  const org = () => paginate('GET /orgs/{org}/repos', { org: options.owner, type: 'all' });
  const user = () => paginate('GET /users/{username}/repos', { username: options.owner, type: 'owner' });
  try {
    if (options.ownerType === 'org') return await org();
    if (options.ownerType === 'user') return await user();
    try {
      return await org();
    } catch (error) {
      if ((error as RequestErrorLike).status !== 404) throw error;
      return await user();
    }
  } catch (error) {
    throw describeApiError(error, `listing the repositories of ${options.owner}`);
  }
}
