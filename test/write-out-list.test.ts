// writeResourceList (src/write/write.ts): how the ResourceList goes out, byte for byte. It writes the input's text with
// the items replaced and the results appended where that is provably what the yaml package would print, and otherwise
// hands the document to the yaml package (items nobody changed still copied from their text). These tests state which
// inputs take which way by comparing the output with what the yaml package itself prints for the same ResourceList.
// The items are written in block style the yaml package prints unchanged, so a copied item and a printed one are the
// same bytes; the rest of the list holds a flow map (`{name: fc}`), which the yaml package prints `{ name: fc }`.
import { parseDocument, Scalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readResourceList } from '../src/read/resource-list.js';
import { createNodeOptions, parseOptions, toStringOptions } from '../src/read/yaml-options.js';
import { writeResourceList } from '../src/write/write.js';
import type { Result } from '../src/types.js';

const item = (name: string) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: ${name}\n`;
const head = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n';
const fc = 'functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\n';
const list = (items = item('a'), after = '') => `${head}items:\n${items}${fc}${after}`;

const results: Result[] = [{ message: 'ok', severity: 'info' }];
const resultsText = 'results:\n- message: ok\n  severity: info\n';

/** What pd-disagg writes (read as run() reads it: items left unread where the text allows). */
const write = (text: string, r: readonly Result[] = results) => writeResourceList(readResourceList(text, undefined, { lazyItems: true }), r, text);

/** What the yaml package prints for the same ResourceList with these results in place of any that came in. */
function yamlPrints(text: string, r: readonly Result[] = results): string {
  const doc = parseDocument(text, parseOptions);
  doc.delete('results');
  if (r.length > 0) doc.set('results', doc.createNode(r, createNodeOptions));
  return doc.toString(toStringOptions);
}

describe('the ResourceList written as its own text', () => {
  it('is the input with the results appended, where nothing else changed', () => {
    expect(write(list())).toBe(`${list()}${resultsText}`);
    // without results, no `results` key at all
    expect(write(list(), [])).toBe(list());
    // the yaml package would print the flow map in its own style
    expect(yamlPrints(list())).not.toBe(write(list()));
    // several items, written one after the other at column 0 or indented under `items:`
    const two = list(`${item('a')}${item('b')}`);
    expect(write(two)).toBe(`${two}${resultsText}`);
    const indented = list(`${item('a')}${item('b')}`.replace(/^/gm, '  ').replace(/ +$/, ''));
    expect(write(indented)).toBe(`${two}${resultsText}`);
  });

  it('has the results follow the items when the items are the last entry, and replaces results that came in', () => {
    const text = `${fc}${head}items:\n${item('a')}`;
    expect(write(text)).toBe(`${text}${resultsText}`);
    expect(write(`${text}results:\n- message: old\n  severity: error\n`)).toBe(`${text}${resultsText}`);
    expect(write(`${text}results: []\n`, [])).toBe(text);
  });

  it('ends the document in one line break before the results, whatever blank lines and spaces it ended in', () => {
    for (const end of ['\n', '\n\n\n', '   \n', '\n  \n\n']) {
      expect(write(`${list()}${end.slice(1)}`)).toBe(`${list()}${resultsText}`);
    }
    // a comment between root entries stays where it was
    const commented = list(item('a'), '# about extra\nextra: 1\n');
    expect(write(commented)).toBe(`${commented}${resultsText}`);
  });

  it('copies a literal block ending the document with its one line break (no second one after it)', () => {
    for (const block of ['extra:\n  x: |\n    a\n', 'extra:\n  x: |\n    a\n\n\n', 'extra: >\n  a\n  b\n']) {
      const text = list(item('a'), block);
      expect(write(text)).toBe(`${text.replace(/\n+$/, '\n')}${resultsText}`);
    }
  });

  it('leaves the list to the yaml package when an item or a root entry was changed (only what is unchanged is text)', () => {
    const text = list(`${item('a')}${item('b')}`, 'extra: 1\n');
    for (const edit of [
      (doc: Document) => doc.setIn(['items', 1, 'metadata', 'name'], 'z'),
      (doc: Document) => doc.set('extra', 2),
      (doc: Document) => doc.setIn(['functionConfig', 'metadata', 'name'], 'z'),
    ]) {
      const input = readResourceList(text);
      edit(input.doc);
      const expected = parseDocument(text, parseOptions);
      edit(expected);
      expected.set('results', expected.createNode(results, createNodeOptions));
      expect(writeResourceList(input, results, text)).toBe(expected.toString(toStringOptions));
    }
  });

  it('appends generated resources after the copied items, printed as the yaml package prints them, also ones the plain printer declines', () => {
    for (const data of [{ a: 'b' }, { a: 'tab\there' }]) {
      const generated = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gen' }, data };
      const text = list(`${item('a')}${item('b')}`);
      const input = readResourceList(text);
      const stand = new Scalar(null);
      input.itemsNode.items.push(stand);
      input.generated.set(stand, generated);
      const expected = parseDocument(text, parseOptions);
      (expected.get('items') as YAMLSeq).items.push(expected.createNode(generated, createNodeOptions));
      expected.set('results', expected.createNode(results, createNodeOptions));
      const out = writeResourceList(input, results, text);
      expect(out).toBe(data.a === 'b' ? `${list(`${item('a')}${item('b')}${item('gen')}  data:\n    a: b\n`)}${resultsText}` : expected.toString(toStringOptions));
      expect(parseDocument(out).toJS().items[2]).toEqual(generated);
    }
  });

  it('writes an item the input ends in without a final line break with its last character, and a line break after it', () => {
    const text = `${fc}${head}items:\n${item('a')}${item('b').slice(0, -1)}`;
    const out = write(text);
    expect(out).toBe(yamlPrints(text));
    expect(parseDocument(out).toJS().items[1].metadata.name).toBe('b');
  });
});

describe('the ResourceList left to the yaml package', () => {
  for (const [what, text] of [
    ['a comment ending the document', list(item('a'), '# the end\n')],
    ['a comment ending the document after a blank line', list(item('a'), '\n# the end\n')],
    ['a document end marker', list(item('a'), '...\n')],
    ['a document end marker and a comment after it', list(item('a'), '...\n# after\n')],
    ['a flow collection as a root key (the yaml package writes `? [ a, b ]`)', list(item('a'), '[a, b]: flow key\n')],
    ['a flow map as a root key', list(item('a'), '{a: 1}: flow key\n')],
    ['an anchor on the root mapping', `&root\n${list()}`],
    ['a tag on the root mapping', `!!map\n${list()}`],
    ['a space before the colon of `items`', list().replace('items:', 'items :')],
    ['a comment after `items:`', list().replace('items:', 'items: # the resources')],
    ['a keep-chomping block ending the document', list(item('a'), 'extra:\n  x: |+\n    a\n\n\n')],
    ['a keep-chomping block ending the document, one blank line kept', list(item('a'), 'extra:\n  x: |+\n    a\n\n')],
    ['results that came in before another root entry', list().replace('functionConfig:', 'results:\n- message: old\nfunctionConfig:')],
    ['results that came in, then a document end marker', list(item('a'), 'results:\n- message: old\n...\n')],
    ['results that came in, then a comment', list(item('a'), 'results:\n- message: old\n# the end\n')],
  ] as const) {
    it(`prints what the yaml package prints with ${what}, results or none`, () => {
      expect(write(text)).toBe(yamlPrints(text));
      expect(write(text, [])).toBe(yamlPrints(text, []));
      expect(write(text, [])).not.toMatch(/^results:/m);
    });
  }

  it('keeps a head comment kpt wrote on an item\'s dash on its first key, where the item has a plain first key', () => {
    // CRLF line ends: no item is copied from its text, every one is printed by the yaml package
    const text = list(`- # kpt\n  [a]: x\n  ${item('a').slice(2)}- # kpt, plain key\n  ${item('b').slice(2)}`).replace(/\n/g, '\r\n');
    const out = write(text);
    expect(out).toContain('\n- # kpt, plain key\n  apiVersion: v1\n');
    // an item whose first key is a collection keeps the comment above its dash, as the yaml package prints it
    expect(out.replace('- # kpt, plain key\n  ', '# kpt, plain key\n- ')).toBe(yamlPrints(text));
  });

  it('puts every copied item back in its place, also past the tenth', () => {
    const names = Array.from({ length: 12 }, (_, i) => `cm-${i}`);
    const text = list(names.map((n) => item(n)).join(''), '# the end\n');
    const out = write(text);
    expect(out).toBe(yamlPrints(text));
    expect(parseDocument(out).toJS().items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(names);
  });

  it('prints results the plain printer declines (a tab in a message) as the yaml package does, in both ways of writing', () => {
    const tab: Result[] = [{ message: 'a\tb', severity: 'warning' }];
    for (const text of [list(), list(item('a'), '# the end\n')]) {
      const out = write(text, tab);
      expect(out).toBe(yamlPrints(text, tab));
      expect(parseDocument(out).toJS().results).toEqual(tab);
    }
  });

  it('puts the results inside a flow-style ResourceList the JSON check does not see (a comment before it)', () => {
    const text = `# c\n{apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]}\n`;
    const out = write(text);
    expect(parseDocument(out).errors).toEqual([]);
    expect(parseDocument(out).toJS().results).toEqual(results);
    expect(out).toBe(yamlPrints(text));
  });

  it('puts the results before a comment after a flow-style ResourceList written in block style (JSON input)', () => {
    const flow = `{apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]}`;
    for (const text of [`${flow} # the end\n`, `${flow}\n# the end\n`]) {
      const out = write(text);
      expect(out).toMatch(/\nresults:\n- message: ok\n {2}severity: info\n\n?# the end\n$/);
      expect(parseDocument(out).toJS().results).toEqual(results);
      // the comment still ends the document, once
      expect(out.match(/# the end/g)).toHaveLength(1);
    }
  });
});

describe('items copied into what the yaml package printed', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never takes a line of the input that reads like the stand-in of a copied item for one', () => {
    // the stand-ins are named with a random word the input does not hold: here the first word drawn is in the input
    const first = 0.123456789;
    const word = first.toString(36).slice(2, 10);
    const text = list(item('a'), `extra:\n- pd-disagg-source-item-${word}-0\n# the end\n`);
    vi.spyOn(Math, 'random').mockReturnValueOnce(first).mockReturnValueOnce(0.987654321);
    const out = write(text);
    vi.restoreAllMocks();
    expect(out).toBe(yamlPrints(text));
    expect(out).toContain(`\nextra:\n- pd-disagg-source-item-${word}-0\n`);
  });
});

describe('writeResourceList without the source text', () => {
  it('prints every item through the yaml package, items read without composing them included', () => {
    const text = list(`${item('a')}${item('b')}`);
    const lazy = readResourceList(text, undefined, { lazyItems: true });
    expect(lazy.unread.size).toBe(2);
    expect(writeResourceList(lazy, results)).toBe(yamlPrints(text));
  });

  it('prints generated resources from their objects', () => {
    const input = readResourceList(list());
    const stand = new Scalar(null);
    input.itemsNode.items.push(stand);
    input.generated.set(stand, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'gen' } });
    const out = writeResourceList(input, []);
    expect(out).toBe(yamlPrints(list(`${item('a')}- apiVersion: v1\n  kind: Service\n  metadata:\n    name: gen\n`), []));
    expect(((input.itemsNode.items[1] as YAMLMap).get('kind'))).toBe('Service');
  });
});
