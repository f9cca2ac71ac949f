import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships CJS and ESM builds; dependencies load the CJS one, so tests must too, or
  // graphql's instanceof checks see two copies of every class.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file has its own database copy; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
