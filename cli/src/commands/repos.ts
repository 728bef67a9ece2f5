import type { Argv } from 'yargs';
import { writeFileAtomic } from '@shippo-keyguard/core/report';
import { resolve } from 'node:path';
import { CliError, EXIT, describeError } from '../errors.js';
import type { RunIO, RunResult } from '../io.js';
import { INCLUSION, VISIBILITY, filterRepositories, parsePushedSince, type Inclusion, type Visibility } from '../org/filters.js';
import { githubApiUrl, githubToken } from '../org/endpoints.js';
import { MAX_MATRIX_JOBS, planShards } from '../org/shards.js';
import { TOOL } from '../version.js';

export const command = 'repos <owner>';
export const describe = 'List the repositories of a GitHub organisation or user and print them as matrix shards for an organisation scan';

export function builder<T>(y: Argv<T>) {
  return y
    .positional('owner', { type: 'string', demandOption: true, describe: 'Organisation or user' })
    .option('owner-type', { requiresArg: true, choices: ['auto', 'org', 'user'] as const, default: 'auto', describe: 'List an organisation or a user; auto tries the organisation first' })
    .option('api-url', { requiresArg: true, type: 'string', describe: 'GitHub REST API base URL (default: GITHUB_API_URL, else https://api.github.com); for GitHub Enterprise Server' })
    .option('archived', { requiresArg: true, choices: INCLUSION, default: 'exclude' as Inclusion, describe: 'Archived repositories' })
    .option('forks', { requiresArg: true, choices: INCLUSION, default: 'exclude' as Inclusion, describe: 'Forks' })
    .option('visibility', { requiresArg: true, choices: VISIBILITY, default: 'all' as Visibility, describe: 'Only repositories of this visibility' })
    .option('topic', { requiresArg: true, type: 'string', array: true, default: [] as string[], describe: 'Only repositories with one of these topics (repeatable, or space/comma-separated)' })
    .option('match', { requiresArg: true, type: 'string', array: true, default: [] as string[], describe: 'Only repositories whose name matches one of these globs (owner/name when the glob has a /; repeatable, or space/comma-separated)' })
    .option('exclude', { requiresArg: true, type: 'string', array: true, default: [] as string[], describe: 'Never repositories whose name matches one of these globs (repeatable, or space/comma-separated)' })
    .option('pushed-since', { requiresArg: true, type: 'string', describe: 'Only repositories pushed to since this date (2024-05-01) or number of days (30d); "" for any time' })
    .option('shard-size', { requiresArg: true, type: 'number', default: 20, describe: 'Repositories per matrix job (grown when more than --max-jobs jobs would be needed)' })
    .option('max-jobs', { requiresArg: true, type: 'number', default: MAX_MATRIX_JOBS, describe: `Most jobs in the matrix (GitHub runs at most ${MAX_MATRIX_JOBS})` })
    .option('max-retries', { requiresArg: true, type: 'number', default: 3, describe: 'Retries of a request that met a rate limit or a server error' })
    .option('max-wait', { requiresArg: true, type: 'number', default: 900, describe: 'Seconds to wait at most for a rate limit to reset; a longer wait fails the listing' })
    .option('output', { alias: 'o', requiresArg: true, type: 'string', describe: 'Write the matrix to FILE instead of stdout' })
    .option('github-output', {
      type: 'boolean',
      default: false,
      describe: 'Also append matrix=<json> and count=<repositories> to $GITHUB_OUTPUT (for a plan job)',
    })
    .example('$0 repos acme --topic production --pushed-since 365d', 'the matrix for acme\'s production repositories pushed to within a year')
    .example('$0 repos acme --api-url https://github.example.com/api/v3', 'on GitHub Enterprise Server');
}

export interface ReposArgs {
  owner: string;
  ownerType: 'auto' | 'org' | 'user';
  apiUrl?: string;
  archived: Inclusion;
  forks: Inclusion;
  visibility: Visibility;
  topic: string[];
  match: string[];
  exclude: string[];
  pushedSince?: string;
  shardSize: number;
  maxJobs: number;
  maxRetries: number;
  maxWait: number;
  output?: string;
  githubOutput: boolean;
}

function wholeNumber(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new CliError(`--${option}: expected a whole number from ${min} to ${max}, got ${String(value)}`);
  return value;
}

export async function handler(args: ReposArgs, io: RunIO): Promise<RunResult> {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(args.owner)) throw new CliError(`repos: "${args.owner}" is not a GitHub organisation or user name`);
  const shardSize = wholeNumber('shard-size', args.shardSize, 1, 100_000);
  const maxJobs = wholeNumber('max-jobs', args.maxJobs, 1, MAX_MATRIX_JOBS);
  const maxRetries = wholeNumber('max-retries', args.maxRetries, 0, 20);
  const maxWait = wholeNumber('max-wait', args.maxWait, 0, 6 * 3600);
  let pushedSince: Date | undefined;
  if (args.pushedSince !== undefined && args.pushedSince !== '') {
    pushedSince = parsePushedSince(args.pushedSince);
    if (pushedSince === undefined) throw new CliError(`--pushed-since: expected a date (2024-05-01) or a number of days (30d), got "${args.pushedSince}"`);
  }
  if (args.githubOutput && !io.env['GITHUB_OUTPUT']) throw new CliError('--github-output: GITHUB_OUTPUT is not set (it is set in a GitHub Actions step)');
  // A list may also come as one value, space- or comma-separated ("" for none): what a workflow input holds.
  const list = (values: readonly string[]) => values.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
  const baseUrl = githubApiUrl(args.apiUrl, io.env);
  const token = githubToken(io.env);

  const stderr: string[] = [];
  // Octokit loads only for this command: the hooks and scans that start far more often never pay for it.
  const { GitHubApiError, listRepositories } = await import('../org/github.js');
  let listed;
  try {
    listed = await listRepositories({
      owner: args.owner,
      ownerType: args.ownerType,
      baseUrl,
      ...(token ? { token } : {}),
      userAgent: `${TOOL.name}/${TOOL.version}`,
      maxRetries,
      maxWaitSeconds: maxWait,
      onWait: (message) => stderr.push(message),
    });
  } catch (error) {
    if (error instanceof GitHubApiError) throw new CliError(error.message);
    throw new CliError(`GitHub API: ${describeError(error)}`);
  }
  const kept = filterRepositories(listed, {
    archived: args.archived,
    forks: args.forks,
    visibility: args.visibility,
    topics: list(args.topic),
    match: list(args.match),
    exclude: list(args.exclude),
    ...(pushedSince ? { pushedSince } : {}),
  });
  // Sorted by name: shard membership stays the same from night to night while the organisation does.
  const names = kept.map((r) => r.full_name).sort((a, b) => a.localeCompare(b, 'en'));
  const plan = planShards(names, shardSize, maxJobs);
  const json = JSON.stringify(plan.matrix);
  stderr.push(
    `${names.length} of ${listed.length} repositories of ${args.owner} in ${plan.matrix.include.length} shard${plan.matrix.include.length === 1 ? '' : 's'}` +
      (plan.shardSize > shardSize ? ` of ${plan.shardSize} (grown from ${shardSize} to stay within ${maxJobs} jobs)` : ` of up to ${plan.shardSize}`),
  );
  if (args.output) {
    try {
      writeFileAtomic(resolve(io.cwd, args.output), `${json}\n`);
    } catch (error) {
      throw new CliError(`cannot write ${args.output}: ${describeError(error)}`);
    }
  }
  if (args.githubOutput) {
    const { appendFileSync } = await import('node:fs');
    appendFileSync(io.env['GITHUB_OUTPUT']!, `matrix=${json}\ncount=${names.length}\n`);
  }
  return { exitCode: EXIT.OK, stdout: args.output ? '' : `${json}\n`, stderr: `${stderr.join('\n')}\n` };
}
