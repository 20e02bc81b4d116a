import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Limits for a real hang only; no test's verdict depends on them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // A test that could not run because its file's or describe's beforeAll failed counts as failed, not skipped.
    runner: './test/support/set-up-failures-runner.ts',
  },
});
