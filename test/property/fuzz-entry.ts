// What scripts/fuzz.mjs runs (bundled by esbuild): one long property session over mutated golden inputs.
import fc from 'fast-check';
import { checkRun, goldenInputs, mutationArb } from './invariants.js';
import { mutate } from './mutate.js';
import { caseArb, checkConverges } from './converge.js';
import { run } from '../../src/run.js';

export function fuzz(opts: { seed: number; runs: number; verbose?: boolean }): number {
  const bases = goldenInputs();
  const details = fc.check(
    fc.property(mutationArb, (m) => {
      checkRun(mutate(bases, m));
    }),
    { seed: opts.seed, numRuns: opts.runs, verbose: opts.verbose ? 1 : 0 },
  );
  if (!details.failed) {
    process.stdout.write(`fuzz: ${details.numRuns} runs, seed ${opts.seed}: every invariant held\n`);
    return 0;
  }
  const m = details.counterexample?.[0];
  process.stdout.write(
    `fuzz: FAILED after ${details.numRuns} runs (seed ${opts.seed}, path ${details.counterexamplePath}, shrunk ${details.numShrinks} times)\n` +
      `counterexample mutation: ${JSON.stringify(m)}\n` +
      `error: ${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)}\n` +
      `replay: npm run fuzz -- --seed ${opts.seed} --path ${details.counterexamplePath}\n` +
      `input:\n${m ? mutate(bases, m) : ''}\n`,
  );
  return 1;
}

export function replay(opts: { seed: number; path: string }): number {
  const bases = goldenInputs();
  const details = fc.check(
    fc.property(mutationArb, (m) => {
      checkRun(mutate(bases, m));
    }),
    { seed: opts.seed, path: opts.path, endOnFailure: true },
  );
  process.stdout.write(details.failed ? `${JSON.stringify(details.counterexample?.[0])}\n${(details.errorInstance as Error)?.message}\n` : 'passes\n');
  return details.failed ? 1 : 0;
}

// `npm run fuzz -- --converge`: the convergence property (test/property/converge.ts) over random config edits.

function convergeProperty() {
  const bases = goldenInputs().filter((t) => run(t).exitCode === 0);
  return { bases, property: fc.property(caseArb(bases.length), (c) => checkConverges(bases[c.base]!, c)) };
}

export function fuzzConverge(opts: { seed: number; runs: number; verbose?: boolean }): number {
  const { property } = convergeProperty();
  const details = fc.check(property, { seed: opts.seed, numRuns: opts.runs, verbose: opts.verbose ? 1 : 0 });
  if (!details.failed) {
    process.stdout.write(`fuzz --converge: ${details.numRuns} runs, seed ${opts.seed}: every re-render equalled a fresh render\n`);
    return 0;
  }
  process.stdout.write(
    `fuzz --converge: FAILED after ${details.numRuns} runs (seed ${opts.seed}, path ${details.counterexamplePath})\n` +
      `counterexample: ${JSON.stringify(details.counterexample?.[0])}\n` +
      `error: ${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)}\n` +
      `replay: npm run fuzz -- --converge --seed ${opts.seed} --path ${details.counterexamplePath}\n`,
  );
  return 1;
}

export function replayConverge(opts: { seed: number; path: string }): number {
  const { property } = convergeProperty();
  const details = fc.check(property, { seed: opts.seed, path: opts.path, endOnFailure: true });
  process.stdout.write(details.failed ? `${JSON.stringify(details.counterexample?.[0])}\n${(details.errorInstance as Error)?.message}\n` : 'passes\n');
  return details.failed ? 1 : 0;
}
