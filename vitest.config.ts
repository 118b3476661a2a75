import { defineConfig } from 'vitest/config';

// End-to-end tests run the real CLI, render real PDFs and start real servers;
// they are slow by nature, so timeouts are generous. There are no timing
// assertions: timeouts only stop a hung test.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
