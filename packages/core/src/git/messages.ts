import type { CommitInfo } from '../finding.js';
import { readObjects } from './cat-file.js';
import { nulSplitter, runGit } from './exec.js';
import { revisionInput } from './revisions.js';
import { redactKeysIn, summaryOf } from './redact-text.js';

/** A commit or tag message with who wrote it. */
export interface Message {
  /** `commit-message/<id>` or `tag-message/<tag>`: where findings in it point. */
  readonly path: string;
  /** Empty when the message was over the size limit (then `tooLarge` holds its size). */
  readonly text: string;
  readonly info: CommitInfo;
  /** The message was larger than the limit: its size in bytes. It was never held, only counted. */
  readonly tooLarge?: number;
}

/**
 * Every commit message of the revisions, streamed (`git log -z`, five NUL-ended fields a commit).
 * A message over `maxSize` bytes is handed over with `tooLarge` and no text: it is dropped as it
 * streams by, as a blob over the limit is never read.
 */
export async function forEachCommitMessage(
  root: string,
  revs: readonly string[],
  onMessage: (m: Message) => void,
  maxSize = Number.POSITIVE_INFINITY,
): Promise<void> {
  let fields: string[] = [];
  let oversized: number | undefined;
  const field = (token: string) => {
    fields.push(token);
    if (fields.length < 5) return;
    const [commit = '', author = '', email = '', date = '', text = ''] = fields;
    fields = [];
    const info = { commit, author: redactKeysIn(author), email: redactKeysIn(email), date, summary: summaryOf(text) };
    if (oversized !== undefined) onMessage({ path: `commit-message/${commit}`, text: '', info: { ...info, summary: '' }, tooLarge: oversized });
    else onMessage({ path: `commit-message/${commit}`, text, info });
    oversized = undefined;
  };
  // Only the message (the fifth field) can be that large; an oversized one stands in as empty.
  const split = nulSplitter(field, {
    maxToken: () => (fields.length === 4 ? maxSize : Number.POSITIVE_INFINITY),
    onOversized: ({ size }) => {
      oversized = size;
      field('');
    },
  });
  const { args, input } = revisionInput(revs);
  await runGit(root, ['log', '-z', '--format=%H%x00%an%x00%ae%x00%aI%x00%B', ...args, '--'], {
    onData: (c) => split.push(c),
    ...(input !== undefined ? { input } : {}),
  });
  split.end();
}

/** Messages of annotated tags; the finding points at the commit the tag names. */
export async function tagMessages(root: string, maxSize = Number.POSITIVE_INFINITY): Promise<Message[]> {
  const format = '%(objecttype)%00%(refname:short)%00%(*objectname)%00%(taggername)%00%(taggeremail:trim)%00%(taggerdate:iso-strict)%00%(contents)%00';
  const out = await runGit(root, ['for-each-ref', `--format=${format}`, 'refs/tags']);
  const tokens = out.stdout.toString('utf8').split('\0');
  const messages: Message[] = [];
  for (let i = 0; i + 7 <= tokens.length; i += 7) {
    // for-each-ref ends each record with a newline after our last NUL.
    const [type = '', tag = '', target = '', author = '', email = '', date = '', text = ''] = tokens
      .slice(i, i + 7)
      .map((t, n) => (n === 0 ? t.replace(/^\n/, '') : t));
    if (type !== 'tag') continue;
    messages.push(tagMessage(tag, text, { commit: target, author, email: email.replace(/^<|>$/g, ''), date }, maxSize));
  }
  return messages;
}

function tagMessage(tag: string, text: string, who: Omit<CommitInfo, 'summary'>, maxSize: number): Message {
  const info = { ...who, author: redactKeysIn(who.author), email: redactKeysIn(who.email), summary: summaryOf(`tag ${tag}`) };
  const size = Buffer.byteLength(text);
  return size > maxSize ? { path: `tag-message/${tag}`, text: '', info, tooLarge: size } : { path: `tag-message/${tag}`, text, info };
}

/** An annotated tag object to read by id, and the name it is pushed under. */
export interface NamedTag {
  readonly id: string;
  readonly name: string;
}

/**
 * The messages of the given tag objects, read in one `git cat-file --batch` (a push of thousands
 * of tags costs one process, not two per tag). Ids that are not annotated tags (a lightweight tag
 * names a commit) are passed over; ids git cannot read go to `onMissing`.
 */
export async function readTagMessages(
  root: string,
  tags: readonly NamedTag[],
  onMissing: (id: string, reason: string) => void,
  maxSize = Number.POSITIVE_INFINITY,
): Promise<Message[]> {
  const names = new Map<string, string[]>();
  for (const t of tags) names.set(t.id, [...(names.get(t.id) ?? []), t.name]);
  const messages: Message[] = [];
  const oversized = new Map<string, number>();
  await readObjects(
    root,
    [...names.keys()],
    'tag',
    (id, content) => {
      const raw = content.toString('utf8');
      const end = raw.indexOf('\n\n');
      const headers = end === -1 ? raw : raw.slice(0, end);
      const text = end === -1 ? '' : raw.slice(end + 2);
      const tagger = /^tagger (.*) <([^>]*)> (\d+) [+-]\d{4}$/m.exec(headers);
      const who = {
        commit: /^object ([0-9a-f]+)$/m.exec(headers)?.[1] ?? '',
        author: tagger?.[1] ?? '',
        email: tagger?.[2] ?? '',
        date: tagger ? new Date(Number(tagger[3]) * 1000).toISOString() : '',
      };
      for (const name of names.get(id) ?? []) messages.push(tagMessage(name, text, who, maxSize));
    },
    onMissing,
    (id, size) => {
      if (size <= maxSize) return true;
      oversized.set(id, size);
      return false;
    },
  );
  for (const [id, size] of oversized) {
    for (const name of names.get(id) ?? []) {
      messages.push({ path: `tag-message/${name}`, text: '', info: { commit: '', author: '', email: '', date: '', summary: summaryOf(`tag ${name}`) }, tooLarge: size });
    }
  }
  return messages;
}
