import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { REPO_ROOT } from '../support/cli.js';

/**
 * The documentation as GitHub renders it: links and heading anchors. markdown-it parses the
 * pages (so links inside code are not links), github-slugger makes anchors as GitHub does
 * (lower case, punctuation dropped, spaces to `-`, `-1`, `-2` for repeats).
 */

const md = new MarkdownIt({ html: true });

/** Every documentation page: README, CONTRIBUTING, docs/**, the ESLint rule docs. */
export function documentationPages(): string[] {
  const pages = ['README.md', 'CONTRIBUTING.md'].filter((p) => existsSync(join(REPO_ROOT, p)));
  const walk = (dir: string): void => {
    if (!existsSync(join(REPO_ROOT, dir))) return;
    for (const name of readdirSync(join(REPO_ROOT, dir)).sort()) {
      const path = `${dir}/${name}`;
      if (statSync(join(REPO_ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) pages.push(path);
    }
  };
  walk('docs');
  walk('packages/eslint-plugin/docs/rules');
  return pages;
}

function tokensOf(path: string): Token[] {
  return md.parse(readFileSync(join(REPO_ROOT, path), 'utf8'), {});
}

/** The anchors GitHub gives a page's headings, plus explicit `<a id>`/`<a name>` targets. */
export function anchorsOf(path: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const tokens = tokensOf(path);
  for (const [i, t] of tokens.entries()) {
    if (t.type === 'heading_open') {
      // The heading's rendered text: code spans and link texts, without markup.
      const text = (tokens[i + 1]?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
      anchors.add(slugger.slug(text));
    }
  }
  const raw = readFileSync(join(REPO_ROOT, path), 'utf8');
  for (const m of raw.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

export interface Link {
  /** The page that holds the link. */
  readonly page: string;
  readonly href: string;
}

/** Every link of a page (`[text](href)`, reference links, `<a href>` in HTML), outside code. */
export function linksOf(page: string): Link[] {
  const links: Link[] = [];
  const visit = (tokens: readonly Token[]): void => {
    for (const t of tokens) {
      if (t.type === 'link_open') links.push({ page, href: t.attrGet('href') ?? '' });
      if ((t.type === 'html_inline' || t.type === 'html_block') && /href="/.test(t.content)) {
        for (const m of t.content.matchAll(/href="([^"]+)"/g)) links.push({ page, href: m[1]! });
      }
      if (t.children) visit(t.children);
    }
  };
  visit(tokensOf(page));
  return links;
}

/**
 * Where a link points inside the repository, or undefined for a link elsewhere. A link into the
 * repository on GitHub (`<repository>/blob/main/docs/cli.md#scan`) counts as a file of it.
 */
export function targetOf(link: Link, repositoryUrl: string): { file: string; anchor?: string } | undefined {
  let href = link.href;
  let base = dirname(link.page);
  const onGitHub = new RegExp(`^${repositoryUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:blob|tree|raw)/main/`);
  if (onGitHub.test(href)) {
    href = href.replace(onGitHub, '');
    base = '.';
  } else if (href === repositoryUrl || href.startsWith(`${repositoryUrl}#`)) {
    href = `README.md${href.slice(repositoryUrl.length)}`;
    base = '.';
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
    return undefined;
  }
  const hash = href.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? href : href.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(href.slice(hash + 1));
  const file = pathPart === '' ? link.page : relative(REPO_ROOT, resolve(REPO_ROOT, base, pathPart)).split('\\').join('/');
  return anchor === undefined ? { file } : { file, anchor };
}

/** A problem with one link, or undefined when it resolves. */
export function brokenLink(link: Link, repositoryUrl: string): string | undefined {
  const target = targetOf(link, repositoryUrl);
  if (target === undefined) return undefined;
  const where = `${link.page}: ${link.href}`;
  const full = join(REPO_ROOT, target.file);
  if (target.file.startsWith('..') || !existsSync(full)) return `${where}: no file ${target.file}`;
  if (target.anchor === undefined || target.anchor === '') return undefined;
  if (!target.file.endsWith('.md')) return `${where}: an anchor into a file that is not Markdown`;
  if (!anchorsOf(target.file).has(target.anchor)) return `${where}: ${target.file} has no heading #${target.anchor}`;
  return undefined;
}
