// The differential suite (test/differential/differential.ts), a fixed-seed slice of it; `npm run fuzz -- --differential`
// runs all of it and mutated cases.
import { describe, expect, it } from 'vitest';
import { checkCase, manifestCases, slice, testSuiteCases, type Outcome } from './differential/differential.js';

const SEED = 15;

describe('differential: pd-disagg against the yaml package', () => {
  const suite = testSuiteCases();
  const manifests = manifestCases();

  it('has the YAML test suite and the vendored manifests to run', () => {
    expect(suite.length).toBeGreaterThan(250);
    expect(manifests.length).toBeGreaterThan(20);
  });

  for (const [what, cases] of [
    ['the YAML test suite (fixed-seed slice)', slice(suite, 40, SEED)],
    ['real manifests (fixed-seed slice)', slice(manifests, 8, SEED)],
  ] as const) {
    it(what, () => {
      const outcome: Outcome = { skipped: [], ran: { item: 0, stream: 0, engine: 0 }, exit1: 0 };
      const broken: string[] = [];
      for (const c of cases) {
        try {
          checkCase(c, outcome);
        } catch (err) {
          broken.push((err as Error).message);
        }
      }
      expect(broken).toEqual([]);
      expect(outcome.ran.item).toBe(cases.length);
    });
  }
});
