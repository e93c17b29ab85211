import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // the stress tests burn every core on purpose: they run alone (npm run test:stress, part of npm test)
    exclude: [...configDefaults.exclude, 'test/stress/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
