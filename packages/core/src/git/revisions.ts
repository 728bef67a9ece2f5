/** A revision that is a full object id (sha1 or sha256), possibly negated with `^`. */
const OBJECT_ID_REVISION = /^\^?(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** How a list of revisions reaches `git rev-list` / `git log`: arguments, and lines for `--stdin`. */
export interface RevisionInput {
  readonly args: string[];
  readonly input?: string;
}

/**
 * Object ids go to git on stdin (`--stdin`), the rest (`--all`, `--not`, `--remotes=<name>`, a
 * resolved range) stays on the command line. A push of tens of thousands of refs (`git push
 * --mirror`) hands over one id per ref, more than the operating system lets a command line hold
 * (ARG_MAX, 2 MiB on Linux); stdin has no such limit. Only full object ids go there, so nothing
 * read from stdin can be taken for an option (git refuses options on stdin anyway). `--stdin`
 * comes first: git reads the lines where it meets the option, before any `--not` given here.
 */
export function revisionInput(revs: readonly string[]): RevisionInput {
  const ids = revs.filter((r) => OBJECT_ID_REVISION.test(r));
  if (ids.length === 0) return { args: [...revs] };
  return { args: ['--stdin', ...revs.filter((r) => !OBJECT_ID_REVISION.test(r))], input: `${ids.join('\n')}\n` };
}
