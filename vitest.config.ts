import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One redis-server for the whole run, on a free port, started and stopped by the setup.
    globalSetup: ['test/helpers/redis-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // e2e tests spawn controllers and simulators: keep the 2-core machine from thrashing.
    maxWorkers: 2,
  },
});
