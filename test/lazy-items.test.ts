// Items read without composing them (src/read/lazy-items.ts): their plain data, their text and, when something edits
// them, their nodes must be exactly what composing the whole list gives; and the function must write the same with
// and without reading them so.
import fc from 'fast-check';
import { isCollection, isPair, isScalar, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { processOutcome } from '../src/process.js';
import { withRuleId } from '../src/write/stderr.js';
import { blockCst } from '../src/read/block-cst.js';
import { composeEntry, splitItems } from '../src/read/lazy-items.js';
import { ResourceListDocument } from '../src/read/document.js';
import { readResourceList } from '../src/read/resource-list.js';
import { toPlain } from '../src/read/safe-yaml.js';
import { run } from '../src/run.js';
import { itemSourceText } from '../src/write/source-items.js';
import { writeDocument } from '../src/write/write.js';
import { goldenInputs, mutationArb } from './property/invariants.js';
import { resourceListFromDir } from '../scripts/resource-list.mjs';
import { mutate } from './property/mutate.js';
import { slowIt, yamlFiles } from './helpers.js';

/** Every ResourceList in the repository's test data and examples (inputs and expected outputs). */
const resourceLists = () => yamlFiles().filter(({ text }) => /^kind: ResourceList$/m.test(text));

/** A node as a comparable tree: types, values, ranges, comments and blank lines, all the way down. */
function shape(n: unknown): unknown {
  if (isPair(n)) return { key: shape(n.key), value: shape(n.value) };
  if (isScalar(n)) return { scalar: n.value, type: n.type, source: n.source, range: n.range, ...meta(n) };
  if (isCollection(n)) return { flow: n.flow, range: n.range, items: n.items.map(shape), ...meta(n) };
  return n;
}
const meta = (n: Node) => ({ commentBefore: n.commentBefore, comment: n.comment, spaceBefore: n.spaceBefore });

/** What the whole list composed gives, item by item, next to what reading without composing gives. */
function bothWays(text: string) {
  // (a `*` anywhere may be an alias: then everything is composed)
  const tokens = text.includes('*') ? undefined : blockCst(text);
  const split = tokens && splitItems(tokens);
  if (!split) return undefined;
  const full = readResourceList(text);
  const lazy = readResourceList(text, undefined, { lazyItems: true });
  return { split, full, lazy };
}

function checkSame(text: string, name: string): boolean {
  const both = bothWays(text);
  if (!both) return false;
  const { split, full, lazy } = both;
  expect(lazy.itemsNode.range, name).toEqual(full.itemsNode.range);
  expect(lazy.unread.size, name).toBe(split.entries.length);
  split.entries.forEach((entry, i) => {
    const node = full.itemsNode.items[i] as Node;
    expect(entry.object, `${name} items[${i}]`).toEqual(toPlain(node, full.doc));
    expect(shape(composeEntry(split.seq, entry, text.length)), `${name} items[${i}]`).toEqual(shape(node));
    expect(entry.span.end, `${name} items[${i}]`).toBe(node.range![2]);
    const span = { start: -1, end: -1 };
    if (itemSourceText(text, full.itemsNode, i, full.doc, span) !== undefined) expect(entry.span).toEqual(span);
    expect(lazy.items[i]!.object).toEqual(full.items[i]!.object);
    expect(lazy.items[i]!.ref).toEqual(full.items[i]!.ref);
  });
  // composed on demand, in place
  expect(shape(lazy.items[0]!.node)).toEqual(shape(full.itemsNode.items[0]));
  expect(lazy.itemsNode.items[0]).toBe(lazy.items[0]!.node);
  expect(lazy.unread.size).toBe(split.entries.length - 1);
  // and the rest of the document is the same
  expect(shape(lazy.doc.get('functionConfig', true))).toEqual(shape(full.doc.get('functionConfig', true)));
  return true;
}

/** run() reads items lazily; this is the same run reading them all composed. */
function runComposed(text: string) {
  let input = new ResourceListDocument(readResourceList(text));
  const results = input.problems.length > 0 ? input.problems.map(withRuleId) : processOutcome(input).results;
  const failed = results.some((r) => r.severity === 'error');
  if (failed) input = new ResourceListDocument(readResourceList(text));
  return writeDocument(input, results);
}

describe('items read without composing', () => {
  it('read as composing the whole list reads them: every ResourceList in the repository', () => {
    const lists = resourceLists();
    const checked = lists.filter(({ name, text }) => checkSame(text, name)).length;
    // the fast path must really be the common one
    expect(checked).toBeGreaterThan(lists.length / 2);
  });

  slowIt('read as composing the whole list reads them: mutated golden inputs (fixed seed)', () => {
    const bases = goldenInputs();
    fc.assert(
      fc.property(mutationArb, (m) => {
        const text = mutate(bases, m);
        try {
          readResourceList(text);
        } catch {
          return; // refused input: the lazy path must refuse it too
        }
        checkSame(text, 'mutated');
      }),
      { seed: 20261129, numRuns: Number(process.env.PD_DISAGG_PROPERTY_RUNS ?? 300) },
    );
  });

  slowIt('the function writes the same with them (golden and mutated inputs)', () => {
    const bases = goldenInputs();
    for (const text of bases) expect(run(text).stdout).toBe(runComposed(text));
    fc.assert(
      fc.property(mutationArb, (m) => {
        const text = mutate(bases, m);
        const out = run(text);
        if (out.exitCode === 2 || (out.exitCode === 1 && out.stdout === '')) return; // refused before writing
        expect(out.stdout).toBe(runComposed(text));
      }),
      { seed: 20261130, numRuns: Number(process.env.PD_DISAGG_PROPERTY_RUNS ?? 300) },
    );
  });

  it('reads one-line flow collections, nested too, as the Composer does', () => {
    const text =
      'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, labels: {app: x}}\n' +
      '  spec:\n    containers:\n    - name: e\n      env: [{name: A, value: "1"}, {name: B, value: \'it\'\'s\'}]\n      args: [ "--a", [b, {c: ~}] ]\n';
    expect(checkSame(text, 'flow')).toBe(true);
    expect(run(text).stdout).toBe(runComposed(text));
  });

  it('leaves an item whose last key has no value to the Composer (found by npm run fuzz)', () => {
    const text = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n';
    // the fast reader declines a key without a value since issue 15; where it answers, splitItems must decline
    const tokens = blockCst(text);
    expect(tokens === undefined || splitItems(tokens) === undefined).toBe(true);
    expect(run(text).stdout).toBe(runComposed(text));
    expect(run(text).stdout).toContain('  data:\n');
  });

  it('composes nothing on a re-render, and only the engines on a first render', () => {
    const first = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });
    const input = readResourceList(first, undefined, { lazyItems: true });
    const items = input.items.length;
    processOutcome(new ResourceListDocument(input)).results;
    // the two engines were edited; the Kptfile and the config were not
    expect(input.unread.size).toBe(items - 2);
    const again = run(first).stdout.replace(/^results:\n[\s\S]*$/m, '');
    const steady = readResourceList(again, undefined, { lazyItems: true });
    expect(steady.unread.size).toBe(steady.items.length);
    processOutcome(new ResourceListDocument(steady)).results;
    expect(steady.unread.size).toBe(steady.items.length);
  });

  it('declines what it cannot read the same way: the whole list is composed', () => {
    const list = (item: string) => `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n${item}`;
    for (const text of [
      list('  data:\n    x: >\n      folded\n'),
      list('  data:\n    x: "esc\\"aped"\n'),
      list('  data:\n    8000: port\n'),
      list('  data:\n    a: 1\n    a: 2\n'),
      list('  data: {}\n# above the next dash\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n'),
    ]) {
      const tokens = blockCst(text);
      expect(tokens, text).toBeDefined();
      expect(splitItems(tokens!), text).toBeUndefined();
      let eager: unknown;
      try {
        eager = readResourceList(text).items.map((i) => i.object);
      } catch (err) {
        eager = (err as Error).message; // a repeated key: the same error either way
      }
      try {
        const lazy = readResourceList(text, undefined, { lazyItems: true });
        expect(lazy.unread.size).toBe(0);
        expect(lazy.items.map((i) => i.object)).toEqual(eager);
      } catch (err) {
        expect((err as Error).message).toBe(eager);
      }
    }
  });
});
