/**
 * `owner/name` from a remote URL: `https://github.com/acme/shop.git`, `ssh://git@host/acme/shop`,
 * `git@github.com:acme/shop.git`. Undefined for a local path or file URL (name those with `--repo-name`).
 * A GitLab subgroup path (`group/sub/project`) is kept whole.
 */
export function repositoryNameOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  let path: string | undefined;
  const url = /^(?:https?|ssh|git):\/\/[^/]+\/(.+)$/i.exec(uri);
  if (url) path = url[1];
  else {
    const scp = /^(?:[^@/]+@)?[^:/]{2,}:(?!\/\/)(.+)$/.exec(uri);
    if (scp) path = scp[1];
  }
  if (path === undefined) return undefined;
  const name = path.replace(/\/+$/, '').replace(/\.git$/, '').replace(/^\/+/, '');
  return name.includes('/') ? name : undefined;
}
