import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { readmeSnippet } from '../integrations/support/runner.js';

/**
 * The README's snippets are the ones the integration tests run; where a docs page repeats one,
 * it must say the same thing (the same hooks, the same action version).
 */

const page = (name: string) => readFileSync(`${REPO_ROOT}${name}`, 'utf8');

/** The fenced blocks of a page. */
function codeBlocks(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('snippets repeated in docs/', () => {
  it('docs/hooks.md shows the README pre-commit configuration', () => {
    const configs = codeBlocks(page('docs/hooks.md')).filter((b) => b.startsWith('repos:'));
    expect(configs).toEqual([readmeSnippet('pre-commit-config')]);
  });

  it('docs/github-action.md pins the action as the README does, and its recipes are steps of the README workflow', () => {
    const readme = readmeSnippet('github-workflow');
    const pins = (text: string) => [...new Set([...text.matchAll(/uses: (\S+)/g)].map((m) => m[1]!))].sort();
    const recipes = codeBlocks(page('docs/github-action.md')).filter((b) => b.includes('uses: shippo-keyguard/'));
    expect(recipes.length).toBeGreaterThanOrEqual(2);
    for (const recipe of recipes) for (const pin of pins(recipe)) expect(pins(readme)).toContain(pin);
    for (const recipe of recipes) {
      for (const input of recipe.matchAll(/^ {10}([a-z-]+): (\S+)/gm)) expect(readme, `${input[1]}: ${input[2]}`).toMatch(new RegExp(`^ +${input[1]}: ${input[2]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    }
  });
});
