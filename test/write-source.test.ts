// Source-text write-back (src/write/source-items.ts): items nobody changed are copied from the input text. The output
// must mean exactly what serialising every item would print, comments included, on every golden case; and any edit
// made through the Document API must send the item down the serialising path.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isSeq, parseDocument, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { describe, expect, it } from 'vitest';
import { processOutcome } from '../src/process.js';
import { ResourceListDocument } from '../src/read/document.js';
import { readResourceList } from '../src/read/resource-list.js';
import { toStringOptions } from '../src/read/yaml-options.js';
import { itemSourceText } from '../src/write/source-items.js';
import { writeResourceList } from '../src/write/write.js';
import { run } from '../src/run.js';
import { slowIt, read, resourceList } from './helpers.js';
import type { Result } from '../src/types.js';
import fc from 'fast-check';
import { goldenInputs, mutationArb } from './property/invariants.js';
import { mutate } from './property/mutate.js';

/** Both ways of writing the same run: every item serialised, and untouched items copied from the text. */
function bothWays(text: string) {
  const slow = new ResourceListDocument(readResourceList(text));
  const slowResults = processOutcome(slow).results;
  const fast = new ResourceListDocument(readResourceList(text));
  const fastResults = processOutcome(fast).results;
  return { serialised: writeResourceList(slow.written(), slowResults), copied: writeResourceList(fast.written(), fastResults, text) };
}

/** What a text means to the yaml package, comments and styles included: printed once more the same way. */
const normal = (text: string) => parseDocument(text).toString(toStringOptions);

const cases = readdirSync('testdata').filter((d) => existsSync(join('testdata', d, 'input.yaml')));

describe('source-text write-back', () => {
  for (const name of cases) {
    it(`prints what serialising prints: ${name}`, () => {
      const { serialised, copied } = bothWays(read(join('testdata', name, 'input.yaml')));
      expect(normal(copied)).toBe(normal(serialised));
      expect(parseDocument(copied).toJS()).toEqual(parseDocument(serialised).toJS());
    });
  }

  it('copies every item of a re-render, also one whose head comment follows another copied item', () => {
    // lists indented under their key: the yaml package would print them flush, so a re-serialised item shows
    const item = (name: string, head = '') =>
      `- ${head}apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: ${name}\n  data:\n    list: |\n      x\n  spec:\n    names:\n      - a\n      - b\n`;
    const text = resourceList(`${item('one')}${item('two', '# two, from kpt\n  ')}${item('three', '# three\n  ')}`);
    const out = writeResourceList(readResourceList(text), [], text);
    expect(out.match(/\n {6}- a\n {6}- b\n/g)).toHaveLength(3);
    expect(out).toContain('- # two, from kpt\n  apiVersion: v1');
  });

  slowIt('prints what serialising prints on mutated golden inputs (fixed seed)', () => {
    const bases = goldenInputs();
    fc.assert(
      fc.property(mutationArb, (m) => {
        const text = mutate(bases, m);
        let both;
        try {
          both = bothWays(text);
        } catch {
          return; // input the pipeline refuses (run() reports it): nothing to write
        }
        expect(normal(both.copied)).toBe(normal(both.serialised));
      }),
      { seed: 20261127, numRuns: Number(process.env.PD_DISAGG_PROPERTY_RUNS ?? 300) },
    );
    // ~10 s alone; passed the 60 s default in a full run under a load of 12-14 (session 8)
  }, 300_000);

  describe('the whole ResourceList as text', () => {
    // `{a: b}`: the yaml package would print `{ a: b }`, so text taken from the input shows
    const list = (items: string, after = '') =>
      `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\n${after}`;
    const cm = (name: string, head = '') => `  - ${head}apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: ${name}}\n`;
    const write = (text: string, results: Result[] = []) => writeResourceList(readResourceList(text), results, text);
    const serialise = (text: string, results: Result[] = []) => writeResourceList(readResourceList(text), results);

    it('is the input with its items re-indented and the results appended, when nothing else changed', () => {
      const text = list(`${cm('a')}${cm('b', '# b\n    ')}`);
      const results: Result[] = [{ message: 'ok', severity: 'info' }];
      expect(write(text, results)).toBe(
        'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n' +
          '- # b\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n' +
          'functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\nresults:\n- message: ok\n  severity: info\n',
      );
      expect(normal(write(text, results))).toBe(normal(serialise(text, results)));
    });

    for (const [what, text] of [
      ['a comment ending the document', list(cm('a'), '# the end\n')],
      ['a blank line between items', list(`${cm('a')}\n${cm('b')}`)],
      ['a comment line between items', list(`${cm('a')}  # about b\n${cm('b')}`)],
      ['a comment between items: and the first item', list(`  # first\n${cm('a')}`)],
      ['a document start marker', `---\n${list(cm('a'))}`],
      ['a comment after the last item, at its column', list(`${cm('a')}  # end of items\n`)],
      ['a keep-chomping block ending the document', list(cm('a'), 'extra:\n  x: |+\n    a\n\n\n')],
    ]) {
      it(`is left to the yaml package with ${what}`, () => {
        const input = readResourceList(text!);
        const out = writeResourceList(input, [], text);
        // the yaml package placed the rest: the functionConfig in its style
        expect(out).toContain('metadata: { name: fc }');
        // and the items are still copied as written (the yaml package would print `{ name: a }`)
        expect(out).toContain('\n  metadata: {name: a}\n');
        expect(normal(out)).toBe(normal(serialise(text!)));
      });
    }

    it('replaces results that came in (a re-run of its own output) and keeps the rest as written (issue 15)', () => {
      const text = list(cm('a'), 'results:\n- message: old\n');
      const out = write(text, [{ message: 'new', severity: 'info' }]);
      expect(out).toContain('  metadata: {name: fc}\nresults:\n- message: new\n  severity: info\n');
      expect(out).not.toContain('old');
      expect(normal(out)).toBe(normal(serialise(text, [{ message: 'new', severity: 'info' }])));
    });

    it('writes a ResourceList whose root mapping is indented as valid YAML meaning the same (its items went out at column 0 under an indented `items:`)', () => {
      const results: Result[] = [{ message: 'new', severity: 'info' }];
      for (const text of [list(cm('a')), list(cm('a'), 'results:\n- message: old\n')]) {
        const indented = text.replace(/^(?=.)/gm, '  ');
        const out = write(indented, results);
        expect(parseDocument(out).errors).toEqual([]);
        expect(normal(out)).toBe(normal(serialise(text, results)));
        // at column 0 the same list is written as its text
        expect(write(text, results)).toContain('\n  metadata: {name: fc}\nresults:\n- message: new\n');
      }
    });

    it('replaces results that came in before another root entry', () => {
      const text = list(cm('a')).replace('functionConfig:', 'results:\n- message: old\nfunctionConfig:');
      const out = write(text, [{ message: 'new', severity: 'info' }]);
      expect(out).not.toContain('old');
      expect(out.match(/^results:/gm)).toHaveLength(1);
      expect(normal(out)).toBe(normal(serialise(text, [{ message: 'new', severity: 'info' }])));
    });

    it('keeps a comment above the document and between root entries where it was', () => {
      const text = `# a package\n${list(cm('a'), '# more\nextra: {}\n')}`;
      const out = write(text);
      expect(out.startsWith('# a package\napiVersion:')).toBe(true);
      expect(out).toContain('  metadata: {name: fc}\n# more\nextra: {}\n');
      expect(normal(out)).toBe(normal(serialise(text)));
    });
  });

  it('keeps the line breaks a keep-chomping block holds at the end of an item', () => {
    const text = resourceList(`- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    x: |+\n      a\n\n\n${item()}`);
    const doc = readResourceList(text);
    // copied to its last line break but one (the output puts one after every item)
    expect(itemSourceText(text, doc.itemsNode, 0)).toBe('- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    x: |+\n      a\n\n');
    const out = writeResourceList(doc, [], text);
    expect(parseDocument(out).toJS().items[0].data.x).toBe('a\n\n\n');
    expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
  });

  it('copies an item whose last value is a literal block (its one line break is the one the output puts back)', () => {
    const text = resourceList(`- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    x: |\n      a\n    y: |-\n      b\n${item()}`);
    const doc = readResourceList(text);
    expect(itemSourceText(text, doc.itemsNode, 0)).toBeDefined();
    const out = writeResourceList(doc, [], text);
    expect(parseDocument(out).toJS().items[0].data).toEqual({ x: 'a\n', y: 'b' });
  });

  it('copies items from the text the ranges point into: a byte-order mark changes nothing', () => {
    const input = read('testdata/kpt-package-comments/input.yaml');
    const plain = run(input);
    expect(plain.exitCode).toBe(0);
    expect(run(`\ufeff${input}`)).toEqual(plain);
  });

  it('means what serialising means on generated ResourceLists, with comments, blank lines and additions (fixed seed)', () => {
    const scalar = fc.oneof(
      fc.constantFrom('a', 'qwen', '8000', 'true', '', ' x', 'a: b', 'a #b', "it's", '"q"', '- x', 'x\ny\n', 'x\ny', 'x\n\n', '  lead\n'),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('list')),
      map: fc.dictionary(fc.constantFrom('a', 'b', 'name', 'data', 'k y'), tie('value'), { maxKeys: 4 }),
      list: fc.array(tie('value'), { maxLength: 3 }),
    }));
    const item = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata: fc.record({ name: fc.constantFrom('a', 'b', 'c') }), data: value });
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('comment', 'blank', 'trailing') });
    const addition = fc.record({ item: fc.nat(), kind: fc.constantFrom('pair', 'entry'), value });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 3 }), fc.option(value), fc.boolean(), fc.array(edit, { maxLength: 3 }), fc.array(addition, { maxLength: 2 }), (items, extra, indentSeq, edits, additions) => {
        const list: Record<string, unknown> = { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items };
        if (extra !== null) list.extra = extra;
        const lines = new Document(list).toString({ indentSeq, lineWidth: 0 }).split('\n');
        for (const { at, kind } of edits) {
          const i = 3 + (at % Math.max(1, lines.length - 3));
          const indent = /^ */.exec(lines[i] ?? '')![0];
          if (kind === 'comment') lines.splice(i, 0, `${indent}# note`);
          else if (kind === 'blank') lines.splice(i, 0, '');
          else if (lines[i]) lines[i] += ' # trailing';
        }
        const text = lines.join('\n');
        let doc;
        let expected;
        try {
          doc = readResourceList(text);
          expected = readResourceList(text);
        } catch {
          return; // not a ResourceList any more (e.g. two items with one name): nothing to write
        }
        for (const target of [doc, expected]) {
          for (const { item: n, kind, value: v } of additions) {
            const node = target.itemsNode.items[n % target.itemsNode.items.length] as YAMLMap;
            const data = node.get('data', true);
            if (kind === 'pair' && isMap(data)) data.set('added', target.doc.createNode(v));
            else if (kind === 'entry' && isSeq(data)) data.items.push(target.doc.createNode(v));
            else node.set('added', target.doc.createNode(v));
          }
        }
        const copied = writeResourceList(doc, [], text);
        const serialised = writeResourceList(expected, []);
        expect(normal(copied)).toBe(normal(serialised));
      }),
      { seed: 20261128, numRuns: Number(process.env.PD_DISAGG_PROPERTY_RUNS ?? 300) },
    );
  });

  it('copies untouched items byte for byte, comments and quoting as written', () => {
    const input = read('testdata/kpt-package-comments/input.yaml');
    const { copied } = bothWays(input);
    const document = new ResourceListDocument(readResourceList(input));
    processOutcome(document).results;
    const doc = document.written();
    let used = 0;
    for (let i = 0; i < doc.itemsNode.items.length; i++) {
      const text = itemSourceText(input, doc.itemsNode, i);
      if (text === undefined) continue;
      used++;
      expect(copied).toContain(`${text}\n`);
    }
    // Kptfile, PrefillDecode and the user's ConfigMap; not the engines (edited) nor the generated items (new)
    expect(used).toBe(3);
    expect(copied).toContain("    mode: '0755'");
  });

  it('re-indents items that were indented under items:, and keeps a kpt head comment on the dash', () => {
    const items = [
      '  - # the config',
      '    apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: c}',
      '    data:',
      '      script: |',
      '        line one',
      '',
      '          indented',
      '      list:',
      '      - a # first',
      '      - b',
      '',
    ].join('\n');
    const text = resourceList(items);
    const doc = readResourceList(text);
    expect(itemSourceText(text, doc.itemsNode, 0)).toBe(
      ['- # the config', '  apiVersion: v1', '  kind: ConfigMap', '  metadata: {name: c}', '  data:', '    script: |', '      line one', '', '        indented', '    list:', '    - a # first', '    - b'].join('\n'),
    );
    const out = writeResourceList(doc, [], text);
    expect(parseDocument(out).toJS()).toEqual(parseDocument(text).toJS());
    expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
  });

  it('re-indents an item written after `: ` under an explicit `? items` key', () => {
    const text = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n? items\n: - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c}\n    data:\n      k: |\n        v\n';
    const doc = readResourceList(text);
    expect(itemSourceText(text, doc.itemsNode, 0)).toBe('- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n    k: |\n      v');
    const out = writeResourceList(doc, [], text);
    expect(out).toContain('\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n');
    expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
  });

  it('writes an item with a kpt head comment that follows a generated resource (no text before it to find its `-` in)', () => {
    const text = resourceList(`${item()}- # head\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n`);
    const write = (source?: string) => {
      const document = new ResourceListDocument(readResourceList(text));
      document.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } }, document.items[1]);
      return writeResourceList(document.written(), [], source);
    };
    const out = write(text);
    expect(parseDocument(out).toJS().items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c', 'new', 'b']);
    expect(out).toContain('- # head\n  apiVersion: v1');
    expect(normal(out)).toBe(normal(write()));
  });

  it('serialises an indented item whose head comment follows a comment line at column 0 (the item is not copied from that line)', () => {
    const text = resourceList('  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n# between\n  - # head\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n');
    const doc = readResourceList(text);
    expect(itemSourceText(text, doc.itemsNode, 0)).toBeDefined();
    expect(itemSourceText(text, doc.itemsNode, 1)).toBeUndefined();
    const out = writeResourceList(doc, [], text);
    expect(parseDocument(out).toJS()).toEqual(parseDocument(text).toJS());
    expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
  });

  // `"1"   # as written`: the yaml package would print one space before the comment, so a copied item shows
  const item = (extra = '') =>
    `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    a: "1"   # as written\n    list:\n    - x\n    - y\n${extra}`;
  const edits: [string, (m: YAMLMap) => void, 'added' | 'serialised'][] = [
    ['a key set', (m) => m.setIn(['data', 'b'], '2'), 'added'],
    ['an entry appended', (m) => (m.getIn(['data', 'list']) as YAMLSeq).add('z'), 'added'],
    ['a new map', (m) => m.setIn(['metadata', 'labels'], { l: 'v', n: 8000 }), 'added'],
    ['a new list in a new map', (m) => m.setIn(['spec'], { ports: [{ containerPort: 5600, protocol: 'TCP' }] }), 'added'],
    ['a key deleted', (m) => m.deleteIn(['data', 'a']), 'serialised'],
    ['a value replaced', (m) => m.setIn(['data', 'a'], 'changed'), 'serialised'],
    ['a value replaced by a number', (m) => m.setIn(['data', 'a'], 1), 'serialised'],
    ['a value replaced by null', (m) => m.setIn(['data', 'a'], null), 'serialised'],
    ['a value replaced by a boolean', (m) => m.setIn(['data', 'a'], true), 'serialised'],
    ['an entry deleted', (m) => (m.getIn(['data', 'list']) as YAMLSeq).delete(0), 'serialised'],
    ['an entry put first', (m) => (m.getIn(['data', 'list']) as YAMLSeq).items.unshift(new Scalar('w')), 'serialised'],
  ];
  for (const [what, edit, how] of edits) {
    it(`${how === 'added' ? 'copies an item and prints what was added' : 'serialises an item'} after ${what}`, () => {
      const text = resourceList(item());
      const doc = readResourceList(text);
      expect(itemSourceText(text, doc.itemsNode, 0)).toBeDefined();
      edit(doc.itemsNode.items[0] as YAMLMap);
      // without the Document (to read the added nodes) nothing changed is taken
      expect(itemSourceText(text, doc.itemsNode, 0)).toBeUndefined();
      const patched = itemSourceText(text, doc.itemsNode, 0, doc.doc);
      const expected = readResourceList(text);
      edit(expected.itemsNode.items[0] as YAMLMap);
      const out = writeResourceList(doc, [], text);
      expect(normal(out)).toBe(normal(writeResourceList(expected, [])));
      expect(parseDocument(out).toJS()).toEqual(parseDocument(writeResourceList(expected, [])).toJS());
      if (how === 'added') {
        expect(patched).toBeDefined();
        expect(out).toContain('a: "1"   # as written');
      } else {
        expect(patched).toBeUndefined();
        expect(out).toBe(writeResourceList(expected, []));
      }
    });
  }

  it('prints an addition after the collection\'s last line, at its column, nested ones first', () => {
    const text = resourceList(item());
    const doc = readResourceList(text);
    const m = doc.itemsNode.items[0] as YAMLMap;
    (m.getIn(['data', 'list']) as YAMLSeq).add(doc.doc.createNode({ name: 'z', value: 'v' }));
    m.setIn(['data', 'b'], doc.doc.createNode('2'));
    m.set('extra', doc.doc.createNode({ k: ['v'] }));
    expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toBe(
      [
        '- apiVersion: v1', '  kind: ConfigMap', '  metadata:', '    name: c', '  data:', '    a: "1"   # as written', '    list:', '    - x', '    - y',
        '    - name: z', '      value: v', '    b: "2"', '  extra:', '    k:', '    - v',
      ].join('\n'),
    );
  });

  // the column of an addition is its collection's: the column of its first key or `-`, which may follow the `- ` (or
  // `-   `, or `- - `) of the entries holding it; anything else before it on that line (an anchor or a tag of the first
  // key) leaves the item to the yaml package
  for (const [what, extra, edit, expected] of [
    [
      'a list entry written with spaces after its dash',
      '  spec:\n    containers:\n    -   name: a\n        image: i\n',
      (m: YAMLMap) => (m.getIn(['spec', 'containers', 0]) as YAMLMap).set('ports', [{ containerPort: 8000 }]),
      '    -   name: a\n        image: i\n        ports:\n        - containerPort: 8000',
    ],
    [
      'a list inside a list entry',
      '  spec:\n    matrix:\n    - - a\n      - b\n',
      (m: YAMLMap) => (m.getIn(['spec', 'matrix', 0]) as YAMLSeq).add('c'),
      '    - - a\n      - b\n      - c',
    ],
    [
      'a list entry whose first key carries an anchor',
      '  spec:\n    containers:\n    - &c name: a\n      image: i\n',
      (m: YAMLMap) => (m.getIn(['spec', 'containers', 0]) as YAMLMap).set('ports', [{ containerPort: 8000 }]),
      undefined,
    ],
    [
      'a list entry whose first key carries a tag',
      '  spec:\n    containers:\n    - !!str name: a\n      image: i\n',
      (m: YAMLMap) => (m.getIn(['spec', 'containers', 0]) as YAMLMap).set('ports', [{ containerPort: 8000 }]),
      undefined,
    ],
  ] as [string, string, (m: YAMLMap) => void, string | undefined][]) {
    it(`${expected ? 'copies' : 'serialises'} an item with an addition to ${what}, and means the same`, () => {
      const text = resourceList(item(extra));
      const doc = readResourceList(text);
      expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toBeDefined();
      edit(doc.itemsNode.items[0] as YAMLMap);
      const patched = itemSourceText(text, doc.itemsNode, 0, doc.doc);
      if (expected === undefined) expect(patched).toBeUndefined();
      else expect(patched).toContain(expected);
      const serialised = readResourceList(text);
      edit(serialised.itemsNode.items[0] as YAMLMap);
      const out = writeResourceList(doc, [], text);
      expect(parseDocument(out).toJS()).toEqual(parseDocument(writeResourceList(serialised, [])).toJS());
      expect(normal(out)).toBe(normal(writeResourceList(serialised, [])));
    });
  }

  // items copied as written, or printed with their addition at the right place, in the less common spellings
  for (const [what, extra, edit, expected] of [
    ['a map whose last value is empty', '  extra:\n    a: 1\n    b:\n', (m: YAMLMap) => m.setIn(['extra', 'c'], 2), '  extra:\n    a: 1\n    b:\n    c: 2'],
    ['a map whose last value is empty, with a comment after it', '  extra:\n    a: 1\n    b: # empty\n', (m: YAMLMap) => m.setIn(['extra', 'c'], 2), '  extra:\n    a: 1\n    b: # empty\n    c: 2'],
    ['a list entry written `-` alone on its line', '  extra:\n  -\n    name: a\n', (m: YAMLMap) => (m.get('extra') as YAMLSeq).add({ name: 'b' }), '  extra:\n  -\n    name: a\n  - name: b'],
    ['anchors on a map and on its first key (no alias uses them)', '  extra: &z\n    &a k: v\n', () => {}, '  extra: &z\n    &a k: v'],
    ['tags on a map and on its first key', '  extra: !!map\n    !a k: v\n', () => {}, '  extra: !!map\n    !a k: v'],
    ['tabs between the tokens', '  extra:\t# tab\n    k:\tv\n', () => {}, '  extra:\t# tab\n    k:\tv'],
    ['entries without a value (`{ k }`, `? k` last)', '  extra:\n    f: { k, l: 1 }\n    ? k\n', () => {}, '  extra:\n    f: { k, l: 1 }\n    ? k'],
    ['null in every spelling', '  extra:\n    a: ~\n    b: null\n    c: Null\n    d: NULL\n    e:\n', () => {}, '  extra:\n    a: ~\n    b: null\n    c: Null\n    d: NULL\n    e:'],
    ['a map whose last value is empty, before the next key', '  extra:\n    a: 1\n    b:\n  last: v\n', (m: YAMLMap) => m.setIn(['extra', 'c'], 2), '  extra:\n    a: 1\n    b:\n    c: 2\n  last: v'],
  ] as [string, string, (m: YAMLMap) => void, string][]) {
    it(`copies an item with ${what}, and means the same`, () => {
      const text = resourceList(item(extra));
      const doc = readResourceList(text);
      edit(doc.itemsNode.items[0] as YAMLMap);
      expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toBe(`${item().replace(/\n$/, '')}\n${expected}`);
      const serialised = readResourceList(text);
      edit(serialised.itemsNode.items[0] as YAMLMap);
      const out = writeResourceList(doc, [], text);
      expect(out).toContain(`\n${expected}\n`);
      expect(parseDocument(out).toJS()).toEqual(parseDocument(writeResourceList(serialised, [])).toJS());
      expect(normal(out)).toBe(normal(writeResourceList(serialised, [])));
    });
  }

  for (const [what, items, edit] of [
    // the deleted pair's words are left between the nodes still there: the text no longer says what the item holds
    ['a pair deleted before an empty map', item('  extra:\n    gone: x\n    empty: {}\n'), (m: YAMLMap) => m.deleteIn(['extra', 'gone'])],
    ['an entry deleted before an empty map', item('  extra:\n  - gone\n  - {}\n'), (m: YAMLMap) => (m.get('extra') as YAMLSeq).delete(0)],
    ['an entry deleted before an empty list', item('  extra:\n  - gone\n  - []\n'), (m: YAMLMap) => (m.get('extra') as YAMLSeq).delete(0)],
    // a new entry before the old ones is not an addition at the end (the old ones' text is all punctuation here)
    ['an entry put before an empty map', item('  extra:\n  - {}\n  last: v\n'), (m: YAMLMap) => (m.get('extra') as YAMLSeq).items.unshift(new Scalar('w'))],
    // an empty value changed in place: the text still says `b:` (nothing), the item holds x
    ['an empty value set', item('  extra:\n    b:\n    c: 1\n'), (m: YAMLMap) => m.setIn(['extra', 'b'], 'x')],
    ['an empty value set, last in the item', item('  extra:\n    b:\n'), (m: YAMLMap) => m.setIn(['extra', 'b'], 'x')],
    // a map's value set to null: the pair has no value node, its text still holds the `:` and the map
    ['a map replaced by null', item('  extra:\n    b: {x: 1}\n    c: 1\n'), (m: YAMLMap) => m.setIn(['extra', 'b'], null)],
    // nodes still read from the source, in another order or from another item
    ['entries reordered', item('  extra:\n  - a\n  - b\n'), (m: YAMLMap) => (m.get('extra') as YAMLSeq).items.reverse()],
    ['empty collections reordered', item('  extra:\n  - {}\n  - []\n'), (m: YAMLMap) => (m.get('extra') as YAMLSeq).items.reverse()],
    ['a value moved from before the item', item('  extra:\n    b: 1\n'), (m: YAMLMap) => m.setIn(['extra', 'b'], m.get('kind', true))],
    // set() on an existing key stores plain data as it is (no node, no range)
    ['a value replaced by plain data', item('  extra:\n    b: 1\n    c: 1\n'), (m: YAMLMap) => m.setIn(['extra', 'b'], { x: 1 })],
    ['a list replaced by plain data', item('  extra:\n    b: [1]\n'), (m: YAMLMap) => m.setIn(['extra', 'b'], ['z'])],
    // a comment left of the item's column cannot be re-indented with it
    ['a comment line left of its column', item().replace(/^/gm, '  ').replace('    kind: ConfigMap\n', '    kind: ConfigMap\n# at column 0\n'), () => {}],
  ] as [string, string, (m: YAMLMap) => void][]) {
    it(`serialises an item with ${what}, and means the same`, () => {
      const text = resourceList(items);
      const doc = readResourceList(text);
      edit(doc.itemsNode.items[0] as YAMLMap);
      expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toBeUndefined();
      const serialised = readResourceList(text);
      edit(serialised.itemsNode.items[0] as YAMLMap);
      const out = writeResourceList(doc, [], text);
      expect(out).toBe(writeResourceList(serialised, []));
      expect(normal(out)).toBe(normal(writeResourceList(serialised, [])));
    });
  }

  // comment lines are not data: they stay where they were, the additions go after the collection's last line
  for (const [what, items, edit, expected] of [
    ['a comment line at the end of the list', item('    # about y\n'), (m: YAMLMap) => (m.getIn(['data', 'list']) as YAMLSeq).add('z'), '    - y\n    # about y\n    - z'],
    ['a comment line after the map', `${item()}  # about the next key\n  extra: 1\n`, (m: YAMLMap) => m.setIn(['data', 'b'], '2'), '    - y\n    b: "2"\n  # about the next key\n  extra: 1'],
    // (the map's text runs over that line to the next key's indentation)
    ['a comment line at the end of a map, before the next key', item('  extra:\n    a: 1\n    # about a\n  last: v\n'), (m: YAMLMap) => m.setIn(['extra', 'c'], 2), '  extra:\n    a: 1\n    # about a\n    c: 2\n  last: v'],
  ] as [string, string, (m: YAMLMap) => void, string][]) {
    it(`copies an item with an addition next to ${what}, and means the same`, () => {
      const text = resourceList(items);
      const doc = readResourceList(text);
      edit(doc.itemsNode.items[0] as YAMLMap);
      expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toContain(expected);
      const expectedDoc = readResourceList(text);
      edit(expectedDoc.itemsNode.items[0] as YAMLMap);
      expect(parseDocument(writeResourceList(doc, [], text)).toJS()).toEqual(parseDocument(writeResourceList(expectedDoc, [])).toJS());
    });
  }

  for (const [what, items, edit] of [
    ['a flow collection', item().replace('    list:\n    - x\n    - y\n', '    list: [x, y]\n'), (m: YAMLMap) => (m.getIn(['data', 'list']) as YAMLSeq).add('z')],
    ['a value the printer declines', item(), (m: YAMLMap) => m.setIn(['data', 'b'], 'tab\there')],
  ] as [string, string, (m: YAMLMap) => void][]) {
    it(`serialises an item with an addition next to ${what}`, () => {
      const text = resourceList(items);
      const doc = readResourceList(text);
      edit(doc.itemsNode.items[0] as YAMLMap);
      expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toBeUndefined();
      const expected = readResourceList(text);
      edit(expected.itemsNode.items[0] as YAMLMap);
      expect(writeResourceList(doc, [], text)).toBe(writeResourceList(expected, []));
    });
  }

  // an anchor no alias uses and an explicit tag are the nodes' own (issue 15): the item is copied as written
  for (const [what, items] of [
    ['an anchor', item('  extra: &x {k: v}\n')],
    ['a tag', item('  extra: !!str   1\n')],
  ]) {
    it(`copies an item with ${what}, and means the same`, () => {
      const text = resourceList(items!);
      const doc = readResourceList(text);
      expect(itemSourceText(text, doc.itemsNode, 0, doc.doc)).toBe(items!.replace(/\n$/, ''));
      const out = writeResourceList(doc, [], text);
      expect(out).toContain(items!);
      expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
    });
  }

  const fallbacks: [string, string][] = [
    // the alias is expanded and its anchor dropped: neither item says in its text what it now holds
    ['an alias', `${item('  extra: &x v\n')}- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: d}\n  data: {a: *x}\n`],
    // without the Document, a tag's name cannot be resolved
    ['a tag, without its Document', item('  extra: !!str 1\n')],
  ];
  for (const [what, items] of fallbacks) {
    it(`serialises an item with ${what}, and means the same`, () => {
      const text = resourceList(items);
      const doc = readResourceList(text);
      expect(itemSourceText(text, doc.itemsNode, doc.itemsNode.items.length - 1)).toBeUndefined();
      const out = writeResourceList(doc, [], text);
      expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
    });
  }

  for (const [what, items] of [
    ['a comment above the first dash', `# above\n${item()}`],
    ['a comment above a later dash', `${item()}# between\n${item()}`],
    ['a trailing comment indented under an item', `${item('    # trailing\n')}${item()}`],
    ['blank lines between items', `${item()}\n\n${item()}`],
  ]) {
    it(`means the same with ${what}`, () => {
      const text = resourceList(items!);
      const out = writeResourceList(readResourceList(text), [], text);
      expect(normal(out)).toBe(normal(writeResourceList(readResourceList(text), [])));
    });
  }

  it('keeps a keep-chomping block\'s last spaces-only line (at the end of the input) when an entry is added after it', () => {
    // the block's value ends in that line's spaces beyond its indentation: an addition must not go in front of them
    const text = resourceList(item().replace('    - y\n', '    - |+\n      z\n         '));
    const edit = (m: YAMLMap) => (m.getIn(['data', 'list']) as YAMLSeq).add('added');
    const doc = readResourceList(text);
    edit(doc.itemsNode.items[0] as YAMLMap);
    const expected = readResourceList(text);
    edit(expected.itemsNode.items[0] as YAMLMap);
    const out = parseDocument(writeResourceList(doc, [], text)).toJS();
    expect(out.items[0].data.list).toEqual(['x', 'z\n   \n', 'added']);
    expect(out).toEqual(parseDocument(writeResourceList(expected, [])).toJS());
  });

  it('serialises CRLF input (the output has LF line ends throughout)', () => {
    const text = resourceList(item()).replace(/\n/g, '\r\n');
    const doc = readResourceList(text);
    expect(itemSourceText(text, doc.itemsNode, 0)).toBeUndefined();
    expect(writeResourceList(doc, [], text)).not.toContain('\r');
  });

  it('serialises JSON input (block style out)', () => {
    const text = JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }] });
    const out = writeResourceList(readResourceList(text), [], text);
    expect(out).toContain('- apiVersion: v1\n  kind: ConfigMap\n');
  });

  describe('JSON input', () => {
    // JSON comes in flow style with every string double-quoted; it goes out as the same ResourceList written in YAML by
    // the yaml package would: block collections (empty ones as `{}` and `[]` on the key's line), strings in the style the
    // yaml package picks (plain where that reads back the same, quoted where not, `|` for several lines)
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'tricky', annotations: { 'a: b': 'true', '8000': 'x #y', empty: '' } },
      data: { script: 'line one\n  indented\nlast\n', chomped: 'a\nb', quoted: "it's \"q\"", number: '0755', lead: ' x', text: 'é ü 日本' },
      nested: { emptyMap: {}, emptyList: [], list: [{}, [], 'x', 1.5, true, null], deep: { a: [{ b: {} }] } },
    };
    const asJson = (list: object) => JSON.stringify(list);
    const asYaml = (list: object) => new Document(list).toString(toStringOptions);
    const listWith = (extra: object[]) => {
      const list = parseDocument(read('testdata/kpt-package-comments/input.yaml')).toJS();
      list.items.push(...extra);
      return list;
    };

    it('renders the same bytes as the same ResourceList in YAML (a render that adds the routing stack)', () => {
      const list = listWith([configMap]);
      const json = run(asJson(list));
      expect(json.exitCode).toBe(0);
      expect(json.stdout).toBe(run(asYaml(list)).stdout);
      // the user's item as the yaml package writes it
      expect(json.stdout).toContain(
        '  data:\n    script: |\n      line one\n        indented\n      last\n    chomped: |-\n      a\n      b\n    quoted: it\'s "q"\n' +
          '    number: "0755"\n    lead: " x"\n    text: é ü 日本\n  nested:\n    emptyMap: {}\n    emptyList: []\n    list:\n    - {}\n    - []\n    - x\n',
      );
      // (a JavaScript object lists an integer key first)
      expect(json.stdout).toContain('    annotations:\n      "8000": "x #y"\n      "a: b": "true"\n      empty: ""\n');
    });

    it('renders the same bytes as the same ResourceList in YAML on an error (items unchanged)', () => {
      const list = parseDocument(read('testdata/error-modelservice-connector/input.yaml')).toJS();
      list.items.push(configMap);
      const json = run(asJson(list));
      expect(json.exitCode).toBe(1);
      expect(json.stdout).toBe(run(asYaml(list)).stdout);
      expect(json.stdout).not.toMatch(/^\s*[{[]/m);
    });
  });
});
