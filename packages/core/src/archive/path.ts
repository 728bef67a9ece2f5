import { printablePath } from '../printable.js';
import type { ArchiveStep } from '../finding.js';

/**
 * The name of one step as reports show it. A gzip stream that records no file name is named after
 * its container, as gunzip would (`app.log.gz` holds `app.log`, `x.tgz` holds `x.tar`); a layer by
 * its digest.
 */
export function stepName(container: string, step: ArchiveStep, short = false): string {
  if (step.format === 'gzip' && step.path === '') {
    const base = container.split('/').pop() ?? container;
    if (/\.tgz$/i.test(base)) return base.replace(/\.tgz$/i, '.tar');
    const stripped = base.replace(/\.gz$/i, '');
    return stripped !== base && stripped !== '' ? stripped : `${base}~`;
  }
  if (step.format !== 'layer' || step.layer === undefined) return step.path;
  // A layer by its short digest in a one-line path, as docker prints it.
  const digest = short ? step.layer.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…') : step.layer;
  return step.path === '' ? digest : `${digest}/${step.path}`;
}

/** `release.zip!lib/app.jar!config/.env`: the outer path and the entries inside it. */
export function archivePath(path: string, chain: readonly ArchiveStep[] | undefined): string {
  if (!chain || chain.length === 0) return printablePath(path);
  const names = [path];
  for (const step of chain) names.push(stepName(names[names.length - 1]!, step, true));
  return names.map(printablePath).join('!');
}
