// The test files `npm run mutate` (StrykerJS, stryker.config.mjs) runs against each mutant: the in-process tests.
// Left out: tests that spawn the built bundle or real tools (e2e, conformance, wire, launcher, output, privilege), which
// never see a mutant, knip, and the long fixed-seed fuzz slices (property, differential), which `npm test` still runs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/e2e/**',
      'test/conformance/**',
      'test/property/**',
      'test/differential.test.ts',
      'test/wire.test.ts',
      'test/launcher.test.ts',
      'test/output.test.ts',
      'test/hostile/privilege.test.ts',
      'test/no-dead-code.test.ts',
    ],
    // test/helpers.ts slowIt: the tests that take seconds are left out of the mutation run (npm test runs them)
    env: { PD_MUTATE_RUN: '1' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
