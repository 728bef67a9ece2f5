import { printablePath } from '../files/fs-path.js';
import type { ArchiveStep } from '../finding.js';

/** How a step reads in a one-line path: a layer by its short digest, as docker prints it. */
function stepText(step: ArchiveStep): string {
  if (step.format !== 'layer' || step.layer === undefined) return step.path;
  const short = step.layer.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…');
  return step.path === '' ? short : `${short}/${step.path}`;
}

/** `release.zip!lib/app.jar!config/.env`: the outer path and the entries inside it. */
export function archivePath(path: string, chain: readonly ArchiveStep[] | undefined): string {
  if (!chain || chain.length === 0) return printablePath(path);
  return [printablePath(path), ...chain.map((s) => printablePath(stepText(s)))].join('!');
}
