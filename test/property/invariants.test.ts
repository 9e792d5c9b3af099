// Property tests: the contract holds on mutated golden inputs. A short, fixed-seed run here (CI); `npm run fuzz` runs
// long sessions with any seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRun, goldenInputs, mutationArb } from './invariants.js';
import { mutate } from './mutate.js';

const bases = goldenInputs();
const SEED = 20260801;

describe('invariants over mutated golden inputs', () => {
  it('holds on every golden input as it is', () => {
    for (const base of bases) checkRun(base);
  });

  it('holds on mutated inputs (fixed seed)', () => {
    fc.assert(
      fc.property(mutationArb, (m) => {
        checkRun(mutate(bases, m));
      }),
      { seed: SEED, numRuns: Number(process.env.PD_DISAGG_PROPERTY_RUNS ?? 300) },
    );
  });

  it('has golden inputs to start from', () => {
    expect(bases.length).toBeGreaterThan(5);
  });
});
