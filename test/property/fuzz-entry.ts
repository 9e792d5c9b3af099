// What scripts/fuzz.mjs runs (bundled by esbuild): one long property session over mutated golden inputs.
import fc from 'fast-check';
import { checkRun, goldenInputs, mutationArb } from './invariants.js';
import { mutate } from './mutate.js';
import { caseArb, checkConverges, withSpareWorkloads } from './converge.js';
import { run } from '../../src/run.js';
import { checkCase, manifestCases, testSuiteCases, type Case, type Outcome } from '../differential/differential.js';

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
  // the golden inputs, and each again with a spare copy of its engines so spec.prefill/spec.decode edits move the pair
  const plain = goldenInputs().filter((t) => run(t).exitCode === 0);
  const bases = [...plain, ...plain.map(withSpareWorkloads).filter((t): t is string => t !== undefined)];
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

/**
 * The differential suite long (test/differential): every case of the YAML test suite and every vendored manifest
 * document, then `runs` variants of them with blank space and comments added where YAML allows them (trailing spaces,
 * comment lines, blank and spaces-only lines, comments after values).
 */
export function differential(opts: { seed: number; runs: number }): number {
  const cases = [...testSuiteCases(), ...manifestCases()];
  const outcome: Outcome = { skipped: [], ran: { item: 0, stream: 0, engine: 0 }, exit1: 0 };
  const broken: string[] = [];
  for (const c of cases) {
    try {
      checkCase(c, outcome);
    } catch (err) {
      broken.push((err as Error).message);
    }
  }
  process.stdout.write(
    `differential: ${cases.length} cases, ${outcome.ran.item} as items, ${outcome.ran.stream} as stream documents, ` +
      `${outcome.ran.engine} inside the engine, ${outcome.exit1} clear exit 1 (invalid YAML), ${outcome.skipped.length} embeddings not legal; ${broken.length} broken\n`,
  );
  for (const b of broken) process.stdout.write(`  ${b}\n`);
  const variant = fc.record({ at: fc.nat({ max: cases.length - 1 }), edits: fc.array(fc.record({ line: fc.nat(), how: fc.nat({ max: 4 }) }), { minLength: 1, maxLength: 3 }) });
  const details = fc.check(
    fc.property(variant, (v) => {
      checkCase(mutateCase(cases[v.at]!, v.edits));
    }),
    { seed: opts.seed, numRuns: opts.runs },
  );
  if (details.failed) {
    const v = details.counterexample?.[0];
    process.stdout.write(
      `differential: FAILED after ${details.numRuns} variants (seed ${opts.seed}): ${(details.errorInstance as Error)?.message}\n` +
        (v ? `case ${cases[v.at]!.name}, edits ${JSON.stringify(v.edits)}:\n${mutateCase(cases[v.at]!, v.edits).text}\n` : ''),
    );
    return 1;
  }
  process.stdout.write(`differential: ${details.numRuns} variants, seed ${opts.seed}: every invariant held\n`);
  return broken.length > 0 ? 1 : 0;
}

/** A case with blank space or comments added at some lines (the result may be invalid YAML: such cases are skipped). */
export function mutateCase(c: Case, edits: readonly { line: number; how: number }[]): Case {
  const lines = c.text.replace(/\n$/, '').split('\n');
  for (const { line, how } of edits) {
    const i = line % lines.length;
    const l = lines[i]!;
    const indent = /^ */.exec(l)![0];
    if (how === 0) lines[i] = `${l}  `;
    else if (how === 1) lines.splice(i + 1, 0, `${indent}# added`);
    else if (how === 2) lines.splice(i + 1, 0, '');
    else if (how === 3) lines.splice(i + 1, 0, `${indent}   `);
    else lines[i] = `${l} # added`;
  }
  return { name: `${c.name} (edited)`, text: `${lines.join('\n')}\n` };
}
