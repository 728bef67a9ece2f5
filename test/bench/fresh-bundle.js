// The bundle a user runs (the npm package, pre-commit's clone, the Action), built afresh from a
// checkout's current sources into a directory of its own: the committed dist/ may be stale, and a
// development checkout's bin would run cli/dist instead, which loads every module on its own.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Writes the bundle of the checkout at `root` into `dir`; returns the path of its entry. */
export async function writeFreshBundle(root, dir) {
  const { bundleFiles, BUNDLE } = await import(pathToFileURL(join(root, 'scripts/bundle.mjs')).href);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [path, bytes] of Object.entries(await bundleFiles())) writeFileSync(join(dir, basename(path)), bytes);
  return join(dir, basename(BUNDLE));
}
