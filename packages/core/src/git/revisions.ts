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
 * comes first, and the lines keep the meaning they had among the arguments.
 */
export function revisionInput(revs: readonly string[]): RevisionInput {
  const args: string[] = [];
  const ids: string[] = [];
  // git reads stdin with none of the command line's `--not` in effect: an id that followed an odd
  // number of them is negated here instead (`^` added, or a `^` taken away).
  let negated = false;
  for (const rev of revs) {
    if (rev === '--not') negated = !negated;
    if (!OBJECT_ID_REVISION.test(rev)) args.push(rev);
    else if (!negated) ids.push(rev);
    else ids.push(rev.startsWith('^') ? rev.slice(1) : `^${rev}`);
  }
  if (ids.length === 0) return { args };
  return { args: ['--stdin', ...args], input: `${ids.join('\n')}\n` };
}
