import type { CommitInfo } from '../finding.js';
import { nulSplitter, runGit } from './exec.js';
import { redactKeysIn } from './redact-text.js';

/** A commit or tag message with who wrote it. */
export interface Message {
  /** `commit-message/<id>` or `tag-message/<tag>`: where findings in it point. */
  readonly path: string;
  readonly text: string;
  readonly info: CommitInfo;
}

/** Every commit message of the revisions, streamed (`git log -z`, five NUL-ended fields a commit). */
export async function forEachCommitMessage(root: string, revs: readonly string[], onMessage: (m: Message) => void): Promise<void> {
  let fields: string[] = [];
  const split = nulSplitter((token) => {
    fields.push(token);
    if (fields.length < 5) return;
    const [commit = '', author = '', email = '', date = '', text = ''] = fields;
    fields = [];
    const summary = text.split('\n', 1)[0] ?? '';
    onMessage({ path: `commit-message/${commit}`, text, info: { commit, author: redactKeysIn(author), email: redactKeysIn(email), date, summary: redactKeysIn(summary) } });
  });
  await runGit(root, ['log', '-z', '--format=%H%x00%an%x00%ae%x00%aI%x00%B', ...revs, '--'], { onData: (c) => split.push(c) });
  split.end();
}

/** Messages of annotated tags; the finding points at the commit the tag names. */
export async function tagMessages(root: string): Promise<Message[]> {
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
    messages.push({
      path: `tag-message/${tag}`,
      text,
      info: { commit: target, author: redactKeysIn(author), email: redactKeysIn(email.replace(/^<|>$/g, '')), date, summary: redactKeysIn(`tag ${tag}`) },
    });
  }
  return messages;
}
