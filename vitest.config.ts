import { defineConfig } from 'vitest/config';

// End-to-end tests run the real CLI, render real PDFs and start real servers;
// they are slow by nature, so timeouts are generous. There are no timing
// assertions: timeouts only stop a hung test. They are set for a shared,
// busy machine (a full render of the 98 example letters runs in a beforeAll
// and takes several times longer under load), so that no verdict depends on
// speed; heavy steps name their own, larger, guards.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
