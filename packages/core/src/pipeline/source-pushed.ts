import type { Finding } from '../finding.js';
import { scanHistory } from '../git/history.js';
import { readTagMessages, type NamedTag } from '../git/messages.js';
import { scanContent } from '../scan-content.js';
import type { ScanWarning } from '../warnings.js';
import type { Source } from './source.js';

export interface PushedSourceOptions {
  /** The repository's top level. */
  readonly repo: string;
  /** `git rev-list` arguments of the commits the push sends, or undefined when it sends none (deletions only). */
  readonly revisions: readonly string[] | undefined;
  /** Annotated tags the push sends: their messages reach the remote too. */
  readonly tags: readonly NamedTag[];
  readonly maxBlobSize: number;
}

/**
 * What a push sends: the commits (their blobs and messages, through the history reader) and the
 * messages of the annotated tags it pushes. Like `history`, a tag's finding points at
 * `tag-message/<tag>` and names the tagger.
 */
export function pushedSource(options: PushedSourceOptions): Source {
  return {
    kind: 'pushed',
    async read(secrets) {
      const { repo, revisions, tags, maxBlobSize } = options;
      const result = revisions ? await scanHistory({ repo, revisions, secrets, maxBlobSize }) : undefined;
      const findings: Finding[] = [...(result?.findings ?? [])];
      const warnings: ScanWarning[] = [...(result?.warnings ?? [])];
      const stats = { scanned: result?.stats.scanned ?? 0, bytes: result?.stats.bytes ?? 0, skipped: result?.stats.skipped ?? 0 };
      const onMissing = (id: string, reason: string) => {
        stats.skipped++;
        warnings.push({ code: 'missing-object', message: `tag object ${id} could not be read (${reason}); its message was not scanned` });
      };
      for (const message of await readTagMessages(repo, tags, onMissing, maxBlobSize)) {
        if (message.tooLarge !== undefined) {
          stats.skipped++;
          warnings.push({ code: 'too-large', message: `${message.path}: skipped, ${message.tooLarge} bytes is larger than the limit of ${maxBlobSize}`, path: message.path });
          continue;
        }
        stats.scanned++;
        stats.bytes += Buffer.byteLength(message.text);
        const found = scanContent(message.text, { path: message.path, source: 'commit-message', secrets });
        findings.push(...found.map((f) => ({ ...f, introduced: message.info })));
      }
      return { root: repo, findings, warnings, stats };
    },
  };
}
