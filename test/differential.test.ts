// The differential suite (test/differential/differential.ts), a fixed-seed slice of it; `npm run fuzz -- --differential`
// runs all of it and mutated cases.
import { describe, expect, it } from 'vitest';
import { checkCase, manifestCases, slice, testSuiteCases, type Case, type Outcome } from './differential/differential.js';

const SEED = 15;

describe('differential: pd-disagg against the yaml package', () => {
  const suite = testSuiteCases();
  const manifests = manifestCases();

  it('has the YAML test suite and the vendored manifests to run', () => {
    expect(suite.length).toBeGreaterThan(250);
    expect(manifests.length).toBeGreaterThan(20);
  });

  // in chunks of 8 cases, each well inside the test timeout on a busy machine
  const chunks = (cases: readonly Case[]) => Array.from({ length: Math.ceil(cases.length / 8) }, (_, i) => cases.slice(i * 8, i * 8 + 8));
  for (const [what, cases] of [
    ['the YAML test suite (fixed-seed slice)', slice(suite, 40, SEED)],
    ['real manifests (fixed-seed slice)', slice(manifests, 8, SEED)],
  ] as const) {
    chunks(cases).forEach((chunk, i) => {
      it(`${what}, part ${i + 1}: ${chunk.map((c) => c.name.replace('yaml-test-suite ', '')).join(', ')}`, () => {
        const outcome: Outcome = { skipped: [], ran: { item: 0, stream: 0, engine: 0 }, exit1: 0 };
        const broken: string[] = [];
        for (const c of chunk) {
          try {
            checkCase(c, outcome);
          } catch (err) {
            broken.push((err as Error).message);
          }
        }
        expect(broken).toEqual([]);
        expect(outcome.ran.item).toBe(chunk.length);
      });
    });
  }
});
