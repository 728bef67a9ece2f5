import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from './index.js';

const docsDir = new URL('../docs/rules/', import.meta.url);
const rulesDir = new URL('./rules/', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** The first paragraph after the title, joined into one line. */
function firstParagraph(markdown: string): string {
  const body = markdown.replace(/^# .*\n+/, '');
  return (body.split(/\n\s*\n/)[0] ?? '').replace(/\s*\n\s*/g, ' ').trim();
}

describe('plugin meta', () => {
  it('names itself from package.json', () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
    expect(pkg.name).toBe('eslint-plugin-shippo-keyguard');
  });

  it('has one source, test and doc per rule, under the same name', () => {
    const sources = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));
    const tests = readdirSync(rulesDir).filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -8));
    const docs = readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
    const names = Object.keys(rules).sort();
    expect(sources.sort()).toEqual(names);
    expect(tests.sort()).toEqual(names);
    expect(docs.sort()).toEqual(names);
  });

  for (const [name, rule] of Object.entries(rules)) {
    describe(name, () => {
      const doc = readFileSync(new URL(`${name}.md`, docsDir), 'utf8');
      it('doc title and first paragraph match the rule', () => {
        expect(doc.split('\n')[0]).toBe(`# shippo-keyguard/${name}`);
        expect(firstParagraph(doc)).toBe(rule.meta.docs.description);
      });
      it('doc follows the template', () => {
        const headings = [...doc.matchAll(/^##+ (.*)$/gm)].map((m) => m[1]);
        expect(headings).toEqual(['What it catches', 'Why it matters', 'Examples', '❌ Incorrect', '✅ Correct', 'Options', 'When not to use it']);
      });
      it('has strict meta', () => {
        expect(['problem', 'suggestion', 'layout']).toContain(rule.meta.type);
        expect(rule.meta.docs.url).toMatch(new RegExp(`/docs/rules/${name}\\.md$`));
        expect(typeof rule.meta.docs.recommended).toBe('boolean');
        expect('fixable' in rule.meta).toBe(false);
        for (const schema of rule.meta.schema as { type: string; additionalProperties?: boolean }[]) {
          if (schema.type === 'object') expect(schema.additionalProperties).toBe(false);
        }
        expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
      });
      it('doc shows no key-shaped literal', () => {
        expect(doc).not.toMatch(/shippo_(live|test)_[0-9a-fA-F]{24,}/);
      });
    });
  }

  it('configs.recommended enables exactly the recommended rules', () => {
    const recommended = Object.entries(rules)
      .filter(([, rule]) => rule.meta.docs.recommended)
      .map(([name]) => `shippo-keyguard/${name}`)
      .sort();
    expect(Object.keys(plugin.configs.recommended.rules ?? {}).sort()).toEqual(recommended);
    expect(Object.values(plugin.configs.recommended.rules ?? {}).every((level) => level === 'error')).toBe(true);
    expect(plugin.configs.recommended.plugins?.['shippo-keyguard']).toBe(plugin);
  });

  it("configs['all-files'] sets the processor on the usual names and every rule on its blocks", () => {
    const [files, blocks] = plugin.configs['all-files'];
    expect(files?.processor).toBe('shippo-keyguard/keys');
    expect(files?.files).toEqual(expect.arrayContaining(['**/.env*', '**/*.json', '**/*.yaml', '**/*.yml', '**/*.toml', '**/*.md', '**/Dockerfile*', '**/*.Dockerfile', '**/*.properties']));
    expect(Object.keys(blocks?.rules ?? {}).sort()).toEqual(Object.keys(rules).map((n) => `shippo-keyguard/${n}`).sort());
  });
});
