// The contract pd-disagg keeps whatever it is fed (issue 8), as one checker used by the property tests, the hostile
// input tests and `npm run fuzz`. checkRun throws an Error describing the first broken invariant.

import fc from 'fast-check';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { run, type RunOutput } from '../../src/run.js';
import type { Mutation, StructOp, TextOp } from './mutate.js';

export const SEVERITIES = ['error', 'warning', 'info'];
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** The golden inputs, the starting points of every mutation. */
export function goldenInputs(root = 'testdata'): string[] {
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'input.yaml')))
    .sort()
    .map((d) => readFileSync(join(root, d, 'input.yaml'), 'utf8'));
}

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

function onlyDoc(text: string): Document.Parsed {
  const docs = parseAllDocuments(text, { logLevel: 'error' });
  assert(Array.isArray(docs) && docs.length === 1, `stdout holds ${Array.isArray(docs) ? docs.length : 0} YAML documents, expected one ResourceList`);
  const doc = docs[0]!;
  assert(doc.errors.length === 0, `stdout is not valid YAML: ${doc.errors[0]?.message}`);
  return doc;
}

/** Items of an output ResourceList, each as its own YAML text (comments, quoting and order included) and as data. */
function itemsOf(doc: Document.Parsed): { text: string; data: unknown }[] {
  const items = doc.get('items', true);
  if (!isSeq(items)) return [];
  return items.items.map((node) => {
    const single = parseDocument('{}');
    single.contents = node as never;
    return { text: single.toString({ verifyAliasOrder: false }), data: (node as { toJS: (d: Document) => unknown }).toJS(doc) };
  });
}

function resultsOf(doc: Document.Parsed): Record<string, unknown>[] {
  const r = doc.toJS({ maxAliasCount: -1 })?.results;
  return Array.isArray(r) ? r : [];
}

/** Invariants of one run on one input. */
export function checkOutput(input: string, out: RunOutput): void {
  assert(out.exitCode === 0 || out.exitCode === 1, `exit code ${out.exitCode} (2 is an internal error, i.e. a bug): ${out.stderr.slice(0, 500)}`);
  assert(!/\n\s+at .+:\d+:\d+\)?/.test(out.stderr), `stderr carries a stack trace: ${out.stderr.slice(0, 500)}`);
  assert(!/internal error/.test(out.stderr), `internal error: ${out.stderr.slice(0, 500)}`);
  assert(!/[\u0000-\u0009\u000b-\u001f\u007f]/.test(out.stderr), 'stderr carries raw control characters');
  assert(Object.getOwnPropertyNames(Object.prototype).sort().join(',') === PROTO_KEYS, 'Object.prototype gained properties');
  assert(({} as Record<string, unknown>).polluted === undefined, 'Object.prototype was polluted');

  if (out.exitCode === 0) {
    const doc = onlyDoc(out.stdout);
    assert(isMap(doc.contents), 'stdout is not a mapping');
    assert(doc.get('kind') === 'ResourceList', 'stdout is not a ResourceList');
    const items = doc.get('items', true);
    assert(isSeq(items) && items.items.length > 0, 'exit 0 with a missing or empty items list: kpt would delete the package');
    const results = resultsOf(doc);
    for (const r of results) {
      assert(SEVERITIES.includes(r.severity as string), `a result has no valid severity: ${JSON.stringify(r)}`);
      assert(r.severity !== 'error', 'exit 0 with an error result');
      assert(typeof r.message === 'string' && r.message.length > 0, 'a result has no message');
    }
  } else {
    assert(out.stderr.trim().length > 0, 'exit 1 with nothing on stderr');
    assert(/^pd-disagg: error: \S/m.test(out.stderr), `exit 1 without an error line on stderr: ${out.stderr.slice(0, 300)}`);
    if (out.stdout) {
      // on failure the items go back exactly as they came, with the results
      const doc = onlyDoc(out.stdout);
      const results = resultsOf(doc);
      assert(results.some((r) => r.severity === 'error'), 'exit 1 with a ResourceList but no error result');
      for (const r of results) {
        assert(SEVERITIES.includes(r.severity as string), `a result has no valid severity: ${JSON.stringify(r)}`);
        if (r.severity === 'error' && r.field !== undefined) assert(r.resourceRef !== undefined, `an error names a field but no resource: ${r.message}`);
      }
      const inputDoc = parseAllDocuments(input.replace(/^\ufeff/, ''), { logLevel: 'error' })[0] as Document.Parsed;
      const before = itemsOf(inputDoc).map((i) => JSON.stringify(i.data));
      const after = itemsOf(doc).map((i) => JSON.stringify(i.data));
      assert(JSON.stringify(before) === JSON.stringify(after), 'exit 1 but the items did not come back unchanged');
    }
  }
}

/** Output fed back in: same items, exit 0 again, and items pd-disagg did not touch came back as they were. */
export function checkIdempotent(input: string, out: RunOutput): void {
  if (out.exitCode !== 0) return;
  const again = run(out.stdout);
  checkOutput(out.stdout, again);
  assert(again.exitCode === 0, `the output fed back in fails: ${again.stderr.slice(0, 300)}`);
  const first = itemsOf(onlyDoc(out.stdout)).map((i) => i.text);
  const second = itemsOf(onlyDoc(again.stdout)).map((i) => i.text);
  assert(JSON.stringify(first) === JSON.stringify(second), 'not idempotent: the output fed back in changes the items');

  // untouched items: every input item that is not a changed workload and not generated comes back unchanged
  const inDoc = parseAllDocuments(input.replace(/^\ufeff/, ''), { logLevel: 'error' })[0] as Document.Parsed;
  const outDoc = onlyDoc(out.stdout);
  const changed = new Set(
    resultsOf(outDoc)
      .filter((r) => r.severity === 'info' && r.resourceRef)
      .map((r) => JSON.stringify(r.resourceRef)),
  );
  const inItems = itemsOf(inDoc);
  const outItems = itemsOf(outDoc);
  const hasAliases = /(^|[\s[{,])[&*][^\s,[\]{}]/m.test(input);
  inItems.forEach((item, i) => {
    const data = item.data as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, unknown> } };
    const ref: Record<string, string> = { apiVersion: data.apiVersion!, kind: data.kind!, name: data.metadata!.name! };
    if (data.metadata?.namespace) ref.namespace = data.metadata.namespace;
    if (changed.has(JSON.stringify(ref)) || data.metadata?.labels?.[MANAGED_BY] === 'pd-disagg') return;
    const after = outItems[i];
    assert(after !== undefined, `items[${i}] is missing from the output`);
    assert(JSON.stringify(after.data) === JSON.stringify(item.data), `items[${i}] ${ref.kind}/${ref.name} is not pd-disagg's but its data changed`);
    if (!hasAliases && !input.includes('\r') && !/^\s*\{/.test(input)) {
      assert(after.text === item.text, `items[${i}] ${ref.kind}/${ref.name} is not pd-disagg's but its text changed`);
    }
  });
}

export function checkRun(input: string): RunOutput {
  const out = run(input);
  checkOutput(input, out);
  checkIdempotent(input, out);
  return out;
}

// ---- arbitraries ----------------------------------------------------------------------------------------------------

const n = fc.nat({ max: 100_000 });
const structOp: fc.Arbitrary<StructOp> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: n }),
  fc.record({ op: fc.constant('set' as const), at: n, value: n }),
  fc.record({ op: fc.constant('hostileKey' as const), at: n, key: n, value: n }),
  fc.record({ op: fc.constant('retype' as const), at: n, how: n }),
  fc.record({ op: fc.constant('swap' as const), at: n, i: n, j: n }),
  fc.record({ op: fc.constant('duplicateItem' as const), at: n }),
  fc.record({ op: fc.constant('arg' as const), at: n, value: n }),
);
const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: n }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: n, char: n }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crlf' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tab' as const), at: n }) },
  { weight: 1, arbitrary: fc.constant({ op: 'twoDocs' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'json' as const }) },
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  base: fc.nat({ max: 1000 }),
  struct: fc.array(structOp, { maxLength: 4 }),
  text: fc.oneof({ weight: 3, arbitrary: fc.constant([] as TextOp[]) }, { weight: 1, arbitrary: fc.array(textOp, { maxLength: 2 }) }),
});
