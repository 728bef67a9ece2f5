import { scanArchiveContent } from '../archive/index.js';
import type { ArchiveLimits } from '../archive/index.js';
import { printablePath } from '../printable.js';
import type { Source } from './source.js';

export interface StdinSourceOptions {
  /** The bytes, or undefined once they passed `maxSize` (the rest was not read). */
  readonly content: () => Promise<Buffer | undefined>;
  /** The name findings get (`-`, or `--stdin-filename` relative to the root). */
  readonly path: string;
  readonly root: string;
  readonly maxSize: number;
  readonly archives: ArchiveLimits;
}

/** Standard input: one piece of content (opened if it is an archive). Over the size limit it is skipped, and the run fails (nothing else was scanned). */
export function stdinSource(options: StdinSourceOptions): Source {
  return {
    kind: 'stdin',
    async read(secrets) {
      const { path, root } = options;
      const content = await options.content();
      if (content === undefined) {
        const message = `${printablePath(path)}: skipped, stdin is over the size limit of ${options.maxSize} bytes (--max-file-size)`;
        return { root, findings: [], warnings: [{ code: 'too-large', message, path }], stats: { scanned: 0, bytes: 0, skipped: 1 }, failed: true };
      }
      const opened = scanArchiveContent(content, { path, source: 'stdin', secrets }, options.archives);
      return { root, findings: opened.findings, warnings: opened.warnings, stats: { scanned: 1, bytes: content.length, skipped: 0 } };
    },
  };
}
