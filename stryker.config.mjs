// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.mts', related: false },
  mutate: ['src/validate/**/*.ts', 'src/plan/**/*.ts', 'src/router/**/*.ts', 'src/write/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  ignorePatterns: ['.tools', '.tmp', 'coverage', 'reports', 'testdata/**/out', '.stryker-tmp'],
  reporters: ['progress', 'json', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  timeoutMS: 10000,
  dryRunTimeoutMinutes: 20,
  tempDirName: '.stryker-tmp',
  disableTypeChecks: false,
  checkers: ['sample'],
  plugins: ['@stryker-mutator/vitest-runner', './scripts/mutate/sample-checker.mjs'],
};
