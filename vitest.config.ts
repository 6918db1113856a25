import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS and ESM without an exports map: Node loads the CJS build for the
    // libraries (Pothos, Yoga), so the tests must use the same copy, not Vite's ESM pick.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database; two at a time keeps this 2-core machine responsive.
    maxWorkers: 2,
  },
});
