import { defineConfig } from 'vitest/config';

/**
 * The stress tests keep every core busy on purpose (CPU burners): they run on their own, after the
 * rest of `npm test`, so that they load nothing but themselves.
 */
export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
