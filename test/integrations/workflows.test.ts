import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionlint } from '../support/actionlint.js';
import { ROOT } from './support/checkout.js';
import { removeDir, tempDir } from './support/git.js';

const WORKFLOWS = join(ROOT, '.github', 'workflows');
const PUBLISHED = ['rules', 'packages/core', 'packages/eslint-plugin', 'cli'];

const readJson = (path: string): Record<string, any> => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, any>;
const VERSION = readJson('cli/package.json').version as string;

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

function workflow(name: string): { permissions?: unknown; on: unknown; jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }> } {
  return parse(readFileSync(join(WORKFLOWS, name), 'utf8'));
}

describe('GitHub workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('include the release and CI workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['release.yml', 'ci.yml']));
  });

  it.each(files)('%s passes actionlint', async (file) => {
    expect(await actionlint(join(WORKFLOWS, file))).toEqual([]);
  });

  it('actionlint does catch a broken workflow (the check above can fail)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.name }}\n';
    expect((await actionlint('broken.yml', broken)).join('\n')).toMatch(/evnt/);
  });

  it('CI runs the repository test command verbatim', () => {
    const command = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').trim().split('\n').at(-1)!;
    expect(command).toBe('npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 test');
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on as object)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''))).toContain(command);
  });

  it('release: changesets opens the version pull request and publishes with provenance', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({ push: { branches: ['main'] } });
    const [job] = Object.values(release.jobs);
    expect(job!.permissions).toMatchObject({ 'id-token': 'write', contents: 'write', 'pull-requests': 'write' });
    const changesets = job!.steps.find((s) => s.uses?.startsWith('changesets/action@'));
    expect(changesets?.env?.NPM_CONFIG_PROVENANCE).toBe(true);
    expect(changesets?.with).toMatchObject({ version: 'pnpm run version-packages', publish: 'pnpm run release' });
    // The commands it runs: the version PR carries the rebuilt bundle; publishing goes through
    // pnpm (workspace:* rewritten) only after the committed bundle is checked.
    const scripts = readJson('package.json').scripts as Record<string, string>;
    expect(scripts['version-packages']).toBe('changeset version && node scripts/pin-version.mjs && pnpm bundle');
    expect(scripts.release).toBe('pnpm bundle && git diff --exit-code -- dist/ && changeset publish');
    expect(readJson('package.json').packageManager).toMatch(/^pnpm@10\./);
  });

  it('release: tags vX.Y.Z, creates the GitHub release and force-moves the major tag', () => {
    const [job] = Object.values(workflow('release.yml').jobs);
    const tagging = job!.steps.find((s) => s.if === "steps.changesets.outputs.published == 'true'");
    expect(tagging?.run).toContain('tag="v${version}"');
    expect(tagging?.run).toContain('gh release create "${tag}"');
    expect(tagging?.run).toContain('major="v${version%%.*}"');
    expect(tagging?.run).toContain('git push --force origin "refs/tags/${major}"');
  });
});

describe('one version for all packages, the tags and the docs', () => {
  it('changesets versions the four published packages as one (fixed)', () => {
    const config = readJson('.changeset/config.json');
    const names = PUBLISHED.map((dir) => readJson(`${dir}/package.json`).name as string);
    expect([...(config.fixed as string[][])[0]!].sort()).toEqual([...names].sort());
    expect(config.access).toBe('public');
    expect(config.baseBranch).toBe('main');
  });

  it('every published package has the same version, with a changelog entry for it', () => {
    for (const dir of PUBLISHED) {
      expect(readJson(`${dir}/package.json`).version, dir).toBe(VERSION);
      expect(readFileSync(join(ROOT, dir, 'CHANGELOG.md'), 'utf8'), dir).toContain(`\n## ${VERSION}\n`);
    }
  });

  it('the README and docs pin the Action by major tag and pre-commit by the exact release tag', () => {
    const pages = ['README.md', ...(existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
    const uses: string[] = [];
    const revs: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const m of text.matchAll(/uses:\s*shippo-keyguard\/shippo-keyguard@([^\s`'"]+)/g)) uses.push(`${page}: @${m[1]}`);
      for (const m of text.matchAll(/repo:\s*https:\/\/github\.com\/shippo-keyguard\/shippo-keyguard\/?\s*\n\s*rev:\s*(\S+)/g)) revs.push(`${page}: ${m[1]}`);
    }
    // Both kinds of snippet exist somewhere a user reads them.
    expect(uses.length).toBeGreaterThan(0);
    expect(revs.length).toBeGreaterThan(0);
    const major = VERSION.split('.')[0];
    expect(uses.filter((u) => !u.endsWith(`: @v${major}`))).toEqual([]);
    expect(revs.filter((r) => !r.endsWith(`: v${VERSION}`))).toEqual([]);
  });

  it('the organisation workflow and the GitLab template run the released version, and the docs pin it', () => {
    const major = `v${VERSION.split('.')[0]}`;
    const pins: { where: string; pinned: string; want: string }[] = [];
    const pages = ['README.md', 'templates/gitlab/shippo-keyguard.gitlab-ci.yml', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const m of text.matchAll(/org-scan\.yml@(\S+)/g)) pins.push({ where: `${page}: uses`, pinned: m[1]!, want: major });
      for (const m of text.matchAll(/keyguard-ref:\s*(\S+)/g)) pins.push({ where: `${page}: keyguard-ref`, pinned: m[1]!, want: major });
      for (const m of text.matchAll(/shippo-keyguard\/shippo-keyguard\/([^/\s]+)\/templates\/gitlab\//g)) pins.push({ where: `${page}: include`, pinned: m[1]!, want: `v${VERSION}` });
    }
    expect(pins.length).toBeGreaterThanOrEqual(4);
    expect(pins.filter((p) => p.pinned !== p.want)).toEqual([]);

    // The npm version the GitLab template runs by default, and what its docs say the default is.
    const template = parse(readFileSync(join(ROOT, 'templates/gitlab/shippo-keyguard.gitlab-ci.yml'), 'utf8')) as { variables: Record<string, string> };
    expect(template.variables['SHIPPO_KEYGUARD_VERSION']).toBe(VERSION);
    expect(readFileSync(join(ROOT, 'docs/gitlab.md'), 'utf8')).toContain(`| \`SHIPPO_KEYGUARD_VERSION\` | \`${VERSION}\` |`);

    // The version pull request rewrites all of these; nothing is out of date now.
    expect(spawnSync(process.execPath, [join(ROOT, 'scripts', 'pin-version.mjs'), '--check'], { encoding: 'utf8' }).status).toBe(0);

    // Called without keyguard-ref, the reusable workflow runs the release it was called at, not main.
    const workflow = parse(readFileSync(join(WORKFLOWS, 'org-scan.yml'), 'utf8')) as { on: Record<string, { inputs: Record<string, { default?: string }> }> };
    expect(workflow.on['workflow_call']?.inputs['keyguard-ref']?.default).toBe(major);
    expect(workflow.on['workflow_dispatch']?.inputs['keyguard-ref']?.default).toBe(major);
  });

  it('scripts/pin-version.mjs moves every pin to a new version, so the version pull request passes the test above', () => {
    const copy = tempDir('pins');
    try {
      for (const part of ['README.md', 'docs', 'templates', '.github', 'scripts']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
      mkdirSync(join(copy, 'cli'));
      writeFileSync(join(copy, 'cli', 'package.json'), JSON.stringify({ name: 'shippo-keyguard', version: '7.3.1' }));
      const script = join(copy, 'scripts', 'pin-version.mjs');
      const before = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
      expect(before.status).toBe(1);
      expect(before.stderr).toContain('README.md does not pin v7.3.1');
      expect(spawnSync(process.execPath, [script], { encoding: 'utf8' }).status).toBe(0);
      expect(spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' }).status).toBe(0);
      const readme = readFileSync(join(copy, 'README.md'), 'utf8');
      expect(readme).toContain('rev: v7.3.1');
      expect(readme).toContain('uses: shippo-keyguard/shippo-keyguard@v7');
      expect(readme).not.toContain(`rev: v${VERSION}`);
      const template = parse(readFileSync(join(copy, 'templates/gitlab/shippo-keyguard.gitlab-ci.yml'), 'utf8')) as { variables: Record<string, string> };
      expect(template.variables['SHIPPO_KEYGUARD_VERSION']).toBe('7.3.1');
      const workflow = parse(readFileSync(join(copy, '.github/workflows/org-scan.yml'), 'utf8')) as { on: Record<string, { inputs: Record<string, { default?: string; description?: string }> }> };
      expect(workflow.on['workflow_call']?.inputs['keyguard-ref']).toMatchObject({ default: 'v7', description: expect.stringContaining('release') });
      expect(readFileSync(join(copy, 'docs/org-scan.md'), 'utf8')).toContain('org-scan.yml@v7');
    } finally {
      removeDir(copy);
    }
  });
});
