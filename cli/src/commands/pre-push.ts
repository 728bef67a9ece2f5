import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Argv } from 'yargs';
import { pushedSource, type Source } from '@shippo-keyguard/core/pipeline';
import { finish, type Steps } from '../finish.js';
import { readFailuresAsCliErrors } from '../source-errors.js';
import {
  BadRevisionError,
  GitError,
  OBJECT_ID_LENGTH,
  objectFormat,
  objectTypes,
  openRepo,
  redactKeysIn,
  resolveCommit,
  type NamedTag,
} from '@shippo-keyguard/core/git';
import { CliError, describeError } from '../errors.js';
import type { RunIO, RunResult } from '../io.js';
import { maxFileSizeOf, maxFileSizeOption, withReportOptions, type ReportArgs } from '../options.js';
import { withAdvice } from './pre-commit.js';

export const command = 'pre-push [remote] [url]';
export const describe = "Hook entry: scan exactly the commits a push sends (git's pre-push lines on stdin)";

export function builder<T>(y: Argv<T>) {
  return withReportOptions(y)
    .positional('remote', { type: 'string', describe: 'Name of the remote (git passes it)' })
    .positional('url', { type: 'string', describe: 'URL of the remote (git passes it)' })
    .option('repo', { type: 'string', default: '.', describe: 'The repository' })
    .option('max-file-size', maxFileSizeOption('blobs'))
    .example('echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse origin/main)" | $0 pre-push origin', 'what git does');
}

export interface PrePushArgs extends ReportArgs {
  remote?: string;
  url?: string;
  repo: string;
  maxFileSize: string;
}

/** One line of git's pre-push input: `<local ref> <local sha> <remote ref> <remote sha>`. */
export interface PushedRef {
  readonly localRef: string;
  readonly localSha: string;
  readonly remoteRef: string;
  readonly remoteSha: string;
  /** 1-based line of stdin, for messages. */
  readonly line: number;
}

/** stdin text quoted in a message: one line, keys redacted, cut short. */
function quoteLine(text: string): string {
  const one = redactKeysIn(text).replace(/[\x00-\x1f\x7f]/g, '?');
  return JSON.stringify(one.length > 120 ? `${one.slice(0, 119)}…` : one);
}

/**
 * Parse git's pre-push lines. Every sha must be a full object id of the repository's format
 * (lower-case hex, 40 digits for sha1, 64 for sha256): anything else (`--output=FILE`, an
 * abbreviation, a name) is refused before it can reach git, where it could act as an option.
 * A line that is not four fields is refused too: a hook must not pass what it could not check.
 */
export function parsePushLines(text: string, format: 'sha1' | 'sha256' = 'sha1'): PushedRef[] {
  const hex = new RegExp(`^[0-9a-f]{${OBJECT_ID_LENGTH[format]}}$`);
  const refs: PushedRef[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return; // the hook script's trailing newline; a push of nothing
    const parts = raw.trim().split(/[ \t]+/);
    if (parts.length !== 4) {
      throw new CliError(`pre-push: stdin line ${line}: expected "<local ref> <local sha> <remote ref> <remote sha>", got ${parts.length} field${parts.length === 1 ? '' : 's'}: ${quoteLine(raw)}`);
    }
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    for (const [what, sha] of [['local sha', localSha], ['remote sha', remoteSha]] as const) {
      if (!hex.test(sha)) {
        throw new CliError(`pre-push: stdin line ${line}: ${what} ${quoteLine(sha)} is not a full object id (${OBJECT_ID_LENGTH[format]} hex digits, ${format})`);
      }
    }
    refs.push({ localRef, localSha, remoteRef, remoteSha, line });
  });
  return refs;
}

const isZero = (sha: string) => /^0+$/.test(sha);

/** A remote name safe to put in `--remotes=<name>` (it is a glob there, never an option). */
function remotePattern(remote: string | undefined): string[] {
  return remote && /^[\w.][\w.-]*$/.test(remote) ? [`--remotes=${remote}`] : [];
}

/**
 * The `git rev-list` arguments for everything the push sends, in one list however many refs it
 * pushes (`git push --tags`, `--mirror`): every new tip, minus every remote tip known here and
 * the remote's tracking refs. Commits the remote already has (through any of its refs) are not new
 * to it. After a force push the old remote tip may be unknown here; the tracking refs still bound
 * the walk. Undefined when nothing new is sent (deletions only).
 */
export function pushRevisions(refs: readonly PushedRef[], types: ReadonlyMap<string, string>, remote: string | undefined): string[] | undefined {
  const tips = new Set<string>();
  const known = new Set<string>();
  for (const ref of refs) {
    if (!isZero(ref.remoteSha) && (types.get(ref.remoteSha) ?? 'missing') !== 'missing') known.add(ref.remoteSha);
    if (!isZero(ref.localSha) && ref.localSha !== ref.remoteSha) tips.add(ref.localSha);
  }
  if (tips.size === 0) return undefined;
  // Full ids checked above: none of these can be read as an option. The scan hands them to git
  // on stdin (core's revisionInput), so tens of thousands of them never meet ARG_MAX.
  return [...tips, ...[...known].map((sha) => `^${sha}`), ...(remotePattern(remote).length > 0 ? ['--not', ...remotePattern(remote)] : [])];
}

async function readAll(stdin: Readable): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A commit named by the pre-commit framework's variables; the name is checked as a revision, never an option. */
async function frameworkCommit(root: string, name: string, value: string): Promise<string> {
  try {
    return await resolveCommit(root, value);
  } catch (error) {
    if (error instanceof BadRevisionError) throw new CliError(`pre-push: ${name}: ${describeError(error)}`);
    throw error;
  }
}

interface Pushed {
  /** rev-list arguments of the commits sent, or undefined when none are. */
  readonly revisions: string[] | undefined;
  /** Annotated tags sent: their messages go to the remote too. */
  readonly tags: NamedTag[];
}

/** What the push sends: the pre-commit framework's FROM/TO refs, else git's stdin lines. */
async function pushed(root: string, args: PrePushArgs, io: RunIO): Promise<Pushed> {
  const env = io.env;
  const from = env['PRE_COMMIT_FROM_REF'];
  const to = env['PRE_COMMIT_TO_REF'];
  const remote = args.remote ?? env['PRE_COMMIT_REMOTE_NAME'];
  if (from && to) {
    const [a, b] = [await frameworkCommit(root, 'PRE_COMMIT_FROM_REF', from), await frameworkCommit(root, 'PRE_COMMIT_TO_REF', to)];
    return { revisions: [b, `^${a}`], tags: [] };
  }
  if (env['PRE_COMMIT_LOCAL_BRANCH']) {
    // The framework pushes a branch whose root is new to the remote: everything not already there.
    const tip = await frameworkCommit(root, 'PRE_COMMIT_LOCAL_BRANCH', env['PRE_COMMIT_LOCAL_BRANCH']);
    return { revisions: [tip, ...(remotePattern(remote).length > 0 ? ['--not', ...remotePattern(remote)] : [])], tags: [] };
  }
  const refs = parsePushLines(await readAll(io.stdin), await objectFormat(root));
  const ids = [...new Set(refs.flatMap((r) => [r.localSha, r.remoteSha]).filter((sha) => !isZero(sha)))];
  const types = await objectTypes(root, ids);
  // git sends only objects it has: a local sha this repository does not hold is not git talking.
  const unknown = refs.find((r) => !isZero(r.localSha) && types.get(r.localSha) === 'missing');
  if (unknown) throw new CliError(`pre-push: stdin line ${unknown.line}: local sha ${unknown.localSha} is not an object of this repository`);
  const tags = refs
    .filter((r) => r.remoteRef.startsWith('refs/tags/') && !isZero(r.localSha) && r.localSha !== r.remoteSha && types.get(r.localSha) === 'tag')
    .map((r) => ({ id: r.localSha, name: r.remoteRef.slice('refs/tags/'.length) }));
  return { revisions: pushRevisions(refs, types, remote), tags };
}

export async function handler(args: PrePushArgs & Record<string, unknown>, io: RunIO, steps: Steps): Promise<RunResult> {
  let source: Source;
  try {
    const root = (await openRepo(resolve(io.cwd, args.repo))).root;
    const { revisions, tags } = await pushed(root, args, io);
    source = readFailuresAsCliErrors(pushedSource({ repo: root, revisions, tags, maxBlobSize: maxFileSizeOf(args) }));
  } catch (error) {
    if (error instanceof GitError) throw new CliError(describeError(error));
    throw error;
  }
  return withAdvice(await finish(source, 'pre-push', args, io, steps), 'push', args);
}
