import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import plugin, { ALL_FILES_PATTERNS } from './index.js';

const require = createRequire(import.meta.url);

describe('configs for both config systems', () => {
  it('require() of the built package gives the plugin object itself, not a module namespace', () => {
    const required = require('eslint-plugin-shippo-keyguard') as typeof plugin;
    expect(required).not.toHaveProperty('default');
    expect(Object.keys(required).sort()).toEqual(['configs', 'meta', 'processors', 'rules']);
    expect(required.meta).toEqual(plugin.meta);
    // The configs register the very object require() returned.
    expect(required.configs.recommended.plugins!['shippo-keyguard']).toBe(required);
  });

  it('legacy-recommended turns on what recommended does, by plugin name', () => {
    expect(plugin.configs['legacy-recommended']).toEqual({ plugins: ['shippo-keyguard'], rules: plugin.configs.recommended.rules });
  });

  it('legacy-all-files lints the same files as all-files, in patterns ESLint 8 lints on `eslint <dir>`', () => {
    const [processed, blocks] = plugin.configs['legacy-all-files'].overrides!;
    expect(processed!.processor).toBe('shippo-keyguard/keys');
    const files = processed!.files as string[];
    expect(files.filter((p) => p.endsWith('*'))).toEqual([]);
    expect(files).toHaveLength(ALL_FILES_PATTERNS.length);
    expect(files).toContain('**/.env{,*}');
    expect(files).toContain('**/Dockerfile{,*}');
    expect(files).toContain('**/*.yaml');
    const [, flatBlocks] = plugin.configs['all-files'];
    expect(blocks!.files).toEqual(flatBlocks!.files);
    expect(blocks!.rules).toEqual(flatBlocks!.rules);
    expect(blocks!.noInlineConfig).toBe(true);
  });
});
