// `pd-disagg --help`: generated from README.md by scripts/gen-help.mjs (test/e2e/help.test.ts keeps them in step).
export { USAGE } from './help.generated.js';
