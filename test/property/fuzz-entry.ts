// What scripts/fuzz.mjs runs (bundled by esbuild): one long property session over mutated golden inputs.
import fc from 'fast-check';
import { checkRun, goldenInputs, mutationArb } from './invariants.js';
import { mutate } from './mutate.js';

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
