import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_URL, detectors } from '@shippo-keyguard/core';
import { formatSarif, type ScanReport } from '@shippo-keyguard/core/report';
import { rules } from 'eslint-plugin-shippo-keyguard';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { anchorsOf, brokenLink, documentationPages, linksOf, targetOf } from './markdown.js';

/**
 * Every link in the documentation, and every link the tools print or embed (SARIF helpUri and
 * informationUri, the ESLint rules' meta.docs.url, --help), names a file and heading that exist.
 */

const pages = documentationPages();

/** A link the tools build, as a link from the repository root. */
function problemWith(href: string): string | undefined {
  expect(href.startsWith(REPOSITORY_URL), `${href} is not under ${REPOSITORY_URL}`).toBe(true);
  return brokenLink({ page: 'README.md', href }, REPOSITORY_URL);
}

describe('the documentation', () => {
  it('has the pages users are sent to', () => {
    for (const page of ['README.md', 'CONTRIBUTING.md', 'docs/README.md', 'docs/detectors.md', 'docs/cli.md']) expect(pages).toContain(page);
  });

  it.each(pages)('%s: every relative link and #anchor resolves', (page) => {
    const links = linksOf(page);
    const problems = links.map((l) => brokenLink(l, REPOSITORY_URL)).filter((p) => p !== undefined);
    expect(problems).toEqual([]);
  });

  it('the README links to every page of docs/ that it is meant to', () => {
    const readme = linksOf('README.md').map((l) => targetOf(l, REPOSITORY_URL)?.file);
    expect(readme.filter((f) => f !== undefined).length).toBeGreaterThan(20);
    expect(readme).toContain('docs/README.md');
    expect(readme).toContain('CONTRIBUTING.md');
  });

  it('the checker itself catches a dead link, a missing anchor and a link outside the repository', () => {
    expect(brokenLink({ page: 'README.md', href: 'docs/no-such-page.md' }, REPOSITORY_URL)).toMatch(/no file/);
    expect(brokenLink({ page: 'README.md', href: 'docs/detectors.md#no-such-heading' }, REPOSITORY_URL)).toMatch(/has no heading/);
    expect(brokenLink({ page: 'docs/cli.md', href: '../../etc/passwd' }, REPOSITORY_URL)).toMatch(/no file/);
    expect(brokenLink({ page: 'docs/cli.md', href: '#scan' }, REPOSITORY_URL)).toBeUndefined();
    expect(brokenLink({ page: 'README.md', href: 'https://example.com/x' }, REPOSITORY_URL)).toBeUndefined();
    // GitHub's slugs: code spans keep their text, punctuation goes, repeats get -1.
    expect(anchorsOf('docs/detectors.md').has('shippo-live-key')).toBe(true);
  });
});

describe('links the tools build from the one repository URL', () => {
  const report: ScanReport = {
    tool: { name: 'shippo-keyguard', version: '0.0.0', informationUri: REPOSITORY_URL },
    command: 'scan',
    root: REPO_ROOT,
    findings: [],
    warnings: [],
    stats: { scanned: 0, bytes: 0, skipped: 0, durationMs: 0 },
    startedAt: new Date(0).toISOString(),
    endedAt: new Date(0).toISOString(),
    exitCode: 0,
  };
  const sarif = JSON.parse(formatSarif(report)) as { runs: { tool: { driver: { informationUri: string; rules: { id: string; helpUri: string }[] } } }[] };
  const driver = sarif.runs[0]!.tool.driver;

  it('SARIF: one rule per detector, each helpUri is its own heading in docs/detectors.md', () => {
    expect(driver.rules.map((r) => r.id)).toEqual(detectors.map((d) => d.id));
    for (const rule of driver.rules) {
      expect(rule.helpUri).toBe(`${REPOSITORY_URL}/blob/main/docs/detectors.md#${rule.id}`);
      expect(problemWith(rule.helpUri)).toBeUndefined();
    }
  });

  it('SARIF informationUri and the CLI report tool are the repository', async () => {
    expect(driver.informationUri).toBe(REPOSITORY_URL);
    const r = await runCli(['scan', '-', '--format', 'json'], { cwd: REPO_ROOT, stdin: 'nothing\n' });
    expect((JSON.parse(r.stdout) as { tool: { informationUri: string } }).tool.informationUri).toBe(REPOSITORY_URL);
    const help = await runCli(['--help'], { cwd: REPO_ROOT });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`Docs: ${REPOSITORY_URL}`);
  });

  it("ESLint: every rule's meta.docs.url is its doc beside the rule", () => {
    expect(Object.keys(rules).length).toBeGreaterThan(0);
    for (const [name, rule] of Object.entries(rules)) {
      const url = (rule.meta as { docs: { url: string } }).docs.url;
      expect(url).toBe(`${REPOSITORY_URL}/blob/main/packages/eslint-plugin/docs/rules/${name}.md`);
      expect(problemWith(url)).toBeUndefined();
    }
  });

  it('the packages that name a repository or homepage name this one', () => {
    for (const dir of ['.', 'cli', 'rules', 'packages/core', 'packages/eslint-plugin']) {
      const file = join(REPO_ROOT, dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { repository?: string | { url?: string }; homepage?: string };
      const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
      if (repository !== undefined) expect(repository.replace(/^git\+/, '').replace(/\.git$/, ''), file).toBe(REPOSITORY_URL);
      if (pkg.homepage !== undefined) expect(pkg.homepage.startsWith(REPOSITORY_URL), file).toBe(true);
    }
  });
});
