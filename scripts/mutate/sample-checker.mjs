// A StrykerJS checker plugin that draws a fixed random sample of the mutants: with MUTATE_SAMPLE=r (0 < r < 1) a mutant
// is tested only when a hash of (seed, file, position, mutator, replacement) falls below r; with MUTATE_PER_FOLDER=n,
// the n mutants of each folder (src/validate, src/plan, …) with the lowest hashes are. The others are handed back
// as "compile errors" — StrykerJS's only way for a checker to set a mutant aside; they count in no score, and
// scripts/mutate/score.mjs reports them as "not in the sample". MUTATE_SAMPLE=1 (or unset) tests every mutant.
// The draw depends on the source text only (no clock, no sandbox path), so the same commit gives the same sample.
import { createHash } from 'node:crypto';
import { CheckStatus } from '@stryker-mutator/api/check';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

export const SEED = process.env.MUTATE_SEED ?? '19';

/** The mutant's file as a path inside the repository (src/…), whatever sandbox it sits in. */
export function repoPath(fileName) {
  const normal = fileName.replaceAll('\\', '/');
  const at = normal.lastIndexOf('/src/');
  return at >= 0 ? normal.slice(at + 1) : normal;
}

/** A number in [0, 1) fixed by the mutant's identity and the seed. */
export function draw(mutant, seed = SEED) {
  const { start, end } = mutant.location;
  const key = [seed, repoPath(mutant.fileName), start.line, start.column, end.line, end.column, mutant.mutatorName, mutant.replacement].join('\u0000');
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export function sampleRate() {
  const rate = Number(process.env.MUTATE_SAMPLE ?? '1');
  if (!(rate > 0 && rate <= 1)) throw new Error(`MUTATE_SAMPLE must be a number in (0, 1], got ${process.env.MUTATE_SAMPLE}`);
  return rate;
}

export const NOT_SAMPLED = 'not in the sample (MUTATE_SAMPLE / MUTATE_PER_FOLDER)';

/** The folder a mutant is counted in: src/validate, src/plan, … */
export const folderOf = (fileName) => repoPath(fileName).split('/').slice(0, 2).join('/');

/** The ids of the `n` mutants of each folder with the lowest draws. */
export function perFolder(mutants, n) {
  const byFolder = new Map();
  for (const m of mutants) byFolder.set(folderOf(m.fileName), [...(byFolder.get(folderOf(m.fileName)) ?? []), m]);
  const chosen = new Set();
  for (const list of byFolder.values()) {
    for (const m of list.map((m) => ({ m, d: draw(m) })).sort((a, b) => a.d - b.d).slice(0, n)) chosen.add(m.m.id);
  }
  return chosen;
}

class SampleChecker {
  async init() {
    this.rate = sampleRate();
    this.perFolder = process.env.MUTATE_PER_FOLDER ? Number(process.env.MUTATE_PER_FOLDER) : undefined;
    if (this.perFolder !== undefined && !(Number.isInteger(this.perFolder) && this.perFolder > 0)) {
      throw new Error(`MUTATE_PER_FOLDER must be a positive integer, got ${process.env.MUTATE_PER_FOLDER}`);
    }
  }

  async check(mutants) {
    // group() hands every mutant over at once, so a per-folder draw sees each folder whole
    const chosen = this.perFolder ? perFolder(mutants, this.perFolder) : undefined;
    const out = {};
    for (const m of mutants) {
      const tested = chosen ? chosen.has(m.id) : this.rate >= 1 || draw(m) < this.rate;
      out[m.id] = tested ? { status: CheckStatus.Passed } : { status: CheckStatus.CompileError, reason: NOT_SAMPLED };
    }
    return out;
  }

  async group(mutants) {
    return [mutants.map((m) => m.id)];
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, 'sample', SampleChecker)];
