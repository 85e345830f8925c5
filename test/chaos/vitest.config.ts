import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: soak, fuzz, chaos under traffic, contention at scale and hostile input. Files are named
 * *.chaos.ts so that `npm test` (test/**\/*.test.ts) never runs them; they run one at a time, so that each
 * scenario's figures are its own on the 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    globalSetup: ['test/chaos/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
