import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // the stress tests burn every core on purpose: they run alone (npm run test:stress, part of npm test)
    exclude: [...configDefaults.exclude, 'test/stress/**'],
    // Safety nets against a hang, never the thing judged: no test asserts how fast it ran (speed is
    // measured by `npm run bench`). Sized for a loaded 2-core machine, where the e2e tests (child
    // processes, key generation, thousands of requests) run about ten times slower than on an idle
    // one (scripts/stress-tests.sh); the longest tests set their own.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
