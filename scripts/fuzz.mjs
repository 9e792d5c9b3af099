// Long fuzzing session over mutated golden inputs (test/property): npm run fuzz -- --seed 42 --runs 20000
// With --converge: re-render after random config edits equals a fresh render (test/property/converge.ts, issue 14):
//   npm run fuzz -- --converge --seed 42 --runs 2000
// With --differential: the differential suite (test/differential, issue 15), every case of the YAML test suite and the
//   vendored manifests, then `runs` edited ones: npm run fuzz -- --differential --seed 42 --runs 2000
// Prints the seed, and on failure the shrunk counterexample, the broken invariant, the input and a replay command.
// The harness is bundled with esbuild into a temporary directory (removed afterwards) and run in this process.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const seed = Number(opt('seed', String(Date.now() % 2 ** 31)));
const runs = Number(opt('runs', '5000'));
const path = opt('path', undefined);
const convergeMode = args.includes('--converge');
const differentialMode = args.includes('--differential');
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run fuzz -- [--converge | --differential] [--seed N] [--runs N] [--path P] [--verbose]');
  process.exitCode = 1;
} else {
  const dir = mkdtempSync(join(tmpdir(), 'pd-disagg-fuzz-'));
  try {
    const outfile = join(dir, 'fuzz.mjs');
    await build({
      entryPoints: ['test/property/fuzz-entry.ts'],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const mod = await import(pathToFileURL(outfile).href);
    console.log(`fuzz${convergeMode ? ' --converge' : differentialMode ? ' --differential' : ''}: seed ${seed}, ${path ? `replaying path ${path}` : `${runs} runs`}`);
    const verbose = args.includes('--verbose');
    if (differentialMode) process.exitCode = mod.differential({ seed, runs });
    else if (convergeMode) process.exitCode = path ? mod.replayConverge({ seed, path }) : mod.fuzzConverge({ seed, runs, verbose });
    else process.exitCode = path ? mod.replay({ seed, path }) : mod.fuzz({ seed, runs, verbose });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
