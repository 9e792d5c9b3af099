// One-way layers: every import in src/ points at the same layer or a lower one, so the pipeline can be read (and
// changed) from the bottom up. A new folder or top-level file must be placed in LAYERS before it can be imported.
//
//   types, paths          shared vocabulary: results, findings, rule overrides, resource refs, field paths
//   read, write           the ResourceList text in and out (know no P/D)
//   engines, router       engine dialects and router versions as data (know no rules, print nothing)
//   config → discover → plan → validate → apply → process → explain → run → stream → help → main
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYERS: string[][] = [
  ['types', 'paths'],
  ['read'],
  ['write'],
  ['engines'],
  ['router'],
  ['config'],
  ['discover'],
  ['plan'],
  ['validate'],
  ['apply'],
  ['process'],
  ['explain'],
  ['run'],
  ['stream'],
  ['help.generated'],
  ['help'],
  ['main'],
];

const SRC = resolve('src');

/** The layer of a file under src/: its folder, or the name of a top-level file. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? parts[0]!.replace(/\.ts$/, '') : parts[0]!;
}

function rank(layer: string): number {
  return LAYERS.findIndex((names) => names.includes(layer));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of a file (type-only ones too: a type is a dependency as well). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found.map((spec) => {
    const path = resolve(dirname(file), spec);
    const ts = path.replace(/\.js$/, '.ts');
    return existsSync(ts) ? ts : path; // a generated .js module (the config's schema validator) keeps its name
  });
}

/** Imports that point from a lower layer up to a higher one, as `importer → imported`. */
function wrongWay(edges: Array<[string, string]>): string[] {
  return edges
    .filter(([from, to]) => rank(layerOf(from)) < rank(layerOf(to)))
    .map(([from, to]) => `${relative(SRC, from)} (${layerOf(from)}) → ${relative(SRC, to)} (${layerOf(to)})`);
}

const edges: Array<[string, string]> = sources(SRC).flatMap((file) => importsOf(file).map((to): [string, string] => [file, to]));

describe('layers', () => {
  it('places every folder and top-level file of src/ in a layer', () => {
    const unplaced = [...new Set(sources(SRC).map(layerOf))].filter((layer) => rank(layer) < 0);
    expect(unplaced).toEqual([]);
  });

  it('finds the imports (the graph is not empty, and names files that exist)', () => {
    expect(edges.length).toBeGreaterThan(200);
    for (const [, to] of edges) expect(statSync(to).isFile(), to).toBe(true);
  });

  it('has no import pointing the wrong way', () => {
    expect(wrongWay(edges)).toEqual([]);
  });

  it('would catch one: the router reaching into the rules, config into validate, validate into apply', () => {
    const bad: Array<[string, string]> = [
      [join(SRC, 'router/index.ts'), join(SRC, 'validate/registry.ts')],
      [join(SRC, 'config/types.ts'), join(SRC, 'validate/registry.ts')],
      [join(SRC, 'validate/validate.ts'), join(SRC, 'apply/apply.ts')],
      [join(SRC, 'plan/plan.ts'), join(SRC, 'validate/context.ts')],
    ];
    expect(wrongWay(bad)).toHaveLength(4);
    expect(wrongWay([[join(SRC, 'validate/validate.ts'), join(SRC, 'plan/plan.ts')]])).toEqual([]);
  });

  it('reads type-only imports, re-exports and multi-line import lists', () => {
    const file = join(SRC, 'validate/context.ts');
    expect(importsOf(file)).toEqual(expect.arrayContaining([join(SRC, 'plan/context.ts'), join(SRC, 'router/types.ts')]));
    expect(importsOf(join(SRC, 'plan/plan.ts'))).toEqual(expect.arrayContaining([join(SRC, 'router/index.ts')]));
  });
});
