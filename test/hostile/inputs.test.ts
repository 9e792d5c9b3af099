// Hostile inputs, one test each: whatever arrives on stdin, pd-disagg exits 0 with a whole ResourceList or exits 1
// saying what is wrong and where — never a crash, a stack trace, an empty items list or a polluted prototype.
import { describe, expect, it } from 'vitest';
import { parse, parseDocument, stringify } from 'yaml';
import { run } from '../../src/run.js';
import { formatResult } from '../../src/write/stderr.js';
import { slowIt } from '../helpers.js';
import { checkOutput, checkRun, goldenInputs } from '../property/invariants.js';

const base = goldenInputs().find((t) => t.includes('gpt-oss-prefill')) ?? goldenInputs()[0]!;
const header = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n';

/** Run and check the contract; return the output for case-specific assertions. */
function hostile(input: string | Uint8Array, env?: Record<string, string>) {
  const out = run(input, { env });
  checkOutput(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'), out);
  return out;
}

function fails(input: string | Uint8Array, pattern: RegExp, env?: Record<string, string>) {
  const out = hostile(input, env);
  expect(out.exitCode, out.stderr).toBe(1);
  expect(out.stderr).toMatch(pattern);
  return out;
}

describe('hostile inputs', () => {
  it('the base case works (the hostile cases below are variations of it)', () => {
    const good = run(base);
    expect(good.exitCode, good.stderr).toBe(0);
  });

  it('truncated YAML: at many cut points, exit 0 or a clear error', () => {
    for (let cut = 0; cut < base.length; cut += 97) hostile(base.slice(0, cut));
    fails(base.slice(0, base.indexOf('items:') + 3), /not valid YAML|not a ResourceList|items/);
  });

  it('garbled YAML names the line', () => {
    fails(`${header}items:\n- apiVersion: v1\n  kind: [ConfigMap\n`, /not valid YAML.*line \d+/);
    fails(`${header}items: {{{{`, /not valid YAML/);
  });

  it('bytes that are not UTF-8 are refused, not replaced', () => {
    const bytes = Buffer.concat([Buffer.from(header + 'items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: '), Buffer.from([0xff, 0xfe]), Buffer.from('}\n')]);
    fails(bytes, /not valid UTF-8.*line 6/);
  });

  it('several documents on stdin', () => {
    fails(`${base}\n---\n${base}`, /2 YAML documents: expected exactly one ResourceList/);
    fails('---\n---\n', /no YAML document/);
    fails('', /stdin is empty/);
  });

  it('items that are not mappings or not KRM', () => {
    fails(`${header}items:\n- 42\n`, /items\[0\] is the scalar "42"/);
    fails(`${header}items:\n- [a, b]\n`, /items\[0\] is a list/);
    fails(`${header}items:\n-\n`, /items\[0\] is empty/);
    fails(`${header}items:\n- {apiVersion: v1, kind: ConfigMap}\n`, /items\[0\] is not a Kubernetes object: metadata.name/);
    fails(`${header}items:\n- {apiVersion: 1, kind: ConfigMap, metadata: {name: x}}\n`, /items\[0\].*apiVersion must be a non-empty string/);
    fails(`${header}items: {a: 1}\n`, /items is missing or not a list/);
    fails(`${header}items: []\n`, /items is empty: refusing/);
  });

  it('duplicate keys name the key and the line', () => {
    fails(`${header}items:\n- apiVersion: v1\n  kind: ConfigMap\n  kind: Secret\n  metadata: {name: x}\n`, /not valid YAML: Map keys must be unique.*line 6/);
  });

  it('two workloads with the same kind and name: an error result naming both, items unchanged', () => {
    const list = parse(base);
    list.items.push(structuredClone(list.items[0]));
    const out = fails(stringify(list), /appears twice, as items\[0\].*and items\[\d\]/);
    expect(out.stdout).toContain('kind: ResourceList');
  });

  const withConfig = goldenInputs().find((t) => /^functionConfig:/m.test(t) && t.includes('qwen-decode') && !/error/.test(t))!;
  it.each([
    ['no functionConfig (kpt: a mutator without configPath)', base],
    ['a functionConfig of the parent package', withConfig],
  ])('kpt nested packages, %s: a duplicate is one only within one package, and items pd-disagg leaves alone are never one', (_, input) => {
    // kpt fn render hands a parent package's functions the items of its subpackages too, each with its package's
    // directory in internal.config.kubernetes.io/package-path (measured with kpt 1.0.0-beta.56); a subpackage that is a
    // copy of its parent holds the same Kptfile, config and workloads
    const PKG = 'internal.config.kubernetes.io/package-path';
    const inPackage = <T extends { metadata: { annotations?: Record<string, string> } }>(o: T, dir: string): T => {
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [PKG]: dir };
      return o;
    };
    type Obj = { metadata: { name?: string; annotations?: Record<string, string> } };
    const list = parse(input);
    const originals = list.items.length;
    list.items = list.items.map((o: never) => inPackage(o, '/pkg'));
    list.items.push(...list.items.slice(0, originals).map((o: never) => inPackage(structuredClone(o), '/pkg/sub')));
    const kptfile = (dir: string) => inPackage({ apiVersion: 'kpt.dev/v1', kind: 'Kptfile', metadata: { name: 'pkg', annotations: { 'config.kubernetes.io/local-config': 'true' } } }, dir);
    list.items.push(kptfile('/pkg'), kptfile('/pkg/sub'));
    if (list.functionConfig) inPackage(list.functionConfig, '/pkg');
    const out = hostile(stringify(list));
    expect(out.stderr).not.toContain('duplicate-resource');
    expect(out.exitCode, out.stderr).toBe(0);
    // the subpackage's copies come out as they went in (the parent's render wires its own workloads)
    const items = parse(out.stdout).items as Obj[];
    const subItems = items.filter((o) => o.metadata.annotations?.[PKG] === '/pkg/sub');
    expect(subItems).toEqual(list.items.filter((o: Obj) => o.metadata.annotations?.[PKG] === '/pkg/sub'));
    expect(items.filter((o) => o.metadata.annotations?.['pd-disagg.dev/pair'] !== undefined).every((o) => o.metadata.annotations?.[PKG] !== '/pkg/sub')).toBe(true);
    expect(items.some((o) => o.metadata.annotations?.['pd-disagg.dev/pair'] !== undefined)).toBe(true);

    // within one package the same copy is still two items with one identity
    const one = structuredClone(list);
    const deployment = list.items.findIndex((o: { kind: string }) => o.kind === 'Deployment');
    one.items[originals + deployment].metadata.annotations[PKG] = '/pkg';
    fails(stringify(one), new RegExp(`appears twice, as items\\[${deployment}\\].*and items\\[${originals + deployment}\\].*\\[rule duplicate-resource\\]`));

    // two local-config objects with one identity in one package (and two Kptfiles) are nobody's problem
    const local = parse(input);
    const note = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'setters', annotations: { 'config.kubernetes.io/local-config': 'true' } } });
    local.items.push(note(), note(), { apiVersion: 'kpt.dev/v1', kind: 'Kptfile', metadata: { name: 'k' } }, { apiVersion: 'kpt.dev/v1', kind: 'Kptfile', metadata: { name: 'k' } });
    const ok = hostile(stringify(local));
    expect(ok.exitCode, ok.stderr).toBe(0);
    // a real object and a same-named one are still refused
    local.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'real' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'real' } });
    fails(stringify(local), /ConfigMap\/real appears twice/);
  });

  it('YAML alias bombs are bounded, in items, in the functionConfig and in ConfigMap data', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = levels.map((l) => `    ${l}`).join('\n');
    fails(`${header}items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n  data:\n${bomb}\n`, /aliases more than 100 times|once YAML aliases are expanded/);
    fails(`${base}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n${bomb}\n`, /aliases more than 100 times|once YAML aliases are expanded/);
    // an EndpointPickerConfig in a ConfigMap is parsed again by the linter: the same bounds apply there
    const eppBomb = `kind: EndpointPickerConfig\n${levels.join('\n')}\n`;
    const withEpp = parse(base);
    withEpp.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-epp' }, data: { 'epp.yaml': eppBomb } });
    const out = hostile(stringify(withEpp));
    expect(out.stderr).toMatch(/user-epp data.epp.yaml.*aliases more than 100 times/);
  });

  it('recursive aliases and aliases across items', () => {
    fails(`${header}items:\n- &x {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {self: *x}}\n`, /refers to itself|Unresolved alias/);
    fails(`${header}items:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: *nope}\n`, /Unresolved alias|cannot be read/);
    // an alias shared between the two engines: expanded, so editing one never edits the other
    const doc = parseDocument(base);
    const env = doc.createNode([{ name: 'A', value: '1' }]);
    env.anchor = 'e';
    const engines = (doc.toJS().items as { kind: string }[]).map((it, i) => (it.kind === 'Deployment' ? i : -1)).filter((i) => i >= 0);
    doc.setIn(['items', engines[0], 'spec', 'template', 'spec', 'containers', 0, 'env'], env);
    doc.setIn(['items', engines[1], 'spec', 'template', 'spec', 'containers', 0, 'env'], doc.createAlias(env));
    const text = doc.toString();
    expect(text).toContain('*e');
    const out = checkRun(text);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout).not.toMatch(/[&*]e\b/);
    for (const i of engines) {
      const names = parse(out.stdout).items[i].spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
      expect(names.filter((n: string) => n === 'VLLM_NIXL_SIDE_CHANNEL_HOST')).toHaveLength(1);
    }
  });

  slowIt('deep nesting fails with a clear error, not a stack overflow', () => {
    for (const deep of ['['.repeat(100_000) + ']'.repeat(100_000), '{a: '.repeat(50_000) + '1' + '}'.repeat(50_000), '\n      ' + '- '.repeat(100_000) + 'x']) {
      fails(`${header}items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n  data:\n    k: ${deep}\n`, /more than 200 levels deep \(at line [89]/);
    }
    const blockDeep = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 4)}k${i}:`).join('\n');
    fails(`${header}items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n  data:\n${blockDeep} 1\n`, /more than 200 levels deep/);
    const eppDeep = parse(base);
    eppDeep.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep-epp' }, data: { 'epp.yaml': `kind: EndpointPickerConfig\nx: ${'['.repeat(50_000)}` } });
    expect(hostile(stringify(eppDeep)).stderr).toMatch(/deep-epp data.epp.yaml.*more than 200 levels deep/);
  });

  it('a size cap with a clear error, configurable with PD_DISAGG_MAX_INPUT_BYTES', () => {
    fails(base, /larger than the 1 KiB limit; raise it with PD_DISAGG_MAX_INPUT_BYTES/, { PD_DISAGG_MAX_INPUT_BYTES: '1Ki' });
    expect(hostile(base, { PD_DISAGG_MAX_INPUT_BYTES: '1Mi' }).exitCode).toBe(0);
    fails(base, /PD_DISAGG_MAX_INPUT_BYTES="lots" is not a size/, { PD_DISAGG_MAX_INPUT_BYTES: 'lots' });
    // aliases count at their expanded size
    const big = `${header}items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n  data:\n    a: &a "${'x'.repeat(4000)}"\n${Array.from({ length: 50 }, (_, i) => `    b${i}: *a`).join('\n')}\n`;
    fails(big, /once YAML aliases are expanded, is larger than the 64 KiB limit/, { PD_DISAGG_MAX_INPUT_BYTES: '64Ki' });
  });

  it('very large scalars pass through intact under the cap', () => {
    const list = parse(base);
    list.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'y'.repeat(2_000_000) } });
    const out = hostile(stringify(list));
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('y'.repeat(2_000_000));
  });

  it('__proto__ and constructor keys are data: they survive, and nothing is polluted', () => {
    const list = parse(base);
    const meta = list.items[0].metadata;
    meta.labels = JSON.parse('{"__proto__": "x", "constructor": "y", "toString": "z"}');
    meta.annotations = JSON.parse('{"__proto__": {"polluted": "yes"}}');
    const container = list.items[0].spec.template.spec.containers[0];
    container.env = [{ name: '__proto__', value: 'p' }, { name: 'constructor', value: 'c' }];
    const text = stringify(list);
    expect(text).toContain('__proto__: x');
    const out = checkRun(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(out.stdout).toContain('__proto__: x');
    expect(out.stdout).toContain('constructor: y');
    expect(out.stdout).toContain('name: __proto__');
    // functionConfig with hostile keys: an error naming the field, no pollution
    fails(`${base}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {__proto__: {polluted: yes}}\n`, /data.__proto__ is not a known key/);
    fails(`${base}functionConfig:\n  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: c}\n  spec: {__proto__: {polluted: yes}, constructor: 1}\n`, /functionConfig spec.__proto__ is not a known field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('non-string annotation and label values are passed through', () => {
    const list = parse(base);
    list.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd', annotations: { n: 1, b: true, m: { x: 1 }, l: [1], z: null } } });
    checkRun(stringify(list));
  });

  it('tabs, CRLF and a BOM', () => {
    fails(base.replace(/\n {2}(\S)/, '\n\t$1'), /not valid YAML.*[Tt]ab/);
    expect(checkRun(base.replace(/\n/g, '\r\n')).exitCode).toBe(0);
    expect(checkRun(`\ufeff${base}`).exitCode).toBe(0);
  });

  it('JSON input comes back as block YAML', () => {
    const out = checkRun(JSON.stringify(parse(base)));
    expect(out.exitCode).toBe(0);
    expect(out.stdout).not.toMatch(/^\{/);
  });

  it('a ResourceList of another kind or apiVersion', () => {
    fails(base.replace('kind: ResourceList', 'kind: List'), /stdin is a "List", not a ResourceList/);
    fails(base.replace('kind: ResourceList', 'kind: 7'), /kind is not a string/);
    fails(base.replace(/apiVersion: config.kubernetes.io\/v1\n/, 'apiVersion: example.com/v9\n'), /apiVersion "example.com\/v9" is not supported/);
    fails('just a string', /not a ResourceList: the document is not a mapping/);
  });

  it('a functionConfig of the wrong kind or with wrong types names the field', () => {
    fails(`${base}functionConfig: [1, 2]\n`, /functionConfig is not a mapping/);
    fails(`${base}functionConfig: {apiVersion: v1, kind: Secret, metadata: {name: s}}\n`, /functionConfig v1\/Secret is not accepted/);
    fails(`${base}functionConfig:\n  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: x}\n  spec: {epp: {nonCachedTokens: "lots"}}\n`, /spec.epp.nonCachedTokens must be of type/);
    fails(`${base}functionConfig:\n  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: x}\n  spec: {sidecar: [1]}\n`, /spec.sidecar must be of type object/);
    fails(`${base}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n  data: {sidecarPort: {a: 1}}\n`, /data.sidecarPort must be a string/);
  });

  it('a field the function must edit has the wrong type: an error naming it, not a crash', () => {
    const list = parse(base);
    list.items[0].spec.template.spec.containers[0].volumeMounts = 0;
    fails(stringify(list), /volumeMounts: .*not a list/);
    // an env that is not a list is what the engine's parse names (the plan adds nothing to it)
    const env = parse(base);
    env.items[0].spec.template.spec.containers[0].env = 'x';
    fails(stringify(env), /containers\[0\]\.env: \w+ engine: env must be a list of \{name, value\} entries/);
    const labels = parse(base);
    labels.items[0].spec.template.metadata.labels = ['a'];
    fails(stringify(labels), /template.metadata.labels/);
  });

  it('empty list entries (a lone `-`) in the pods pd-disagg edits: rendered, and rendered again unchanged, no crash', () => {
    const list = parse(base);
    const pods = list.items.filter((i: { spec?: { template?: unknown } }) => i.spec?.template).map((i: { spec: { template: { spec: Record<string, any> } } }) => i.spec.template.spec);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      for (const field of ['containers', 'initContainers', 'volumes']) (pod[field] ??= []).push(null);
      for (const field of ['ports', 'volumeMounts']) (pod.containers[0][field] ??= []).push(null);
    }
    const first = hostile(stringify(list));
    expect(first.exitCode, first.stderr).toBe(0);
    const again = hostile(first.stdout);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(parse(again.stdout).items).toEqual(parse(first.stdout).items);
  });

  it('control characters from the input are escaped on stderr', () => {
    const list = parse(base);
    list.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    list.items[list.items.length - 1].metadata.annotations = { 'config.kubernetes.io/path': 'a\u001b[2Jb' };
    const out = fails(stringify(list), /appears twice/);
    expect(out.stderr).toContain('\\u001b[2J');
  });

  it('internal errors carry no stack trace unless debug asks for one', () => {
    const poisoned = { get length(): number { throw new Error('boom'); } } as unknown as string;
    const quiet = run(poisoned);
    expect(quiet.exitCode).toBe(2);
    expect(quiet.stderr).toMatch(/^pd-disagg: internal error: boom; please report it/);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    expect(run(poisoned, { debug: true }).stderr).toMatch(/\n\s+at /);
  });
});

describe('stderr stays readable', () => {
  it('shortens a huge message to one bounded stderr line', () => {
    const line = formatResult({ message: `bad value ${'x'.repeat(10_000)}`, severity: 'error' });
    expect(line.length).toBeLessThan(2100);
    expect(line).toMatch(/… \(8010 more characters\)$/);
  });
});
