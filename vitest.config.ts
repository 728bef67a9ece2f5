import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['rules/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'cli/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real git, real servers and real ESLint runs: two cores, so keep files from starving each other.
    maxWorkers: 2,
  },
});
