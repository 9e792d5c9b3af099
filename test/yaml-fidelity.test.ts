// Issue 15: a function that rewrites users' manifests may never change their data. Each case here is a corruption
// the differential suite (test/differential) found, pinned with the smallest input that showed it; each failed before
// its fix. The example package is the rest of the input, as in the suite.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, parseDocument } from 'yaml';
import { readFileSync } from 'node:fs';
import { run } from '../src/run.js';
import { runStream } from '../src/stream/stream.js';
import { readResourceList } from '../src/read/resource-list.js';
import { DEFAULT_LIMITS } from '../src/read/safe-yaml.js';
import { resourceListFromDir } from '../scripts/resource-list.mjs';

const example: string = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });

/** The example with `item` (a mapping at column 0) as its first item. */
function withItem(item: string, base = example): string {
  const col = /\nitems:\n( *)- /.exec(base)![1]!;
  const lines = item.replace(/\n$/, '').split('\n');
  const entry = lines.map((l, i) => (i === 0 ? `${col}- ${l}` : l === '' ? '' : `${col}  ${l}`)).join('\n');
  return base.replace('\nitems:\n', `\nitems:\n${entry}\n`);
}

/** The first item of an output ResourceList as text at column 0 (`- ` and its lines). */
function firstItemText(out: string): string {
  const doc = parseDocument(out);
  const first = (doc.get('items', true) as { items: { range: [number, number, number] }[] }).items[0]!;
  const dash = out.lastIndexOf('- ', first.range[0]);
  return out.slice(dash, first.range[1]).replace(/\n+$/, '');
}

const asEntry = (item: string) =>
  item
    .replace(/\n$/, '')
    .split('\n')
    .map((l, i) => (i === 0 ? `- ${l}` : l === '' ? '' : `  ${l}`))
    .join('\n');

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\ndata:\n${data}`;

describe('explicitly tagged core scalars', () => {
  const tagged = configMap('  a: !!int 42\n  b: !!int   0x1F\n  c: !!float 1.5\n  d: !!bool true\n  e: !!float 1\n  f: !!int 0o17\n');

  it('read as the yaml package reads them', () => {
    const input = readResourceList(withItem(tagged), DEFAULT_LIMITS, { lazyItems: true });
    // `!!float 1` matches none of the core schema's float patterns: the yaml package reads it as the string '1'
    expect(input.items[0]!.object.data).toEqual({ a: 42, b: 31, c: 1.5, d: true, e: '1', f: 15 });
    expect(input.items[0]!.object.data).toEqual(parse(tagged).data);
  });

  it('an untouched item is copied, tags and spellings as written (exit 0)', () => {
    const out = run(withItem(tagged));
    expect(out.exitCode).toBe(0);
    expect(firstItemText(out.stdout)).toBe(asEntry(tagged));
  });

  it('and on exit 1 (items unchanged)', () => {
    const failing = readFileSync('testdata/error-block-size/input.yaml', 'utf8');
    const out = run(withItem(tagged, failing));
    expect(out.exitCode).toBe(1);
    expect(firstItemText(out.stdout)).toBe(asEntry(tagged));
  });

  it('in an engine pd-disagg edits: replicas: !!int 3 stays 3', () => {
    const out = run(example.replace(/replicas: 1/, 'replicas: !!int 3'));
    expect(out.exitCode).toBe(0);
    const decode = (parse(out.stdout).items as { metadata: { name: string }; spec: { replicas: unknown } }[]).find(
      (i) => i.metadata.name === 'qwen-decode',
    )!;
    expect(decode.spec.replicas).toBe(3);
    expect(out.stdout).toContain('replicas: !!int 3\n');
  });
});

describe('literal blocks whose first line starts with a Unicode space', () => {
  for (const space of ['\u00a0', '\u2000', '\u2005', '\u200a', '\u3000']) {
    it(`U+${space.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}: every line read whole`, () => {
      const item = configMap(`  script: |\n    ${space}vllm serve\n    --block-size=128\n`);
      const input = readResourceList(withItem(item), DEFAULT_LIMITS, { lazyItems: true });
      expect(input.items[0]!.object.data).toEqual({ script: `${space}vllm serve\n--block-size=128\n` });
      const out = run(withItem(item));
      expect(firstItemText(out.stdout)).toBe(asEntry(item));
    });
  }
});

describe('the items key written as a block scalar', () => {
  it('`? |-` items `:` is read and written (exit 0, not 2), and the output reads the same', () => {
    const input = example.replace('\nitems:\n', '\n? |-\n  items\n:\n');
    const out = run(input);
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
    expect(parse(out.stdout).items).toEqual(parse(run(example).stdout).items);
  });
});

describe('aliases expanded', () => {
  it('keep the comment written on the alias', () => {
    const out = run(withItem(configMap('  a: &x v # first\n  b: *x # note\n')));
    expect(out.exitCode).toBe(0);
    expect(firstItemText(out.stdout)).toBe(asEntry(configMap('  a: v # first\n  b: v # note\n')));
  });
});

describe('untouched items with a tag or an anchor', () => {
  for (const [name, data] of [
    ['a tag', "  a: !!str   'v'\n  b: x\n"],
    ['a local tag on a map', '  a: !thing\n    b: c\n'],
    ['an anchor no alias uses', '  a: &x   "v"\n  b:  x\n'],
    ['an anchor on a sequence', '  a: &l\n  - x\n'],
  ] as const) {
    it(`${name}: copied as written`, () => {
      const item = configMap(data);
      const out = run(withItem(item));
      expect(out.exitCode).toBe(0);
      expect(firstItemText(out.stdout)).toBe(asEntry(item));
    });
  }
});

describe('stream mode', () => {
  const config = readFileSync('examples/qwen-pd/pd-disagg.yaml', 'utf8');
  const engines = `${readFileSync('examples/qwen-pd/decode.yaml', 'utf8')}---\n${readFileSync('examples/qwen-pd/prefill.yaml', 'utf8')}`;
  it('a !!binary document goes through (exit 0, not 2), read the same', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ndata:\n  key: !!binary aGVsbG8=\n';
    const out = runStream(`${secret}---\n${engines}`, config, 'pd-disagg.yaml');
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
    const docs = parseAllDocuments(out.stdout);
    expect((docs as { toJS(): unknown }[]).map((d) => d.toJS())[0]).toEqual(parse(secret));
  });
});

describe('a second run on the first run\'s output is byte-identical (results aside)', () => {
  const withoutResults = (text: string) => text.replace(/^results:\n[\s\S]*$/m, '');
  const twice = (input: string) => {
    const first = run(input);
    expect(first.exitCode).toBe(0);
    const second = run(first.stdout);
    expect(second.exitCode).toBe(0);
    return { first: first.stdout, second: second.stdout };
  };
  const fcAt = example.indexOf('\nfunctionConfig:\n') + 1;
  const cases: [string, string][] = [
    ['a functionConfig indented by 4', example.slice(0, fcAt) + example.slice(fcAt).replace(/^( +)/gm, '$1$1')],
    ['a spaces-only line before functionConfig', `${example.slice(0, fcAt)}   \n${example.slice(fcAt)}`],
    ['a comment at the items\' column after the last item', `${example.slice(0, fcAt)}  # the last item ends here\n${example.slice(fcAt)}`],
    ['a comment at column 0 after the last item', `${example.slice(0, fcAt)}# the last item ends here\n${example.slice(fcAt)}`],
  ];
  for (const [what, input] of cases) {
    it(what, () => {
      const { first, second } = twice(input);
      expect(withoutResults(second)).toBe(withoutResults(first));
      // and what the first run kept of the input around the items is still there
      if (what.includes('comment')) expect(second).toContain('# the last item ends here');
    });
  }

  it('input that already carries results (a re-run) goes out as text: what is around the items stays as written', () => {
    const fc = example.slice(fcAt).replace(/^( +)/gm, '$1$1');
    const input = `${example.slice(0, fcAt)}${fc}results:\n- message: from an earlier run\n  severity: info\n`;
    const out = run(input);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(fc);
    expect(out.stdout).not.toContain('from an earlier run');
  });

  // the comment after the last item, with the items at column 0 (pd-disagg's own output, re-rendered)
  // (rendered inside each test, not while the tests are collected: a render outside a test escapes `npm run mutate`)
  const wired = (comment: string) => {
    const out = run(example).stdout.replace(/^results:\n[\s\S]*$/m, '');
    const at = out.indexOf('\nfunctionConfig:\n') + 1;
    return `${out.slice(0, at)}${comment}\n${out.slice(at)}`;
  };
  for (const [what, comment] of [
    ['a comment at the items\' column after the last item (items at column 0)', '# the last item ends here'],
    ['an indented comment after the last item (items at column 0)', '  # the last item ends here'],
  ] as const) {
    it(what, () => {
      const { first, second } = twice(wired(comment));
      expect(withoutResults(second)).toBe(withoutResults(first));
      expect(second).toContain('# the last item ends here');
    });
  }
});

describe('trailing spaces that are data', () => {
  // the last line of a literal block ending an item: the item read without composing was copied with its trailing
  // blank space cut, spaces of the value included
  for (const block of ['|', '|-']) {
    it(`the last line of a ${block} block at the end of an item keeps its spaces`, () => {
      const item = configMap(`  a: ${block}\n    x  \n`);
      const out = run(withItem(item));
      expect(out.exitCode).toBe(0);
      expect(parse(out.stdout).items[0].data).toEqual(parse(item).data);
      expect(firstItemText(out.stdout)).toBe(asEntry(item));
    });
  }
});
