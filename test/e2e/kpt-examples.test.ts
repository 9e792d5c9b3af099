// The kpt example packages, run the way kpt's own e2e runner runs a case: copy to a scratch dir, git init + commit,
// `kpt fn render --allow-exec` (or `kpt fn eval` with `-- key=value`) with --results-dir, then compare the exit code,
// `git diff` with .expected/diff.patch and the results with .expected/results.yaml. Every case runs twice on the same
// copy; the second run must leave the same diff (it changes nothing).
//   UPDATE_EXPECTED=1 npx vitest run test/e2e/kpt-examples.test.ts    rewrites .expected/ (review the diff)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { gitDiff, gitPackage, scratch, sh, toolbox } from './harness.js';

interface CaseConfig {
  testType?: 'render' | 'eval';
  exitCode?: number;
  /** eval: the command `kpt fn eval --exec` runs */
  exec?: string;
  /** eval: `-- key=value` arguments */
  args?: Record<string, string>;
}

const UPDATE = Boolean(process.env.UPDATE_EXPECTED);
const cases = readdirSync('examples').filter((name) => existsSync(join('examples', name, '.expected', 'config.yaml')));

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

/** What varies from run to run: scratch paths and git's blob ids. */
function normaliseDiff(diff: string): string {
  return diff
    .split('\n')
    .filter((line) => !/^index [0-9a-f]+\.\.[0-9a-f]+/.test(line))
    .join('\n');
}

function normaliseResults(text: string, pkg: string): string {
  return text.split(pkg).join('<pkg>').replace(/ in \d+(\.\d+)?m?s/g, '');
}

describe('kpt example packages (examples/*/.expected)', () => {
  it('finds the example packages', () => {
    expect(cases).toEqual(expect.arrayContaining(['qwen-pd', 'pd-disagg-sglang-eval']));
  });

  it.each(cases)('%s', (name) => {
    const src = join('examples', name);
    const expectedDir = join(src, '.expected');
    const config: CaseConfig = parse(readFileSync(join(expectedDir, 'config.yaml'), 'utf8')) ?? {};
    expect(readFileSync(join(src, '.krmignore'), 'utf8').split('\n')).toContain('.expected');
    const pkg = gitPackage(src);

    for (const round of [1, 2]) {
      const results = scratch('results');
      const args =
        config.testType === 'eval'
          ? ['fn', 'eval', pkg, '--exec', config.exec ?? 'pd-disagg', '--results-dir', results, '--', ...Object.entries(config.args ?? {}).map(([k, v]) => `${k}=${v}`)]
          : ['fn', 'render', pkg, '--allow-exec', '--results-dir', results];
      const r = sh('kpt', args, { env: tools.env });
      expect(r.code, `round ${round}: ${r.stderr}`).toBe(config.exitCode ?? 0);

      const diff = normaliseDiff(gitDiff(pkg));
      const resultsText = normaliseResults(readFileSync(join(results, 'results.yaml'), 'utf8'), pkg);
      if (UPDATE && round === 1) {
        writeFileSync(join(expectedDir, 'diff.patch'), diff);
        writeFileSync(join(expectedDir, 'results.yaml'), resultsText);
      }
      // round 2 runs on round 1's output: the same diff means it changed nothing
      expect(diff, `round ${round}`).toBe(readFileSync(join(expectedDir, 'diff.patch'), 'utf8'));
      if (round === 1) expect(resultsText).toBe(readFileSync(join(expectedDir, 'results.yaml'), 'utf8'));
      // nothing of .expected reached kpt, and kpt's plumbing files were not rewritten
      expect(diff).not.toContain('.expected');
      expect(diff).not.toMatch(/^\+\+\+ b\/Kptfile$/m);
    }
  });
});
