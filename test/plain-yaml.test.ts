// src/write/plain-yaml.ts prints plain data itself instead of through yaml nodes (a cold-start saving, issue #7). Its
// promise: whatever it prints is byte for byte what the yaml package prints with our options, and it declines the
// rest. Checked three ways: against the yaml package on generated data full of YAML's corner cases; on everything the
// pipeline generates for the golden inputs (so the fast path is really taken); and end to end, the function's output
// with the printer and with the printer declining everything are the same.
import fc from 'fast-check';
import { Document, parseDocument, type YAMLSeq } from 'yaml';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { processOutcome } from '../src/process.js';
import { ResourceListDocument } from '../src/read/document.js';
import { readResourceList } from '../src/read/resource-list.js';
import { createNodeOptions, parseOptions, toStringOptions } from '../src/read/yaml-options.js';
import { run } from '../src/run.js';
import { printDocument, printEntry, printListEntry, printPair, printTopLevelField } from '../src/write/plain-yaml.js';
import { userYamlText, yamlText } from '../src/write/yaml-text.js';
import type { KObject } from '../src/types.js';
import { slowIt } from './helpers.js';
import { goldenInputs, mutationArb } from './property/invariants.js';
import { mutate } from './property/mutate.js';

const SEED = 20261125;

/** What the yaml package prints for these objects as the items of a ResourceList-like document. */
function yamlItems(objects: unknown[]): string {
  const doc = parseDocument('items:\n- x\n', parseOptions);
  const seq = doc.get('items', true) as YAMLSeq;
  seq.items = objects.map((o) => doc.createNode(o, createNodeOptions));
  return doc.toString(toStringOptions);
}

function yamlField(key: string, value: unknown): string {
  const doc = parseDocument('a: 1\n', parseOptions);
  doc.delete('a');
  doc.set(key, doc.createNode(value, createNodeOptions));
  return doc.toString(toStringOptions);
}

// Strings built from pieces that sit on YAML's edges: indicators, `: ` and ` #`, things that read as other types,
// document markers, quotes of both kinds, spaces and newlines at either end, non-ASCII, tabs and control characters.
const piece = fc.constantFrom(
  'a', 'qwen-decode', 'app.kubernetes.io/name', 'ghcr.io/llm-d/x:v0.10.0', ' ', '  ', '\n', '\n\n', '\t', ':', ': ', ' #', '#',
  '-', '- ', '?', '? ', '[', ']', '{', '}', ',', '&a', '*a', '!t', '|', '>', "'", '"', '%', '@', '`', '---', '...', 'true',
  'False', 'null', '~', 'NULL', '0', '12', '-3', '+4', '0x1F', '0o17', '1.5', '.5', '1e3', '.inf', '-.Inf', '.nan', 'yes',
  'on', '=', '\\', 'é', '…', '\u2028', '\u0085', '\u0007', '\ufeff', '😀', '\ud800',
);
const text = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
const key = fc.oneof(text, fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'data', '8000', 'true', ''));
const scalarArb = fc.oneof(
  text,
  fc.integer(),
  fc.constantFrom(0, -0, 1.5, 0.1, -2.25, 1e21, 1e-7, 12345678901234567890, Number.NaN, Infinity, -Infinity),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const { value: valueArb } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 3 }),
}));
const mapArb = fc.dictionary(key, valueArb, { minKeys: 1, maxKeys: 5 });

describe('plain-data printer', () => {
  it('prints list entries exactly as the yaml package does, or declines', () => {
    let printed = 0;
    fc.assert(
      fc.property(mapArb, (map) => {
        const text = printListEntry(map);
        if (text === undefined) return;
        printed++;
        expect(`items:\n${text}\n`).toBe(yamlItems([map]));
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // the comparison is only worth something if the printer takes a good share of what it is given
    expect(printed).toBeGreaterThan(300);
  });

  it('prints top-level fields exactly as the yaml package does, or declines', () => {
    fc.assert(
      fc.property(key, valueArb, (k, v) => {
        const text = printTopLevelField(k, v);
        if (text !== undefined) expect(text).toBe(yamlField(k, v));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('prints whole documents with a head comment exactly as the yaml package does, or declines', () => {
    fc.assert(
      fc.property(mapArb, fc.array(fc.constantFrom(' Generated.', ' a: b # c', '', ' ', '  ', '#', ' é'), { maxLength: 3 }), (map, lines) => {
        const comment = lines.length ? lines.join('\n') : undefined;
        const text = printDocument(map, comment);
        if (text === undefined) return;
        const doc = new Document(map);
        if (comment !== undefined) doc.commentBefore = comment;
        expect(text).toBe(doc.toString(toStringOptions));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  // One value of each kind the printer must print itself (declining would pass the comparisons above): each is printed,
  // as a map's value, as a list's entry and as a top-level field, and each time exactly as the yaml package prints it.
  const takes: [string, unknown][] = [
    ['a plain string', 'qwen-decode'],
    ['a non-ASCII string', 'é ü 日本'],
    ['a string with a colon and a hash inside', 'a:b c#d'],
    ['a string with a quote inside', 'a"b\'c'],
    ['an empty string', ''],
    ['a string that reads as null', 'null'],
    ['a string that reads as ~', '~'],
    ['a string that reads as a boolean', 'True'],
    ['a string that reads as an integer', '8000'],
    ['a string that reads as a negative integer', '-3'],
    ['a string that reads as a hex integer', '0x1F'],
    ['a string that reads as an octal integer', '0o17'],
    ['a string that reads as a float', '1.5'],
    ['a string that reads as a float with an exponent', '1e3'],
    ['a string that reads as infinity', '-.inf'],
    ['a string that reads as NaN', '.NaN'],
    ['a string starting with an indicator', '*a'],
    ['a string starting with a double quote', '"q"'],
    ['a string starting with a single quote', "'q'"],
    ['a string with both quotes, needing quotes', "\"it's\""],
    ['a string starting with a space', ' x'],
    ['a string ending with a space', 'x '],
    ['a string ending with a colon', 'x:'],
    ['a string holding `: `', 'a: b'],
    ['a string holding ` #`', 'a #b'],
    ['a lone dash', '-'],
    ['a dash and a space', '- x'],
    ['a lone question mark', '?'],
    ['a string with a backslash', 'a\\b'],
    ['a multi-line string ending in a line break', 'line one\n  indented\n\nlast\n'],
    ['a multi-line string without a final line break', 'a\nb'],
    ['a multi-line string with trailing spaces on a line', 'a  \nb'],
    ['an integer', 8000],
    ['a negative integer', -3],
    ['zero', 0],
    ['a float', 1.5],
    ['a small float', 0.1],
    ['true', true],
    ['false', false],
    ['null', null],
    ['an empty map', {}],
    ['an empty list', []],
    ['a map', { a: 1, b: 'x' }],
    ['a map with an undefined value', { a: 1, gone: undefined, b: 2 }],
    ['a map of maps', { a: { b: { c: 'd' } } }],
    ['a list of scalars', ['x', 1, true, null]],
    ['a list of maps', [{ name: 'a', value: 'v' }, { name: 'b' }]],
    ['a list holding an empty list and an empty map', [[], {}]],
    ['a list of maps holding lists', [{ args: ['--port', '8000'], env: [{ name: 'A', value: '1' }] }]],
    ['a list holding multi-line strings', ['a\nb\n', 'c\nd']],
  ];
  for (const [what, value] of takes) {
    it(`prints ${what} as the yaml package does`, () => {
      // in a list too, unless it is a list with entries (a list in a list is the yaml package's to print)
      const map = Array.isArray(value) && value.length > 0 ? { k: value } : { k: value, list: [value] };
      const entry = printListEntry(map);
      expect(entry).toBeDefined();
      expect(`items:\n${entry}\n`).toBe(yamlItems([map]));
      expect(printTopLevelField('results', value)).toBe(yamlField('results', value));
      const doc = new Document({ k: value });
      doc.commentBefore = ' head';
      expect(printDocument({ k: value }, ' head')).toBe(doc.toString(toStringOptions));
    });
  }

  for (const [what, key] of [
    ['a plain key', 'app.kubernetes.io/name'],
    ['a key that reads as a number', '8000'],
    ['a key that reads as a boolean', 'true'],
    ['a key holding `: `', 'a: b'],
    ['an empty key', ''],
    ['a key of 1024 characters (the longest the yaml package writes without `? `)', 'k'.repeat(1024)],
  ]) {
    it(`prints ${what} as the yaml package does`, () => {
      const entry = printListEntry({ [key!]: 1 });
      expect(entry).toBeDefined();
      expect(`items:\n${entry}\n`).toBe(yamlItems([{ [key!]: 1 }]));
    });
  }

  it('prints a whole document with a head comment of several lines, a blank comment line among them', () => {
    const map = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } };
    for (const comment of [' Generated by pd-disagg.\n Second line.', ' one\n \n two', ' ', undefined]) {
      const doc = new Document(map);
      if (comment !== undefined) doc.commentBefore = comment;
      expect(printDocument(map, comment)).toBe(doc.toString(toStringOptions));
    }
  });

  it('declines what it cannot print the same way', () => {
    expect(printListEntry({ a: 'x\ty' })).toBeUndefined(); // tab
    expect(printListEntry({ a: ' lead\nx' })).toBeUndefined(); // indentation indicator
    expect(printListEntry({ a: 'x\n\n' })).toBeUndefined(); // keep chomping
    expect(printListEntry({ a: '---\nx' })).toBeUndefined(); // document marker
    expect(printListEntry({ a: [[1]] })).toBeUndefined(); // list in a list
    expect(printListEntry({ a: 1e21 })).toBeUndefined(); // exponent
    expect(printListEntry({ a: new Date(0) })).toBeUndefined();
    expect(printListEntry({ ['k'.repeat(1025)]: 1 })).toBeUndefined(); // explicit key
    expect(printListEntry({ a: [undefined] })).toBeUndefined(); // the yaml package writes `- null`
    expect(printListEntry({ a: -0 })).toBeUndefined();
    expect(printListEntry({ a: Number.NaN })).toBeUndefined();
    expect(printListEntry({ a: Infinity })).toBeUndefined();
    expect(printListEntry({ a: 1e-7 })).toBeUndefined(); // exponent
    expect(printListEntry({ a: 'x\u2028y' })).toBeUndefined(); // line separator
    expect(printListEntry({ a: 'x\u0007' })).toBeUndefined(); // control character
    expect(printListEntry({ a: '\ufeffx' })).toBeUndefined(); // byte-order mark
    expect(printListEntry({ a: '...' })).toBeUndefined(); // document end marker
    expect(printListEntry({ a: '%x' })).toBeUndefined(); // directive
    expect(printListEntry({ a: 'x\n...\ny' })).toBeUndefined(); // document end marker inside a block
    expect(printListEntry({ a: '\nx' })).toBeUndefined(); // starts with a line break
    expect(printListEntry({ a: 'x\n  ' })).toBeUndefined(); // trailing spaces after the last line break
    expect(printListEntry({ a: ['x\ty'] })).toBeUndefined(); // tab in a list entry
    expect(printListEntry({ a: [{ b: 'x\ty' }] })).toBeUndefined(); // tab in a map in a list
    expect(printListEntry({ a: { b: [[1]] } })).toBeUndefined(); // list in a list, deeper
    expect(printListEntry({ a: [' lead\nx'] })).toBeUndefined(); // indentation indicator in a list entry
    expect(printTopLevelField('', 1)).toBeUndefined(); // an empty top-level key is written `? ""`
    expect(printTopLevelField('k\ty', 1)).toBeUndefined();
    expect(printDocument({})).toBeUndefined(); // an empty document
    expect(printDocument({ a: 1 }, 'no leading space')).toBeUndefined();
    expect(printDocument({ a: 1 }, ' tab\there')).toBeUndefined();
  });

  it('takes everything the pipeline generates for the golden inputs', () => {
    let generated = 0;
    for (const input of goldenInputs()) {
      const document = new ResourceListDocument(readResourceList(input));
      const results = processOutcome(document).results;
      if (results.some((r) => r.severity === 'error')) continue;
      const list = document.written();
      generated += list.generated.size;
      for (const object of list.generated.values()) expect(printListEntry(object), `${object.kind}/${object.metadata.name}`).toBeDefined();
      expect(printTopLevelField('results', results)).toBeDefined();
    }
    expect(generated).toBeGreaterThan(0);
  });
});

describe('the function with and without the printer', () => {
  let runDeclining: typeof run;
  afterAll(() => {
    vi.doUnmock('../src/write/plain-yaml.js');
    vi.resetModules();
  });

  slowIt('writes the same bytes on every golden input, and the same meaning on mutated ones', async () => {
    vi.resetModules();
    // what it prints whole (generated resources, results, the EPP config) goes through the yaml package instead; the
    // pairs and entries it adds to items copied from their text (src/write/source-items.ts) stay as they are
    vi.doMock('../src/write/plain-yaml.js', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../src/write/plain-yaml.js')>()),
      printListEntry: () => undefined,
      printTopLevelField: () => undefined,
      printDocument: () => undefined,
    }));
    ({ run: runDeclining } = await import('../src/run.js'));
    const bases = goldenInputs();
    for (const input of bases) expect(run(input)).toEqual(runDeclining(input));
    // With everything printed, the output is the input's text with its items replaced; declining, the yaml package
    // prints the rest of the ResourceList, in its own style (e.g. `{ a: b }` for `{a: b}`): the same YAML.
    const meaning = (o: ReturnType<typeof run>) => ({ ...o, stdout: o.stdout && parseDocument(o.stdout).toString(toStringOptions) });
    fc.assert(
      fc.property(mutationArb, (m) => {
        const input = mutate(bases, m);
        expect(meaning(run(input))).toEqual(meaning(runDeclining(input)));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('yamlText (what the plan prints the EPP config with)', () => {
  const viaYaml = (object: KObject, head: string[]) => {
    const doc = new Document(object);
    doc.commentBefore = head.map((l) => ` ${l}`).join('\n');
    return doc.toString(toStringOptions);
  };
  it('prints what the yaml package prints, where the plain printer answers and where it declines', () => {
    const head = ['Generated by pd-disagg.', 'Second line.'];
    const plain = { apiVersion: 'v1', kind: 'Thing', plugins: [{ type: 'a', parameters: { n: 1 } }] };
    const declined = { kind: 'Thing', text: 'a\ttab' };
    expect(printDocument(plain, head.map((l) => ` ${l}`).join('\n'))).toBeDefined();
    expect(printDocument(declined, head.map((l) => ` ${l}`).join('\n'))).toBeUndefined();
    for (const object of [plain, declined]) expect(yamlText(object, head)).toBe(viaYaml(object, head));
  });

  it('prints a config the user wrote (spec.epp.config) as YAML that reads back the same, long lines unfolded', () => {
    const own = { apiVersion: 'inference.networking.x-k8s.io/v1alpha1', kind: 'EndpointPickerConfig', plugins: [{ type: 'x', parameters: { text: 'word '.repeat(40).trim(), n: 1 } }] };
    const text = userYamlText(own);
    expect(parseDocument(text).toJS()).toEqual(own);
    expect(text).toContain(`    text: ${'word '.repeat(40).trim()}\n`);
    expect(text.startsWith('apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n  - type: x\n')).toBe(true);
  });
});

// The pieces source-items.ts prints into items copied from their text (printPair, printEntry), and the edges of what the
// printer takes as a plain, a quoted or no scalar at all, each compared with the yaml package's own output.
describe('plain-data printer: pairs, entries and the edges of plain scalars', () => {
  /** What the yaml package prints for `value` under `key` in a map whose keys are at `indent` ('' or '  '). */
  const yamlPair = (k: string, v: unknown, indent: string) => {
    const text = new Document(indent === '' ? { [k]: v } : { p: { [k]: v } }).toString(toStringOptions);
    return indent === '' ? text : text.slice('p:\n'.length);
  };
  /** What the yaml package prints for `value` as the entry of a list whose `-` are at `indent` ('' or '  '). */
  const yamlEntry = (v: unknown, indent: string) => {
    const text = new Document(indent === '' ? [v] : { p: { q: [v] } }).toString(toStringOptions);
    return indent === '' ? text : text.slice('p:\n  q:\n'.length);
  };

  it('prints a pair and a list entry exactly as the yaml package does, at column 0 and indented, or declines', () => {
    let printed = 0;
    fc.assert(
      fc.property(key, valueArb, fc.constantFrom('', '  '), (k, v, indent) => {
        const pair = printPair(k, v, indent);
        if (pair !== undefined) {
          printed++;
          expect(`${pair}\n`).toBe(yamlPair(k, v, indent));
        }
        // a list directly in a list, and undefined (`- null`), are the yaml package's to print
        if (v === undefined || (Array.isArray(v) && v.length > 0)) return;
        const entry = printEntry(v, indent);
        if (entry !== undefined) expect(`${entry}\n`).toBe(yamlEntry(v, indent));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(printed).toBeGreaterThan(300);
  });

  it('declines a pair whose key it cannot print, whatever the value', () => {
    for (const k of ['a\tb', '---', '...', '%x', 'k'.repeat(1025), 'a\nb', '\u0085']) {
      expect(printPair(k, 'v', '')).toBeUndefined();
      expect(printPair(k, { a: 1 }, '  ')).toBeUndefined();
    }
    // a key that is no string (source-items hands over whatever key a new pair has)
    for (const k of [1, true, null, undefined, { a: 1 }, ['a']]) expect(printPair(k, 'v', '')).toBeUndefined();
    expect(printPair('k', 'v', '  ')).toBe('  k: v');
    expect(printEntry({ a: 1, b: [] }, '  ')).toBe('  - a: 1\n    b: []');
  });

  // Characters at the edges of the ranges printed as they are: each taken and printed as the yaml package prints it,
  // plain or quoted; the characters next to them (controls, line and paragraph separators, BOM, surrogates, U+FFFE)
  // are left to the yaml package, which escapes them.
  const taken = ['\u0020', '\u007e', '\u00a0', '\u00ff', '\u2027', '\u202a', '\ud7ff', '\ue000', '\ufefe', '\uff00', '\ufffd'];
  const declined = ['\u001f', '\u007f', '\u0080', '\u009f', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udfff', '😀'];
  for (const c of taken) {
    it(`prints U+${c.charCodeAt(0).toString(16).padStart(4, '0')} inside a string, a key and a literal block as the yaml package does`, () => {
      for (const v of [`a${c}b`, `a${c}b\nc\n`]) {
        expect(printPair('k', v, '')).toBeDefined();
        expect(`${printPair('k', v, '')}\n`).toBe(yamlPair('k', v, ''));
      }
      expect(printPair(`a${c}b`, 1, '')).toBeDefined();
      expect(`${printPair(`a${c}b`, 1, '')}\n`).toBe(yamlPair(`a${c}b`, 1, ''));
    });
  }
  for (const c of declined) {
    it(`leaves U+${c.charCodeAt(0).toString(16).padStart(4, '0')} to the yaml package, in a string, a key and a literal block`, () => {
      expect(printPair('k', `a${c}b`, '')).toBeUndefined();
      expect(printPair('k', `a${c}b\nc\n`, '')).toBeUndefined();
      expect(printPair(`a${c}b`, 1, '')).toBeUndefined();
    });
  }

  // Strings at the edges of what YAML 1.2's core schema reads as another type, and of what may stand plain: each printed
  // as the yaml package prints it — quoted where it reads as something else, plain where it is a string.
  const edges = [
    // read as other types: quoted
    '+4', '-0', '0o7', '0x0', '0xfF', '1.', '.5', '+.5', '-.5', '1e3', '1E+3', '1.5e-3', '.inf', '+.inf', '-.INF', '.Inf', '.nan', '.NAN', 'Null', 'NULL', '~', 'TRUE', 'False', 'FALSE', '',
    // strings: plain
    '0o8', '0o', '0x', '0xG', '0b1', '1_000', '1e', 'e3', '1.5e', '.', '+', '-.', '+.', '.e1', '..5', 'nan', 'NaN', 'inf', '.infinity', 'nULL', 'tRUE', 'yes', 'no', 'on', 'off', 'y', 'n', '12:30', '1:2',
    // indicators and `: `/` #`
    '-x', '?x', 'x-', 'x?', 'a - b', 'a ? b', 'a- b', 'a? b', '- ', '? ', '-  x', 'a:', 'a :', 'a#b', 'a #b', '#a', 'a: b', 'a:b', ':a', ':', ',a', 'a,b', '[a', 'a]', '{a', 'a}', '&a', '*a', '!a', '|a', '>a', "'a", '"a', '%a', '@a', '`a', 'a@b', 'a`b', 'a!b', 'a|b', 'a>b', 'a&b', 'a*b', ' a', 'a ', 'a  b',
    // document markers
    '---', '--- a', '----', '...', '.... a', 'a---', 'a...', '%',
  ];
  it('prints strings at the edges of plain, quoted and other types as the yaml package does, as values, keys and list entries', () => {
    for (const s of edges) {
      for (const [printed, expected] of [
        [printPair('k', s, ''), yamlPair('k', s, '')],
        [printPair(s, 'v', ''), yamlPair(s, 'v', '')],
        [printEntry(s, '  '), yamlEntry(s, '  ')],
      ] as const) {
        if (printed !== undefined) expect(`${printed}\n`, JSON.stringify(s)).toBe(expected);
      }
    }
    // the ones it leaves to the yaml package: document markers and directives, as values, and the empty key of a field
    const left = edges.filter((s) => printPair('k', s, '') === undefined);
    expect(left).toEqual(['%a', '---', '--- a', '----', '...', '.... a', '%']);
  });

  it('prints multi-line strings with trailing spaces or blank lines as the yaml package does, or declines', () => {
    for (const s of ['a \n', 'a\nb \n', 'a\n \n', 'a\n\nb', 'a\n\n\nb\n', 'a \nb', 'a\n b', 'a\n  b\n c\n', 'a\n#b\n', 'a\n- b\n', 'a: b\nc\n', '"a"\nb']) {
      const printed = printPair('k', s, '  ');
      if (printed !== undefined) expect(`${printed}\n`, JSON.stringify(s)).toBe(yamlPair('k', s, '  '));
      const entry = printEntry(s, '');
      if (entry !== undefined) expect(`${entry}\n`, JSON.stringify(s)).toBe(yamlEntry(s, ''));
    }
    expect(printPair('k', 'a\n\nb', '')).toBe('k: |-\n  a\n\n  b');
    expect(printPair('k', 'a \n', '')).toBeUndefined();
  });
});
