import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Argv } from 'yargs';
import { SecretStore, scanContent, type Finding } from '@shippo-keyguard/core';
import { redactKeys } from '@shippo-keyguard/core/config';
import { git } from '../action/git.js';
import { finish, type Collected, type Step } from '../finish.js';
import { GitError, openRepo, scanHistory, type GitScanResult } from '@shippo-keyguard/core/git';
import { CliError, describeError } from '../errors.js';
import type { RunIO, RunResult } from '../io.js';
import { withReportOptions, type ReportArgs } from '../options.js';
import { withAdvice } from './pre-commit.js';

export const command = 'pre-push [remote] [url]';
export const describe = "Hook entry: scan exactly the commits a push sends (git's pre-push lines on stdin)";

export function builder<T>(y: Argv<T>) {
  return withReportOptions(y)
    .positional('remote', { type: 'string', describe: 'Name of the remote (git passes it)' })
    .positional('url', { type: 'string', describe: 'URL of the remote (git passes it)' })
    .option('repo', { type: 'string', default: '.', describe: 'The repository' })
    .example('echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse origin/main)" | $0 pre-push origin', 'what git does');
}

export interface PrePushArgs extends ReportArgs {
  remote?: string;
  url?: string;
  repo: string;
}

const ZERO = /^0+$/;

/** One line of git's pre-push input: `<local ref> <local sha> <remote ref> <remote sha>`. */
export interface PushedRef {
  readonly localRef: string;
  readonly localSha: string;
  readonly remoteRef: string;
  readonly remoteSha: string;
}

export function parsePushLines(text: string): PushedRef[] {
  const refs: PushedRef[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 4) continue;
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    refs.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return refs;
}

/**
 * `git rev-list` arguments for the commits one pushed ref sends, or undefined for a deletion.
 * Commits already on any of the remote's branches are not new to it. After a force push the
 * old remote tip may be unknown here; the remote-tracking refs still bound the walk.
 */
export function revisionsFor(repo: string, ref: PushedRef, remote: string | undefined): string[] | undefined {
  if (ZERO.test(ref.localSha)) return undefined;
  const not: string[] = [];
  if (!ZERO.test(ref.remoteSha) && git(repo, ['cat-file', '-e', `${ref.remoteSha}^{commit}`]).ok) not.push(ref.remoteSha);
  if (remote && /^[\w.-]+$/.test(remote)) not.push(`--remotes=${remote}`);
  return not.length > 0 ? [ref.localSha, '--not', ...not] : [ref.localSha];
}

/**
 * Findings in the message of an annotated tag the push sends (`git push origin v1.0`,
 * `--follow-tags`): the message goes to the remote with it. Like `history`, the finding points
 * at `tag-message/<tag>` and names the tagger.
 */
export function tagMessageFindings(repo: string, ref: PushedRef, secrets: SecretStore): { findings: Finding[]; bytes: number } | undefined {
  if (!ref.remoteRef.startsWith('refs/tags/') || ZERO.test(ref.localSha) || ref.localSha === ref.remoteSha) return undefined;
  if (git(repo, ['cat-file', '-t', ref.localSha]).stdout.trim() !== 'tag') return undefined;
  const raw = git(repo, ['cat-file', 'tag', ref.localSha]);
  const end = raw.stdout.indexOf('\n\n');
  if (!raw.ok || end === -1) return undefined;
  const headers = raw.stdout.slice(0, end);
  const tag = ref.remoteRef.slice('refs/tags/'.length);
  const tagger = /^tagger (.*) <([^>]*)> (\d+) [+-]\d{4}$/m.exec(headers);
  const introduced = {
    commit: /^object ([0-9a-f]+)$/m.exec(headers)?.[1] ?? '',
    author: redactKeys(tagger?.[1] ?? ''),
    email: redactKeys(tagger?.[2] ?? ''),
    date: tagger ? new Date(Number(tagger[3]) * 1000).toISOString() : '',
    summary: redactKeys(`tag ${tag}`),
  };
  const message = raw.stdout.slice(end + 2);
  const found = scanContent(message, { path: `tag-message/${tag}`, source: 'commit-message', secrets });
  return { findings: found.map((f) => ({ ...f, introduced })), bytes: Buffer.byteLength(message) };
}

async function readAll(stdin: Readable): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The revisions to scan: the pre-commit framework's FROM/TO refs, else git's stdin lines. */
async function pushedRevisions(repo: string, args: PrePushArgs, io: RunIO): Promise<{ lists: string[][]; refs: PushedRef[] }> {
  const env = io.env;
  const from = env['PRE_COMMIT_FROM_REF'];
  const to = env['PRE_COMMIT_TO_REF'];
  if (from && to) return { lists: [[to, '--not', from]], refs: [] };
  const remote = args.remote ?? env['PRE_COMMIT_REMOTE_NAME'];
  if (env['PRE_COMMIT_LOCAL_BRANCH']) {
    // The framework pushes a branch whose root is new to the remote: everything not already there.
    return { lists: [[env['PRE_COMMIT_LOCAL_BRANCH'], ...(remote ? ['--not', `--remotes=${remote}`] : [])]], refs: [] };
  }
  const lists: string[][] = [];
  const refs = parsePushLines(await readAll(io.stdin));
  for (const ref of refs) {
    const revisions = revisionsFor(repo, ref, remote);
    if (revisions) lists.push(revisions);
  }
  return { lists, refs };
}

export async function handler(args: PrePushArgs & Record<string, unknown>, io: RunIO, steps: readonly Step[]): Promise<RunResult> {
  const startedAt = new Date();
  const secrets = new SecretStore();
  const results: GitScanResult[] = [];
  const tagFindings: Finding[] = [];
  const tagStats = { scanned: 0, bytes: 0 };
  let root: string;
  try {
    root = (await openRepo(resolve(io.cwd, args.repo))).root;
    const { lists, refs } = await pushedRevisions(root, args, io);
    for (const revisions of lists) results.push(await scanHistory({ repo: root, revisions, secrets }));
    for (const ref of refs) {
      const tag = tagMessageFindings(root, ref, secrets);
      if (tag === undefined) continue;
      tagFindings.push(...tag.findings);
      tagStats.scanned++;
      tagStats.bytes += tag.bytes;
    }
  } catch (error) {
    if (error instanceof GitError) throw new CliError(describeError(error));
    throw error;
  }
  const collected: Collected = {
    command: 'pre-push',
    root,
    findings: [...results.flatMap((r) => r.findings), ...tagFindings],
    suppressed: [],
    warnings: results.flatMap((r) => r.warnings),
    stats: {
      scanned: results.reduce((n, r) => n + r.stats.scanned, tagStats.scanned),
      bytes: results.reduce((n, r) => n + r.stats.bytes, tagStats.bytes),
      skipped: results.reduce((n, r) => n + r.stats.skipped, 0),
    },
    secrets,
    startedAt,
  };
  return withAdvice(await finish(collected, args, io, steps), 'push', args);
}
