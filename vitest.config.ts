import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['contract/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}', 'web/e2e/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'web/dist/**'],
    // a test that restarts an embedded store pays its start twice: room for a loaded machine
    testTimeout: 60_000,
    // an embedded store's first start compiles PostgreSQL to WebAssembly: slow on a loaded 2-core machine
    hookTimeout: 120_000,
    pool: 'forks',
    // most tests wait on PostgreSQL, child processes and the browser: two workers overlap that on 2 cores
    maxWorkers: 2,
  },
});
