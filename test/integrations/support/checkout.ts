import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM script without types
import { BUNDLE_FILES, bundleFiles } from '../../../scripts/bundle.mjs';
import { git, removeDir, sh, tempDir } from './git.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

let cached: Promise<{ dir: string; sha: string }> | undefined;

/**
 * A clone-like copy of this checkout as the outside world gets it (GitHub Actions' `uses:`, the
 * pre-commit framework's clone): the tracked and new files, a freshly built bundle, no
 * node_modules and no cli/dist, committed so it has a sha. Built once per test file.
 */
export function freshCheckout(): Promise<{ dir: string; sha: string }> {
  cached ??= (async () => {
    const built = (await bundleFiles()) as Record<string, Buffer>;
    const dir = tempDir('checkout');
    const listed = sh('git', ['ls-files', '-z', '-c', '-o', '--exclude-standard'], { cwd: ROOT });
    for (const path of new Set(listed.stdout.split('\0').filter(Boolean))) {
      if ((BUNDLE_FILES as string[]).includes(path) || !existsSync(join(ROOT, path))) continue;
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      copyFileSync(join(ROOT, path), join(dir, path));
    }
    mkdirSync(join(dir, 'dist'), { recursive: true });
    for (const [path, bytes] of Object.entries(built)) writeFileSync(join(dir, path), bytes);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'snapshot for tests');
    return { dir, sha: git(dir, 'rev-parse', 'HEAD') };
  })();
  return cached;
}

/** Remove the copy (call from afterAll of each test file that used it). */
export async function disposeFreshCheckout(): Promise<void> {
  if (!cached) return;
  const { dir } = await cached;
  cached = undefined;
  removeDir(dir);
}
