// One-way layers: every import in src/ points at the same layer or a lower one, so the pipeline can be read (and
// changed) from the bottom up. A new folder or top-level file must be placed in LAYERS before it can be imported.
//
//   types, paths, names   shared vocabulary: results, findings, rule overrides, resource refs, field paths, and the
//                         names in a container spec (program, shells, image reference)
//   read, write           the ResourceList text in and out (know no P/D); the layers above read/write only reach them
//                         through a few faces (FACES): the document (read/items.ts), never how it is read or written
//   engines, router       engine dialects and router versions as data (know no rules, print nothing)
//   config → discover → plan → validate → apply → process → explain → run → stream → help → main
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYERS: string[][] = [
  ['types', 'paths', 'names'],
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

// The domain layers (everything between the ResourceList text and the run): they read items and edit them through the
// document's face (src/read/items.ts) and never learn how an item was read (composed, or kept as text by the lazy
// reader and the fast block reader) or how it will be written (copied from the input, printed by the plain printer,
// or by the yaml package). They may reach read/ and write/ only through these files, and import no `yaml` package.
const DOMAIN = ['engines', 'router', 'config', 'discover', 'plan', 'validate', 'apply', 'process', 'explain'];
const FACES = [
  'read/items.ts', // the ResourceList document: items to read, edits to make
  'read/safe-yaml.ts', // a user's YAML text (an EPP config) as bounded plain data
  'read/kpt-annotations.ts', // the package file an item came from (kpt's path annotations), as plain data
  'write/yaml-text.ts', // plain data as YAML text; which printer printed it is not said
  'write/stderr.ts', // results as stderr lines, the rule id in messages
].map((f) => join(SRC, f));

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

/** Imports from a domain layer into read/ or write/ past their faces, as `importer → imported`. */
function pastTheFaces(edges: Array<[string, string]>): string[] {
  return edges
    .filter(([from, to]) => DOMAIN.includes(layerOf(from)) && ['read', 'write'].includes(layerOf(to)) && !FACES.includes(to))
    .map(([from, to]) => `${relative(SRC, from)} → ${relative(SRC, to)}`);
}

/** The file imports the yaml package. */
function importsYamlPackage(file: string): boolean {
  return /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]yaml['"]/m.test(readFileSync(file, 'utf8'));
}

/** Files of the domain layers that import the yaml package (its nodes are the document's business). */
function importsYaml(files: string[]): string[] {
  return files.filter((f) => DOMAIN.includes(layerOf(f)) && importsYamlPackage(f)).map((f) => relative(SRC, f));
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

  it('keeps the domain layers to the faces of read/ and write/: no lazy items, stand-ins, fast reader or printers', () => {
    for (const face of FACES) expect(statSync(face).isFile(), face).toBe(true);
    expect(pastTheFaces(edges)).toEqual([]);
    expect(importsYaml(sources(SRC))).toEqual([]);
    // the rule has something to hold: the domain does use the faces
    expect(edges.filter(([from, to]) => DOMAIN.includes(layerOf(from)) && FACES.includes(to)).length).toBeGreaterThan(5);
  });

  it('would catch one: apply reaching for the lazy items, the stand-ins or the source-text writer', () => {
    const bad: Array<[string, string]> = [
      [join(SRC, 'apply/apply.ts'), join(SRC, 'read/lazy-items.ts')],
      [join(SRC, 'apply/reconcile.ts'), join(SRC, 'read/document.ts')],
      [join(SRC, 'router/stack.ts'), join(SRC, 'write/plain-yaml.ts')],
      [join(SRC, 'plan/plan.ts'), join(SRC, 'read/resource-list.ts')],
      [join(SRC, 'process.ts'), join(SRC, 'write/source-items.ts')],
      [join(SRC, 'validate/validate.ts'), join(SRC, 'read/block-cst.ts')],
    ];
    expect(pastTheFaces(bad)).toHaveLength(bad.length);
    // the run boundary may: it reads the document and writes it
    expect(pastTheFaces([[join(SRC, 'run.ts'), join(SRC, 'read/document.ts')], [join(SRC, 'run.ts'), join(SRC, 'write/write.ts')]])).toEqual([]);
    expect(importsYaml([join(SRC, 'read/document.ts'), join(SRC, 'stream/stream.ts')])).toEqual([]);
    // and it sees an import of the yaml package (type imports included)
    expect(importsYamlPackage(join(SRC, 'read/document.ts'))).toBe(true);
    expect(importsYamlPackage(join(SRC, 'read/lazy-items.ts'))).toBe(true);
  });

  it('reads type-only imports, re-exports and multi-line import lists', () => {
    const file = join(SRC, 'validate/context.ts');
    expect(importsOf(file)).toEqual(expect.arrayContaining([join(SRC, 'plan/context.ts'), join(SRC, 'router/types.ts')]));
    expect(importsOf(join(SRC, 'plan/plan.ts'))).toEqual(expect.arrayContaining([join(SRC, 'router/index.ts')]));
  });
});
