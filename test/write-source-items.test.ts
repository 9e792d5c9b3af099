// The source-text writer (src/write/source-items.ts) against the yaml package, case by case: each input goes through
// the fast path (items copied from the text, pd-disagg's additions printed into them) and through the yaml package
// (every item serialised), and the two outputs must mean the same, comments and styles included. Where the fast path
// may copy, the exact text it copies is stated; where it may not, it must decline (the item is serialised).
import { parseDocument, Scalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ResourceListDocument } from '../src/read/document.js';
import { readResourceList } from '../src/read/resource-list.js';
import { toStringOptions } from '../src/read/yaml-options.js';
import { itemSourceText } from '../src/write/source-items.js';
import { writeResourceList } from '../src/write/write.js';
import { resourceList } from './helpers.js';

type Edit = (m: YAMLMap, doc: Document) => void;

/** What a text means to the yaml package, comments and styles included: printed once more the same way. */
const normal = (text: string) => parseDocument(text).toString(toStringOptions);

/**
 * One edit made twice on `text`: written with its source text (items copied where provable) and serialised by the yaml
 * package. `item` is what the fast path makes of the edited item (undefined: it declined).
 */
function both(text: string, edit: Edit = () => {}, index = 0) {
  const copied = readResourceList(text);
  edit(copied.itemsNode.items[index] as YAMLMap, copied.doc);
  const serialised = readResourceList(text);
  edit(serialised.itemsNode.items[index] as YAMLMap, serialised.doc);
  const item = itemSourceText(text, copied.itemsNode, index, copied.doc);
  const out = writeResourceList(copied, [], text);
  const expected = writeResourceList(serialised, []);
  // whatever the path, the output means what the yaml package prints
  expect(normal(out)).toBe(normal(expected));
  expect(parseDocument(out).toJS()).toEqual(parseDocument(expected).toJS());
  return { item, out, expected };
}

// `"1"   # as written`: the yaml package would print one space before the comment, so a copied item shows
const head = '- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    a: "1"   # as written\n';
const item = (rest = '') => `${head}${rest}`;
const lines = (...l: string[]) => l.join('\n');

describe('source-items: additions', () => {
  it('prints several new pairs of one map in the order they were set, after its last line', () => {
    const { item: copied, out } = both(resourceList(item('    b: x\n')), (m) => {
      m.setIn(['data', 'z'], 'last-set-first');
      m.setIn(['data', 'c'], 2);
      m.setIn(['data', 'm'], { k: 'v' });
    });
    expect(copied).toBe(lines(head + '    b: x', '    z: last-set-first', '    c: 2', '    m:', '      k: v'));
    expect(out).toContain('a: "1"   # as written');
  });

  it('prints additions to sibling and nested collections each at its own place, in source order', () => {
    const text = resourceList(item('    list:\n    - name: one\n      ports:\n      - 1\n    other:\n    - x\n  spec:\n    k: v\n'));
    const { item: copied } = both(text, (m, doc) => {
      // made in the reverse of source order: the outer map first, the innermost list last
      m.setIn(['spec', 'added'], 'to spec');
      (m.getIn(['data', 'other']) as YAMLSeq).add(doc.createNode('y'));
      (m.getIn(['data', 'list', 0]) as YAMLMap).set('image', 'i');
      (m.getIn(['data', 'list', 0, 'ports']) as YAMLSeq).add(doc.createNode(2));
      (m.getIn(['data', 'list']) as YAMLSeq).add(doc.createNode({ name: 'two' }));
      m.setIn(['data', 'b'], 'to data');
    });
    expect(copied).toBe(
      lines(
        head + '    list:',
        '    - name: one',
        '      ports:',
        '      - 1',
        '      - 2',
        '      image: i',
        '    - name: two',
        '    other:',
        '    - x',
        '    - y',
        '    b: to data',
        '  spec:',
        '    k: v',
        '    added: to spec',
      ),
    );
  });

  it('prints a new pair whose key is a node (Document#createPair), as the yaml package would', () => {
    const { item: copied } = both(resourceList(item()), (m, doc) => {
      (m.get('data') as YAMLMap).add(doc.createPair('k', 'v'));
      (m.get('data') as YAMLMap).set(new Scalar('n'), doc.createNode(1));
    });
    expect(copied).toBe(lines(head + '    k: v', '    n: 1'));
  });

  for (const [what, key] of [
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['a map', { a: 1 }],
    ['a list', ['a']],
  ] as [string, unknown][]) {
    it(`leaves a new pair whose key is ${what} to the yaml package`, () => {
      const { item: copied, out, expected } = both(resourceList(item()), (m, doc) => (m.get('data') as YAMLMap).add(doc.createPair(key, 'v')));
      expect(copied).toBeUndefined();
      expect(out).toBe(expected);
    });
  }

  it('copies an item whose last value is a literal block, with an addition before that block', () => {
    // the block's text ends with its one line break, which the output puts back after the item
    const text = resourceList(item('    list:\n    - x\n    script: |\n      run\n'));
    const { item: copied, out } = both(text, (m, doc) => (m.getIn(['data', 'list']) as YAMLSeq).add(doc.createNode('y')));
    expect(copied).toBe(lines(head + '    list:', '    - x', '    - y', '    script: |', '      run'));
    expect(parseDocument(out).toJS().items[0].data.script).toBe('run\n');
  });

  it('copies an item whose last value is a keep-chomping block, with an addition after it', () => {
    const text = resourceList(item('    script: |+\n      run\n\n'));
    const { item: copied, out } = both(text, (m) => m.setIn(['data', 'b'], 'x'));
    expect(copied).toBe(lines(head + '    script: |+', '      run', '', '    b: x'));
    expect(parseDocument(out).toJS().items[0].data).toEqual({ a: '1', script: 'run\n\n', b: 'x' });
  });

  it('leaves an item whose last value is a keep-chomping block, with an addition before it, to the yaml package', () => {
    const text = resourceList(item('    list:\n    - x\n    script: |+\n      run\n\n\n'));
    const { item: copied, out, expected } = both(text, (m, doc) => (m.getIn(['data', 'list']) as YAMLSeq).add(doc.createNode('y')));
    expect(copied).toBeUndefined();
    expect(out).toBe(expected);
  });

  it('puts an addition after a map ending in an empty value at the end of the input (no line break after it)', () => {
    const text = resourceList(item('    b:'));
    const { item: copied, out } = both(text, (m) => m.setIn(['data', 'c'], 1));
    // no line to put it after: the yaml package prints the item
    expect(copied).toBeUndefined();
    expect(out).not.toContain('"1"   #');
  });
});

describe('source-items: what the text no longer says', () => {
  for (const [what, rest, edit] of [
    // the deleted pair's words are left between the nodes still there
    ['a pair with a tag deleted before an empty map', '  extra:\n    gone: !t\n    empty: {}\n', (m: YAMLMap) => m.deleteIn(['extra', 'gone'])],
    ['a pair with an anchor deleted before an empty map', '  extra:\n    gone: &g\n    empty: {}\n', (m: YAMLMap) => m.deleteIn(['extra', 'gone'])],
    ['an entry with a tag deleted before an empty list', '  extra:\n  - !t x\n  - []\n', (m: YAMLMap) => (m.get('extra') as YAMLSeq).delete(0)],
    // an empty collection replaced by null: the pair has no value node, its text still holds `:` and the collection
    ['an empty map replaced by null, last in the item', '  extra:\n    b: {}\n', (m: YAMLMap) => m.setIn(['extra', 'b'], null)],
    ['an empty list replaced by null, last in the item', '  extra:\n    b: []\n', (m: YAMLMap) => m.setIn(['extra', 'b'], null)],
    ['an empty map replaced by null before another pair', '  extra:\n    b: {}\n    c: {}\n', (m: YAMLMap) => m.setIn(['extra', 'b'], null)],
    // a tag changed or dropped by code: the text says another type
    ['a tag changed', '  extra:\n    b: !!str 1\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).tag = 'tag:yaml.org,2002:int')],
    ['a tag dropped', '  extra:\n    b: !!str 1\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).tag = undefined)],
    ['a tag added', '  extra:\n    b: "1"\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).tag = 'tag:yaml.org,2002:str')],
    ['an anchor dropped', '  extra:\n    b: &x 1\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).anchor = undefined)],
    ['an anchor renamed', '  extra:\n    b: &x 1\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).anchor = 'y')],
    ['an anchor added', '  extra:\n    b: 1\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).anchor = 'y')],
    // `!!binary`: its text is not its value (bytes), so it is never taken as proof of them
    ['a binary scalar', '  extra:\n    b: !!binary aGk=\n', () => {}],
    ['a binary scalar whose bytes changed in place', '  extra:\n    b: !!binary aGk=\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).value = new Uint8Array([1, 2]))],
    // values changed in place keep their node and its range: the text says the old value
    ['an empty value set to a number in place', '  extra:\n    b:\n', (m: YAMLMap) => m.setIn(['extra', 'b'], 5)],
    ['a `~` set to a boolean in place', '  extra:\n    b: ~\n', (m: YAMLMap) => m.setIn(['extra', 'b'], false)],
    ['a number set in place to another parsed number', '  extra:\n    b: 1\n    c: 0x10\n', (m: YAMLMap) => ((m.getIn(['extra', 'b'], true) as Scalar).value = (m.getIn(['extra', 'c'], true) as Scalar).value)],
    // every entry of a collection new: nothing old is left to hold the additions after it
    // (an empty map: the text left is all punctuation)
    ['the only entry of a list, an empty map, replaced by a new node', '  extra:\n  - {}\n', (m: YAMLMap, doc: Document) => ((m.get('extra') as YAMLSeq).items[0] = doc.createNode('b'))],
    ['the only entry of a list replaced by a new node', '  extra:\n  - a\n', (m: YAMLMap, doc: Document) => ((m.get('extra') as YAMLSeq).items[0] = doc.createNode('b'))],
    ['the only pair of a map deleted and another set', '  extra:\n    a: 1\n', (m: YAMLMap) => {
      m.deleteIn(['extra', 'a']);
      m.setIn(['extra', 'b'], 2);
    }],
    // a node replaced by a new one, or by one read before it: the old text (here all punctuation) would stay
    ['an empty map value replaced by a new node', '  extra:\n    b: {}\n', (m: YAMLMap, doc: Document) => m.setIn(['extra', 'b'], doc.createNode({ x: 1 }))],
    ['an entry replaced by the node before it', '  extra:\n  - a\n  - {}\n', (m: YAMLMap) => {
      const seq = m.get('extra') as YAMLSeq;
      seq.items[1] = seq.items[0];
    }],
    // a `:` after a key without a value: a value indicator, or in a comment (then left to the yaml package as well)
    ['a key without a value and a comment holding `:`', '  extra:\n    ? k # note: no value\n', () => {}],
    // a list entry's map moved into the text of another
    ['entries of a list swapped', '  extra:\n  - {a: 1}\n  - {b: 2}\n', (m: YAMLMap) => (m.get('extra') as YAMLSeq).items.reverse()],
  ] as [string, string, Edit][]) {
    it(`serialises an item with ${what}, and means the same`, () => {
      const { item: copied, out, expected } = both(resourceList(item(rest)), edit);
      expect(copied).toBeUndefined();
      expect(out).toBe(expected);
    });
  }
});

describe('source-items: copied as written', () => {
  for (const [what, rest] of [
    ['a local tag and a verbatim tag', '  extra:\n    b: !local x\n    c: !<tag:yaml.org,2002:str> 1\n'],
    ['anchors and tags together, in both orders', '  extra:\n    b: &x1 !!str 1\n    c: !!int &yz 2\n'],
    // (a comment starting the text between two nodes: right after a literal block)
    ['a comment holding `&` and `!` at column 0 after a literal block', '  extra:\n    a: |\n      x\n# &no !tag\n    b: &b1 1\n'],
    ['a tag and an anchor on a collection', '  extra: !!seq &s\n  - 1\n'],
    ['a comment holding `!` and `&` between nodes', '  extra:\n    # a tag !t and an anchor &a\n    b: 1 # !x &y\n'],
    ['flow collections', '  extra: {a: [1, 2], b: {c: d}}\n'],
    ['quoted keys and values', '  extra:\n    "a: b": \'c #d\'\n    ? "long"\n    : x\n'],
    ['unicode', '  extra:\n    é: 日本 # ü\n'],
    ['block scalars with indicators', '  extra:\n    a: |2\n        two more\n    b: >-\n      folded\n      text\n    c: |-\n      x\n'],
    ['an explicit key that is a list', '  extra:\n    ? - a\n      - b\n    : v\n'],
  ]) {
    it(`copies an item with ${what}`, () => {
      const text = resourceList(item(rest));
      const { item: copied, out } = both(text);
      expect(copied).toBe(item(rest).replace(/\n$/, ''));
      expect(out).toContain(item(rest));
    });
  }
});

describe('source-items: the whole ResourceList as text', () => {
  const fc = 'functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\n';

  it('copies an item ending in a keep-chomping block and the rest of the list as written', () => {
    const blockItem = item('    script: |+\n      run\n\n\n');
    const text = resourceList(`${blockItem}${item().replace('name: c', 'name: d')}`) + fc;
    const { out } = both(text);
    // the block keeps its line breaks but the one the output puts after every item, and the functionConfig is copied
    // as written (the yaml package would print `{ name: fc }`): the whole document went out as text
    expect(out).toBe(text);
  });

  it('copies a list whose last item ends in a keep-chomping block before the functionConfig', () => {
    const text = resourceList(item('    script: |+\n      run\n\n')) + fc;
    const { out } = both(text);
    expect(out).toBe(text);
  });
});

describe('source-items: items indented under `items:`', () => {
  it('re-indents an item whose literal block holds a line of fewer spaces than the item\'s column (an empty line)', () => {
    const text = resourceList('  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c}\n    data:\n      k: |\n        a\n \n        b\n');
    const { item: copied } = both(text);
    expect(copied).toBe('- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n    k: |\n      a\n\n      b');
  });

  it('re-indents an item holding tabs after the column and a comment line at the column', () => {
    const text = resourceList('  - apiVersion: v1\n    kind: ConfigMap\n  # at the dash\n    metadata: {name: c}\n    data:\n      k:\tv\n');
    const { item: copied } = both(text);
    expect(copied).toBe('- apiVersion: v1\n  kind: ConfigMap\n# at the dash\n  metadata: {name: c}\n  data:\n    k:\tv');
  });
});

describe('source-items: items moved', () => {
  it('writes items put in another order, one with a kpt head comment, as the yaml package means them', () => {
    // the item with the comment comes second: the text before it to find its `-` in is no longer the item before it
    const text = resourceList(`- # head\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: d}\n${item()}`);
    const write = (source?: string) => {
      const list = readResourceList(text);
      list.itemsNode.items.reverse();
      return writeResourceList(list, [], source);
    };
    const out = write(text);
    expect(normal(out)).toBe(normal(write()));
    expect(parseDocument(out).toJS().items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c', 'd']);
  });
});

describe('source-items: whole items', () => {
  const flow = '- {apiVersion: v1, kind: ConfigMap, metadata: {name: f},\n    data: {a: b}}\n';

  it('copies an item written as a flow mapping as written (the yaml package would print `{ apiVersion: v1, … }`)', () => {
    const { item: copied, out } = both(resourceList(`${flow}${item()}`));
    expect(copied).toBe(flow.replace(/\n$/, ''));
    expect(out).toContain(flow);
  });

  it('leaves a flow-mapping item with an addition to the yaml package', () => {
    const { item: copied, out, expected } = both(resourceList(flow), (m) => m.setIn(['metadata', 'labels'], { l: 'v' }));
    expect(copied).toBeUndefined();
    expect(out).toBe(expected);
  });

  it('serialises an item built by code in place of one read (no text to take)', () => {
    const text = resourceList(`${item()}${item().replace('name: c', 'name: d')}`);
    const write = (source?: string) => {
      const list = readResourceList(text);
      list.itemsNode.items[0] = list.doc.createNode({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } });
      expect(itemSourceText(text, list.itemsNode, 0, list.doc)).toBeUndefined();
      return writeResourceList(list, [], source);
    };
    const out = write(text);
    expect(out).toContain('- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: new\n');
    expect(normal(out)).toBe(normal(write()));
  });

  it('copies an item whose last line is a comment ending the input (no line break after it)', () => {
    const { item: copied } = both(resourceList(item('    b: 1 # the end')));
    expect(copied).toBe(item('    b: 1 # the end'));
  });

  it('serialises an item where a deleted pair\'s words follow a comment line', () => {
    const { item: copied, out, expected } = both(resourceList(item('  extra:\n    # about gone\n    gone: x\n    empty: {}\n')), (m) => m.deleteIn(['extra', 'gone']));
    expect(copied).toBeUndefined();
    expect(out).toBe(expected);
  });
});

describe('source-items: items next to others', () => {
  it('copies an item that follows a generated resource (its `-` found right before its first key)', () => {
    const text = resourceList(`${item()}- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n`);
    const write = (source?: string) => {
      const document = new ResourceListDocument(readResourceList(text));
      document.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } }, document.items[1]);
      return writeResourceList(document.written(), [], source);
    };
    const out = write(text);
    expect(out).toContain('- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: new\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n');
    expect(normal(out)).toBe(normal(write()));
  });

  it('serialises an item holding the next item\'s map, moved into it by code', () => {
    // (the old value `{}` is all punctuation: only the node's range, past the item's end, tells)
    const text = resourceList(`${item('  extra: {}\n')}- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: d}\n`);
    const write = (source?: string) => {
      const list = readResourceList(text);
      (list.itemsNode.items[0] as YAMLMap).set('extra', list.itemsNode.items[1]);
      list.itemsNode.items.pop();
      expect(source === undefined || itemSourceText(text, list.itemsNode, 0, list.doc) === undefined).toBe(true);
      return writeResourceList(list, [], source);
    };
    expect(normal(write(text))).toBe(normal(write()));
  });
});

describe('source-items: root entries of the whole ResourceList', () => {
  const list = (after: string) =>
    `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n${after}`;
  for (const [what, after, printed] of [
    ['a tag', 'extra: !!map {k: v}\n', 'extra: !!map { k: v }\n'],
    ['no value', '? extra\nmore: {k: v}\n', 'more: { k: v }\n'],
  ]) {
    it(`leaves a root entry with ${what} to the yaml package, items still copied`, () => {
      const text = list(after!);
      const out = writeResourceList(readResourceList(text), [], text);
      expect(out).toContain('\n  metadata: {name: a}\n');
      expect(out).toContain(printed);
      expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
    });
  }

  it('copies root entries read as they are', () => {
    const text = list('extra: {k: v}\nmore: [1]\n');
    expect(writeResourceList(readResourceList(text), [], text)).toBe(text);
  });
});
