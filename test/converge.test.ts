// Issue 14: re-rendering pd-disagg's own output after a config change gives what a fresh render gives, and pd-disagg
// removes only what it owns. The named edits are the ones the issue measured; the property runs random edits of every
// config field, in both config forms, on every golden input (test/property/converge.ts; `npm run fuzz -- --converge`
// runs it longer).
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_ANNOTATION, INJECTED_ANNOTATION, PAIR_ANNOTATION } from '../src/plan/owned.js';
import { goldenInputs } from './property/invariants.js';
import { FIELD_PATHS, FIELDS, KPT_CONFIG_PATH, applyEdits, caseArb, checkConverges, comparable, configOf, converge, enginesOf, fieldValues, knobsOf, withSpareWorkloads, type Edit, type Form } from './property/converge.js';
import { item, slowIt, read, runText } from './helpers.js';
import type { KObject } from '../src/types.js';
import { readConfig } from '../src/config/read-config.js';
import schema from '../src/config/prefilldecode.schema.json' with { type: 'json' };
import { routerTable, type RouterVersion } from '../src/router/index.js';

const base = read('testdata/modelplane-demo/input.yaml');
const e = (field: Edit['field'], value: number): Edit => ({ field, value });

/** The eleven single-field edits, as (name, form, edits before the render, the edit after). */
const EDITS: { name: string; start: Edit[]; edit: Edit }[] = [
  { name: 'router version v0.9.0 → v0.10.0', start: [e('version', 2)], edit: e('version', 3) },
  { name: 'router version v0.10.0 → v0.9.0', start: [e('version', 3)], edit: e('version', 2) },
  { name: 'router version v0.10.0 → v0.8.0', start: [e('version', 3)], edit: e('version', 1) },
  { name: 'sidecar.native true → false', start: [e('sidecarNative', 1)], edit: e('sidecarNative', 2) },
  { name: 'sidecar.native false → true', start: [e('sidecarNative', 2)], edit: e('sidecarNative', 1) },
  { name: 'router.enabled true → false', start: [e('routerEnabled', 1)], edit: e('routerEnabled', 2) },
  { name: 'router.enabled false → true', start: [e('routerEnabled', 2)], edit: e('routerEnabled', 1) },
  { name: 'gateway removed', start: [e('gateway', 2)], edit: e('gateway', 0) },
  { name: 'metadata.name changed', start: [], edit: e('name', 1) },
  { name: 'sidecar.image set', start: [], edit: e('sidecarImage', 1) },
  { name: 'decider changed', start: [], edit: e('decider', 2) },
  // issue 13 item 8: the cluster-scoped objects of the EPP's /metrics auth come and go with the knob
  { name: 'router.metricsAuth true → false', start: [], edit: e('metricsAuth', 2) },
  { name: 'router.metricsAuth false → true', start: [e('metricsAuth', 2)], edit: e('metricsAuth', 1) },
];

describe('a re-render after a config edit equals a fresh render', () => {
  for (const form of ['PrefillDecode', 'ConfigMap'] as Form[]) {
    for (const { name, start, edit } of EDITS) {
      it(`${name} (${form})`, () => {
        // x = the base with the starting config; both renders must succeed for the comparison to mean anything
        const x = withStart(base, form, start);
        const o = converge(x, form, [edit]);
        expect(o.skipped).toBeUndefined();
        expect(o.fresh.exitCode).toBe(0);
        expect(o.again.exitCode).toBe(0);
        expect(comparable(o.again.items)).toEqual(comparable(o.fresh.items));
      });
    }
  }

  it('moves the sidecar to the new version: image and flags (v0.9.0 --vllm-port → v0.10.0 --model-server-port)', () => {
    const o = converge(withStart(base, 'PrefillDecode', [e('version', 2)]), 'PrefillDecode', [e('version', 3)]);
    const decode = o.again.items.find((i) => i.metadata.name === 'qwen-pd-decode')!;
    const sidecars = decode.spec.template.spec.initContainers;
    expect(sidecars).toHaveLength(1);
    expect(sidecars[0].image).toBe(sidecarImage('v0.10.0'));
    expect(sidecars[0].args).toContain('--model-server-port=8001');
    expect(sidecars[0].args.join(' ')).not.toContain('--vllm-port');
  });

  it('native: false leaves exactly one sidecar, among the containers', () => {
    const o = converge(base, 'PrefillDecode', [e('sidecarNative', 2)]);
    const spec = o.again.items.find((i) => i.metadata.name === 'qwen-pd-decode')!.spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers.map((c: KObject) => c.name)).toEqual(['engine', 'routing-proxy']);
  });

  it('router.enabled false removes the stack but the EPP ConfigMap, with one info result per removal', () => {
    const rendered = runText(withStart(base, 'PrefillDecode', []));
    const off = runText(setConfig(rendered.stdout, (c) => ((c.spec.router = { enabled: false }), c)));
    expect(off.exitCode).toBe(0);
    const generated = off.items.filter((i) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg');
    expect(generated.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(['ConfigMap/qwen-pd-epp-config']);
    const removals = off.results.filter((r) => r.severity === 'info' && r.message.startsWith('removed by pd-disagg'));
    expect(removals.map((r) => `${r.resourceRef!.kind}/${r.resourceRef!.name}`).sort()).toEqual(
      ['ClusterRole/pd-disagg:qwen-pd-epp', 'ClusterRoleBinding/pd-disagg:qwen-pd-epp', 'Deployment/qwen-pd-epp', 'InferencePool/qwen-pd', 'Role/qwen-pd-epp', 'RoleBinding/qwen-pd-epp', 'Service/qwen-pd-epp', 'ServiceAccount/qwen-pd-epp'].sort(),
    );
    expect(removals[0]!.message).toContain('pair Deployment/qwen-pd-decode');

  });

  it('router.metricsAuth false removes the ClusterRole and ClusterRoleBinding, one info result each, and turns the EPP flag off', () => {
    const rendered = runText(withStart(base, 'PrefillDecode', []));
    expect(rendered.items.filter((i) => i.kind.startsWith('Cluster')).map((i) => i.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    const off = runText(setConfig(rendered.stdout, (c) => ((c.spec.router = { metricsAuth: false }), c)));
    expect(off.exitCode).toBe(0);
    expect(off.items.filter((i) => i.kind.startsWith('Cluster'))).toEqual([]);
    const removals = off.results.filter((r) => r.severity === 'info' && r.message.startsWith('removed by pd-disagg'));
    expect(removals.map((r) => r.resourceRef!.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    const epp = off.items.find((i) => i.kind === 'Deployment' && i.metadata.name.endsWith('-epp'))!;
    expect(epp.spec.template.spec.containers[0].args).toContain('--metrics-endpoint-auth=false');
  });

  it('a rename leaves one stack: the old objects are removed', () => {
    const o = converge(base, 'PrefillDecode', [e('name', 1)]);
    const pools = o.again.items.filter((i) => i.kind === 'InferencePool');
    expect(pools.map((p) => p.metadata.name)).toEqual(['renamed']);
    expect(o.again.items.some((i) => i.metadata.name.startsWith('qwen-pd') && !/-(prefill|decode)$/.test(i.metadata.name))).toBe(false);
  });

  it('edits every field of both config forms (the schema\'s leaves, the ConfigMap\'s keys)', () => {
    const leaves: string[] = [];
    const walk = (node: KObject, path: string) => {
      const ref: KObject = typeof node.$ref === 'string' ? (schema.definitions as KObject)[node.$ref.split('/').pop()!] : node;
      if (ref.properties && !(path === 'spec.epp.config') && !(path === 'spec.rules')) {
        for (const [k, v] of Object.entries(ref.properties as KObject)) walk(v as KObject, path ? `${path}.${k}` : k);
      } else leaves.push(path);
    };
    walk(schema, '');
    const typed = leaves.filter((l) => l.startsWith('spec.') || l === 'metadata.name').sort();
    expect(Object.values(FIELD_PATHS).flatMap((f) => f.typed).sort()).toEqual(typed);
    const cm = readConfig({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'no-such-key': 'x' } });
    const accepted = /accepted keys: ([^)]*)\)/.exec(cm.results[0]!.message)![1]!.split(', ').sort();
    expect(Object.values(FIELD_PATHS).flatMap((f) => (f.configMap ? [f.configMap] : [])).sort()).toEqual(accepted);
    expect(FIELDS.sort()).toEqual(Object.keys(FIELD_PATHS).sort());
  });

  slowIt('holds for random edits of every config field, in both forms, on every golden input (fixed seed)', () => {
    const bases = goldenInputs().filter((t) => runText(t).exitCode === 0);
    expect(bases.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(caseArb(bases.length), (c) => {
        checkConverges(bases[c.base]!, c);
      }),
      { seed: 20261201, numRuns: Number(process.env.PD_DISAGG_CONVERGE_RUNS ?? 60) },
    );
  }, 120_000);
});

describe('ownership', () => {
  it('marks every generated object and injected engine with the pair, and a second render changes nothing', () => {
    const out = runText(base);
    for (const item of out.items) {
      if (item.kind === 'PrefillDecode') continue;
      expect(item.metadata.annotations?.[PAIR_ANNOTATION], `${item.kind}/${item.metadata.name}`).toBe('Deployment/qwen-pd-decode');
    }
    const decode = out.items.find((i) => i.metadata.name === 'qwen-pd-decode')!;
    const record: string = decode.metadata.annotations[INJECTED_ANNOTATION];
    expect(record.split('\n').map((l) => l.split(' ')[0])).toEqual([
      'spec.template.metadata.labels[llm-d.ai/role]',
      // issue 13 item 7: the pool label is set on both templates always
      'spec.template.metadata.labels[pd-disagg.dev/pool]',
      'spec.template.spec.containers[engine].env[VLLM_NIXL_SIDE_CHANNEL_HOST]',
      'spec.template.spec.containers[engine].env[VLLM_NIXL_SIDE_CHANNEL_PORT]',
      'spec.template.spec.containers[engine].ports[5600]',
      'spec.template.spec.volumes[dshm]',
      'spec.template.spec.containers[engine].volumeMounts[/dev/shm]',
      'spec.template.spec.initContainers[routing-proxy]',
    ]);
    const again = runText(out.stdout);
    expect(again.items).toEqual(out.items);
    expect(again.results.filter((r) => r.message.includes('removed'))).toEqual([]);
  });

  it('a second render leaves a pod template pd-disagg gave its first labels byte for byte: the user\'s comment on them stays', () => {
    // the decode's template without labels of its own: pd-disagg's role and pool labels are all it has
    const input = base.replace(/( {4}template:\n {6}metadata:\n {8}labels:\n {10}modelplane\.ai\/serving: qwen-pd\n {10}modelplane\.ai\/workload: qwen-pd-decode\n)/, '    template:\n');
    expect(input).not.toBe(base);
    const first = runText(input);
    expect(first.exitCode).toBe(0);
    expect(item(first.items, 'Deployment', 'qwen-pd-decode').spec.template.metadata).toEqual({ labels: { 'llm-d.ai/role': 'decode', 'pd-disagg.dev/pool': 'qwen-pd' } });
    const labels = '      metadata:\n        labels:\n          llm-d.ai/role: decode\n';
    expect(first.stdout.split(labels)).toHaveLength(2);
    const edited = first.stdout.replace(labels, '      metadata:\n        labels:\n          # the EPP routes by these\n          llm-d.ai/role: decode\n');
    const again = runText(edited);
    expect(again.exitCode, again.stderr).toBe(0);
    const itemsText = (text: string) => text.slice(0, text.indexOf('\nresults:'));
    expect(itemsText(again.stdout)).toBe(itemsText(edited));
  });

  it('keys reordered by a tool between two renders (here: reverse-sorted) are no hand edit: nothing said, nothing changed', () => {
    const first = runText(base);
    expect(first.exitCode).toBe(0);
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().reverse().map((k) => [k, sorted((v as KObject)[k])])) : v;
    const list = parse(first.stdout);
    const again = runText(stringify({ ...list, items: list.items.map(sorted) }));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.items).toEqual(first.items);
    expect(again.results.filter((r) => r.severity !== 'info' || /by hand|removed|updated/.test(r.message))).toEqual([]);
  });

  it('never touches another pair in the same package, nor the user\'s objects', () => {
    const pairB = base.replace(/qwen-pd/g, 'llama-pd').replace(/^functionConfig:[\s\S]*$/m, '');
    const itemsB = pairB.slice(pairB.indexOf('items:\n') + 'items:\n'.length);
    const userObjects = `- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: users-own
    labels: {app.kubernetes.io/part-of: qwen-pd}
  data: {k: v}
`;
    // render pair B alone, then put its output beside pair A's input and the user's object
    const b = runText(setConfig(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${itemsB}`, () => ({
      apiVersion: 'pd-disagg.dev/v1alpha1',
      kind: 'PrefillDecode',
      metadata: { name: 'llama' },
      spec: { prefill: { name: 'llama-pd-prefill' }, decode: { name: 'llama-pd-decode' } },
    })));
    expect(b.exitCode).toBe(0);
    const both = parse(base);
    both.items.push(...b.items, ...parse(`items:\n${userObjects}`).items);
    const first = runText(stringify(both));
    expect(first.exitCode).toBe(0);
    // pair A renamed and its router turned off: pair B and the user's object are as they were
    const edited = runText(setConfig(first.stdout, (c) => ((c.metadata.name = 'qwen2'), (c.spec.router = { enabled: false }), c)));
    expect(edited.exitCode).toBe(0);
    const bNames = b.items.map((i) => `${i.kind}/${i.metadata.name}`);
    const after = edited.items.filter((i) => bNames.includes(`${i.kind}/${i.metadata.name}`));
    expect(comparable(after)).toEqual(comparable(b.items));
    expect(edited.items.find((i) => i.metadata.name === 'users-own')).toEqual(parse(`items:\n${userObjects}`).items[0]);
    expect(edited.items.filter((i) => i.kind === 'InferencePool').map((i) => i.metadata.name)).toEqual(['llama']);
    expect(edited.results.filter((r) => r.message.includes('removed')).every((r) => !r.resourceRef!.name.startsWith('llama'))).toBe(true);
  });

  it('keeps an object labelled managed-by pd-disagg that carries no pair annotation (not made for any pair)', () => {
    const list = parse(base);
    const stray = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', labels: { 'app.kubernetes.io/managed-by': 'pd-disagg' } }, data: { a: '1' } };
    list.items.push(stray);
    const out = runText(stringify(list));
    expect(out.exitCode).toBe(0);
    expect(item(out.items, 'ConfigMap', 'stray')).toEqual(stray);
    expect(out.results.some((r) => r.resourceRef?.name === 'stray')).toBe(false);
  });

  it('refuses a second pair that takes the first one\'s name, naming the field, and changes nothing', () => {
    const pairB = base.replace(/qwen-pd-/g, 'llama-pd-').replace(/^functionConfig:[\s\S]*$/m, '');
    const itemsB = pairB.slice(pairB.indexOf('items:\n') + 'items:\n'.length);
    const rendered = parse(runText(base).stdout);
    rendered.items.push(...parse(`items:\n${itemsB}`).items);
    rendered.functionConfig = {
      apiVersion: 'pd-disagg.dev/v1alpha1',
      kind: 'PrefillDecode',
      metadata: { name: 'qwen-pd' },
      spec: { prefill: { name: 'llama-pd-prefill' }, decode: { name: 'llama-pd-decode' } },
    };
    const input = stringify(rendered);
    const out = runText(input);
    expect(out.exitCode).toBe(1);
    const error = out.results.find((r) => r.severity === 'error')!;
    expect(error.message).toContain('generated by pd-disagg for the pair of Deployment/qwen-pd-decode');
    expect(error.field?.path).toBe('metadata.name');
    expect(out.items).toEqual(parse(input).items);
  });

  it('keeps what the user added to what pd-disagg made: fields of the sidecar, labels of generated objects, own env', () => {
    const out = parse(runText(base).stdout);
    const decode = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode');
    decode.spec.template.spec.initContainers[0].resources = { limits: { cpu: '1' } };
    decode.spec.template.spec.containers[0].env.push({ name: 'MY_OWN', value: 'x' });
    const pool = out.items.find((i: KObject) => i.kind === 'InferencePool');
    pool.metadata.labels.team = 'infra';
    // on the EPP Deployment: fields and entries pd-disagg never generates, and one it does (replicas)
    const epp = out.items.find((i: KObject) => i.kind === 'Deployment' && i.metadata.name === 'qwen-pd-epp');
    epp.spec.replicas = 3;
    epp.spec.template.spec.nodeSelector = { pool: 'cpu' };
    epp.spec.template.spec.containers[0].resources = { requests: { cpu: '500m' } };
    epp.spec.template.spec.containers[0].env.push({ name: 'GOMAXPROCS', value: '2' });
    epp.spec.template.metadata.labels['team'] = 'infra';
    const edited = runText(setConfig(stringify(out), (c) => ((c.spec.epp = { version: 'v0.9.0' }), c)));
    expect(edited.exitCode).toBe(0);
    const d2 = edited.items.find((i) => i.metadata.name === 'qwen-pd-decode')!;
    const sidecar = d2.spec.template.spec.initContainers[0];
    expect(sidecar.image).toBe(sidecarImage('v0.9.0'));
    expect(sidecar.resources).toEqual({ limits: { cpu: '1' } });
    expect(d2.spec.template.spec.containers[0].env.map((x: KObject) => x.name)).toContain('MY_OWN');
    expect(edited.items.find((i) => i.kind === 'InferencePool')!.metadata.labels.team).toBe('infra');
    const epp2 = edited.items.find((i) => i.kind === 'Deployment' && i.metadata.name === 'qwen-pd-epp')!;
    expect(epp2.spec.replicas).toBe(1); // generated: brought back
    expect(epp2.spec.template.spec.nodeSelector).toEqual({ pool: 'cpu' });
    expect(epp2.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '500m' } });
    expect(epp2.spec.template.spec.containers[0].env.map((x: KObject) => x.name)).toContain('GOMAXPROCS');
    expect(epp2.spec.template.metadata.labels.team).toBe('infra');
    expect(epp2.spec.template.spec.containers[0].image).toBe(`${routerTable('v0.9.0').images.epp}:v0.9.0`);
    // and they stay on the next render, which changes nothing
    const third = runText(edited.stdout);
    expect(third.items).toEqual(edited.items);
  });
});

// Issue 14 (gap): spec.decode / spec.prefill moved to other workloads. The pair is named by its decode workload, so the
// old pair is found by the config marker instead (pd-disagg.dev/config: the file kpt read the config from).
describe('the config moved to other workloads', () => {
  // built inside each test, not while vitest collects them: withSpareWorkloads renders, and a render at collection
  // time would make every mutant it reaches "static" for `npm run mutate` (run against every test)
  const spareBase = () => withSpareWorkloads(base)!;
  const refIndex = (spare: string, name: string) => fieldValues(enginesOf(parse(spare))).decode.findIndex((r) => r?.name === name && r.kind === undefined);
  const isPd = (o: KObject) => Object.keys(o.metadata?.annotations ?? {}).some((k) => k.startsWith('pd-disagg.dev/')) || o.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg';

  it('only a config kpt read from a file is marked with it: a config whose path annotation is empty marks nothing', () => {
    const withPathOf = (path: string) => {
      const list = parse(base);
      list.functionConfig.metadata.annotations = { 'config.kubernetes.io/path': path };
      const out = runText(stringify(list));
      expect(out.exitCode).toBe(0);
      return out.items.filter(isPd).map((o) => o.metadata.annotations?.[CONFIG_ANNOTATION]);
    };
    const marked = withPathOf(KPT_CONFIG_PATH);
    expect(marked.length).toBeGreaterThan(2);
    expect(new Set(marked)).toEqual(new Set([KPT_CONFIG_PATH]));
    // an empty path is no identity: two such configs would take each other's pairs
    expect(new Set(withPathOf(''))).toEqual(new Set([undefined]));
  });

  it('the spare base names its pair explicitly and has a spare of each engine', () => {
    const spare = spareBase();
    expect(spare).toBeDefined();
    expect(enginesOf(parse(spare)).map((e) => e.name).sort()).toEqual(['qwen-pd-decode', 'qwen-pd-decode-b', 'qwen-pd-prefill', 'qwen-pd-prefill-b']);
    expect(refIndex(spare, 'qwen-pd-decode-b')).toBeGreaterThan(0);
  });

  for (const form of ['PrefillDecode', 'ConfigMap'] as Form[]) {
    it(`spec.decode → another workload (${form}): the old decode is unwired, the stack moves, one info result per removal`, () => {
      const spare = spareBase();
      const o = converge(spare, form, [e('decode', refIndex(spare, 'qwen-pd-decode-b'))]);
      expect(o.skipped).toBeUndefined();
      expect(o.fresh.exitCode).toBe(0);
      expect(o.again.exitCode).toBe(0);
      expect(comparable(o.again.items)).toEqual(comparable(o.fresh.items));
      const old = o.again.items.find((i) => i.metadata.name === 'qwen-pd-decode')!;
      // nothing of pd-disagg's is left on the old decode: no markers, no sidecar, no role label from pd-disagg
      expect(Object.keys(old.metadata.annotations ?? {}).filter((k) => k.startsWith('pd-disagg.dev/'))).toEqual([]);
      expect(old.spec.template.spec.initContainers ?? []).toEqual([]);
      const moved = o.again.items.find((i) => i.metadata.name === 'qwen-pd-decode-b')!;
      expect(moved.metadata.annotations[PAIR_ANNOTATION]).toBe('Deployment/qwen-pd-decode-b');
      expect(moved.metadata.annotations[CONFIG_ANNOTATION]).toBe(KPT_CONFIG_PATH);
      const generated = o.again.items.filter((i) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg');
      expect(generated.length).toBeGreaterThan(0);
      expect(generated.every((g) => g.metadata.annotations[PAIR_ANNOTATION] === 'Deployment/qwen-pd-decode-b')).toBe(true);
      expect(o.again.items.filter((i) => i.kind === 'InferencePool')).toHaveLength(1);
    });
  }

  it('the removals are listed: each undone injection of the old decode is an info result naming the old pair', () => {
    const spare = spareBase();
    const first = runText(stringify({ ...parse(spare), functionConfig: withPath(parse(spare).functionConfig) }));
    expect(first.exitCode).toBe(0);
    const moved = runText(setConfig(first.stdout, (c) => ((c.spec.decode = { name: 'qwen-pd-decode-b' }), c)));
    expect(moved.exitCode).toBe(0);
    const onOld = moved.results.filter((r) => r.resourceRef?.name === 'qwen-pd-decode' && r.severity === 'info');
    expect(onOld).toHaveLength(1);
    const removed = onOld[0]!.message.split(', ').filter((n) => n.startsWith('removed '));
    expect(removed.length).toBeGreaterThanOrEqual(3);
    for (const n of removed) expect(n).toContain('(injected for pair Deployment/qwen-pd-decode;');
    expect(removed.some((n) => n.includes('initContainers[routing-proxy]'))).toBe(true);
  });

  it('spec.prefill → another workload: the old prefill is unwired', () => {
    const spare = spareBase();
    const o = converge(spare, 'PrefillDecode', [e('prefill', refIndex(spare, 'qwen-pd-prefill-b'))]);
    expect(o.again.exitCode).toBe(0);
    expect(comparable(o.again.items)).toEqual(comparable(o.fresh.items));
    const old = o.again.items.find((i) => i.metadata.name === 'qwen-pd-prefill')!;
    expect(Object.keys(old.metadata.annotations ?? {}).filter((k) => k.startsWith('pd-disagg.dev/'))).toEqual([]);
  });

  it('another function config (another file) of the same package keeps its pair when this one moves', () => {
    const pairB = base.replace(/qwen-pd/g, 'llama-pd').replace(/^functionConfig:[\s\S]*$/m, '');
    const itemsB = pairB.slice(pairB.indexOf('items:\n') + 'items:\n'.length);
    const configB = {
      apiVersion: 'pd-disagg.dev/v1alpha1',
      kind: 'PrefillDecode',
      metadata: { name: 'llama', annotations: { 'config.kubernetes.io/path': 'llama-fn.yaml' } },
      spec: { prefill: { name: 'llama-pd-prefill' }, decode: { name: 'llama-pd-decode' } },
    };
    const b = runText(stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: parse(`items:\n${itemsB}`).items, functionConfig: configB }));
    expect(b.exitCode).toBe(0);
    expect(b.items.filter(isPd).every((i) => i.metadata.annotations[CONFIG_ANNOTATION] === 'llama-fn.yaml')).toBe(true);
    const spare = spareBase();
    const both = parse(spare);
    both.items.push(...b.items);
    both.functionConfig = withPath(both.functionConfig);
    const first = runText(stringify(both));
    expect(first.exitCode).toBe(0);
    const moved = runText(setConfig(first.stdout, (c) => ((c.spec.decode = { name: 'qwen-pd-decode-b' }), c)));
    expect(moved.exitCode).toBe(0);
    const bNames = b.items.map((i) => `${i.kind}/${i.metadata.name}`);
    expect(comparable(moved.items.filter((i) => bNames.includes(`${i.kind}/${i.metadata.name}`)))).toEqual(comparable(b.items));
    expect(moved.results.filter((r) => r.message.includes('removed')).every((r) => !r.resourceRef!.name.startsWith('llama'))).toBe(true);
    expect(moved.items.filter((i) => i.kind === 'InferencePool').map((i) => i.metadata.name).sort()).toEqual(['llama', 'qwen-pd']);
  });

  it('moved and renamed at once: the stack the same config file made for the old pair is removed, one info result each', () => {
    // the old stack's names are not the new ones, so only its config marker (the same file, another pair) finds it
    const spare = spareBase();
    const o = converge(spare, 'PrefillDecode', [e('decode', refIndex(spare, 'qwen-pd-decode-b')), e('name', 1)]);
    expect(o.again.exitCode).toBe(0);
    expect(comparable(o.again.items)).toEqual(comparable(o.fresh.items));
    expect(o.again.items.filter((i) => i.kind === 'InferencePool').map((i) => i.metadata.name)).toEqual(['renamed']);
    const generated = o.again.items.filter((i) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg');
    expect(generated.every((g) => g.metadata.annotations[PAIR_ANNOTATION] === 'Deployment/qwen-pd-decode-b')).toBe(true);
    const rendered = runText(stringify({ ...parse(spare), functionConfig: withPath(parse(spare).functionConfig) }));
    const oldStack = rendered.items.filter((i) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg');
    expect(oldStack.length).toBeGreaterThan(3);
    const moved = runText(setConfig(rendered.stdout, (c) => ((c.spec.decode = { name: 'qwen-pd-decode-b' }), (c.metadata.name = 'renamed'), c)));
    expect(moved.exitCode).toBe(0);
    const removals = moved.results.filter((r) => r.severity === 'info' && r.message.startsWith('removed by pd-disagg'));
    expect(removals.map((r) => `${r.resourceRef!.kind}/${r.resourceRef!.name}`).sort()).toEqual(oldStack.map((i) => `${i.kind}/${i.metadata.name}`).sort());
    for (const r of removals) expect(r.message).toContain('generated for pair Deployment/qwen-pd-decode;');
  });

  it('a LeaderWorkerSet decode whose leaderTemplate had no metadata gets none back when the config moves away', () => {
    // pd-disagg created that metadata for its labels; a fresh render of the moved config does not have it
    const list = parse(read('testdata/leaderworkerset/input.yaml'));
    const lws = list.items.find((i: KObject) => i.kind === 'LeaderWorkerSet');
    delete lws.spec.leaderWorkerTemplate.leaderTemplate.metadata;
    list.items.push({ ...structuredClone(lws), metadata: { name: 'ds-decode-b' } });
    list.functionConfig = withPath({ ...list.functionConfig, spec: { prefill: { name: 'ds-prefill' }, decode: { name: 'ds-decode' } } });
    const first = runText(stringify(list));
    expect(first.exitCode).toBe(0);
    expect(item(first.items, 'LeaderWorkerSet', 'ds-decode').spec.leaderWorkerTemplate.leaderTemplate.metadata.labels['pd-disagg.dev/pool']).toBe('ds');
    const moved = runText(setConfig(first.stdout, (c) => ((c.spec.decode = { name: 'ds-decode-b' }), c)));
    expect(moved.exitCode).toBe(0);
    const fresh = runText(stringify({ ...list, functionConfig: { ...list.functionConfig, spec: { ...list.functionConfig.spec, decode: { name: 'ds-decode-b' } } } }));
    expect(fresh.exitCode).toBe(0);
    expect(item(moved.items, 'LeaderWorkerSet', 'ds-decode').spec).toEqual(item(fresh.items, 'LeaderWorkerSet', 'ds-decode').spec);
    expect(item(moved.items, 'LeaderWorkerSet', 'ds-decode').spec.leaderWorkerTemplate.leaderTemplate).not.toHaveProperty('metadata');
  });

  // a fuzz slice that takes tens of seconds: npm test runs it, npm run mutate leaves it out (test/helpers.ts slowIt)
  slowIt('holds for random edits of every config field, in both forms, on golden inputs with spare workloads (fixed seed)', () => {
    const bases = goldenInputs().map(withSpareWorkloads).filter((t): t is string => t !== undefined);
    expect(bases.length).toBeGreaterThan(3);
    fc.assert(
      fc.property(caseArb(bases.length), (c) => {
        checkConverges(bases[c.base]!, c);
      }),
      { seed: 20261202, numRuns: Number(process.env.PD_DISAGG_CONVERGE_RUNS ?? 60) },
    );
  }, 180_000);
});

function withPath(config: KObject): KObject {
  return { ...config, metadata: { ...config.metadata, annotations: { ...(config.metadata.annotations ?? {}), 'config.kubernetes.io/path': KPT_CONFIG_PATH } } };
}

describe('hand edits of what pd-disagg manages', () => {
  it('a field with a knob (the sidecar image) is brought back, with a warning naming the field and the knob', () => {
    const out = parse(runText(base).stdout);
    const decode = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode');
    decode.spec.template.spec.initContainers[0].image = 'example.com/hand-edited:v1';
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    const image = again.items.find((i) => i.metadata.name === 'qwen-pd-decode')!.spec.template.spec.initContainers[0].image;
    expect(image).toBe(sidecarImage('v0.8.0')); // the base's router version
    const warning = again.results.find((r) => r.severity === 'warning' && r.field?.path.endsWith('.image'));
    expect(warning?.message).toContain('spec.sidecar.image');
    expect(warning?.field?.path).toBe('spec.template.spec.initContainers[0].image');
    expect(again.stderr).toContain('spec.sidecar.image');
  });

  it('the ConfigMap form names its own key', () => {
    const x = withStart(base, 'ConfigMap', []);
    const out = parse(runText(x).stdout);
    out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode').spec.template.spec.initContainers[0].image = 'example.com/x:v1';
    const again = runText(stringify(out));
    expect(again.results.find((r) => r.severity === 'warning')?.message).toContain('data.sidecarImage');
  });

  it('a field without a knob (the NIXL side-channel port env) is kept, and is the user\'s from then on', () => {
    const out = parse(runText(base).stdout);
    const decode = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode');
    const env = decode.spec.template.spec.containers[0].env.find((x: KObject) => x.name === 'VLLM_NIXL_SIDE_CHANNEL_PORT');
    env.value = '5700';
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    const d2 = again.items.find((i) => i.metadata.name === 'qwen-pd-decode')!;
    const container = d2.spec.template.spec.containers[0];
    expect(container.env.find((x: KObject) => x.name === 'VLLM_NIXL_SIDE_CHANNEL_PORT').value).toBe('5700');
    // the side-channel port follows the user's value, as on a fresh render of an engine that sets it
    expect(container.ports.map((p: KObject) => p.containerPort)).toContain(5700);
    expect(container.ports.map((p: KObject) => p.containerPort)).not.toContain(5600);
    // the result says so: which entry, the value found, that there is no knob, and that it is the user's now
    const kept = again.results.filter((r) => r.message.includes('edited by hand'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ severity: 'info', resourceRef: { kind: 'Deployment', name: 'qwen-pd-decode' } });
    expect(kept[0]!.field!.path).toMatch(/^spec\.template\.spec\.containers\[0\]\.env\[\d+\]$/);
    expect(kept[0]!.field!.currentValue).toEqual({ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5700' });
    expect(kept[0]!.message).toContain('"value":"5700"');
    expect(kept[0]!.message).toContain('the pd-disagg config has no knob for it, so your edit is kept and is yours from now on');
    // the whole entry is the user's now, not only the field edited
    expect(kept[0]!.message).toContain('pd-disagg no longer sets, updates or removes this entry (delete it to let pd-disagg manage it again)');
    expect(again.results.filter((r) => r.severity === 'warning')).toEqual([]);
    expect(d2.metadata.annotations[INJECTED_ANNOTATION]).not.toContain('env[VLLM_NIXL_SIDE_CHANNEL_PORT]');
    // and it stays so
    const third = runText(again.stdout);
    expect(third.items).toEqual(again.items);
  });
});

describe('hand edits: one field without a knob inside an entry pd-disagg keeps managing', () => {
  it('the sidecar\'s imagePullPolicy: kept, an info result names the field, the rest of the sidecar stays managed', () => {
    const out = parse(runText(base).stdout);
    const sidecar = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode').spec.template.spec.initContainers[0];
    expect(sidecar.imagePullPolicy).toBeDefined();
    sidecar.imagePullPolicy = 'Always';
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    const after = again.items.find((i) => i.metadata.name === 'qwen-pd-decode')!.spec.template.spec.initContainers[0];
    expect(after.imagePullPolicy).toBe('Always');
    const info = again.results.filter((r) => r.message.includes('edited by hand'));
    expect(info).toHaveLength(1);
    expect(info[0]).toMatchObject({ severity: 'info', field: { path: 'spec.template.spec.initContainers[0].imagePullPolicy', currentValue: 'Always' } });
    expect(info[0]!.message).toContain('no knob for it');
    // that field is the user's; the sidecar itself stays pd-disagg's
    expect(info[0]!.message).toContain('pd-disagg no longer sets, updates or removes this field');
    expect(again.results.filter((r) => r.severity === 'warning')).toEqual([]);
    // a later version change still moves the sidecar's image and flags, and keeps the user's pull policy
    const moved = runText(setConfig(again.stdout, (c) => ((c.spec.epp = { ...(c.spec.epp ?? {}), version: 'v0.10.0' }), c)));
    const s2 = moved.items.find((i) => i.metadata.name === 'qwen-pd-decode')!.spec.template.spec.initContainers[0];
    expect(s2.image).toBe(sidecarImage('v0.10.0'));
    expect(s2.imagePullPolicy).toBe('Always');
    expect(moved.results.filter((r) => r.message.includes('edited by hand'))).toEqual([]);
  });

  it('a label with a knob (llm-d.ai/role) is brought back, with a warning naming the field and spec.prefill / spec.decode', () => {
    const out = parse(runText(base).stdout);
    out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-prefill').spec.template.metadata.labels['llm-d.ai/role'] = 'both';
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    expect(again.items.find((i) => i.metadata.name === 'qwen-pd-prefill')!.spec.template.metadata.labels['llm-d.ai/role']).toBe('prefill');
    const warning = again.results.find((r) => r.severity === 'warning' && r.message.includes('edited by hand'));
    expect(warning?.field?.path).toBe('spec.template.metadata.labels.llm-d.ai/role');
    expect(warning?.message).toContain('set spec.prefill / spec.decode in the pd-disagg config instead');
  });
});

describe('hand edits: every field the config sets, in both forms', () => {
  /** Each field pd-disagg sets from a config knob, edited by hand in the output: where, the edit, and the knob's name
   * in the typed form and in the ConfigMap form. */
  const DECODE = 'qwen-pd-decode';
  const SIDECAR = 'spec.template.spec.initContainers[0]';
  const EDITS: { name: string; path: string; edit: (o: KObject) => void; typed: string; configMap: string }[] = [
    { name: 'qwen-pd-prefill', path: 'spec.template.metadata.labels.llm-d.ai/role', edit: (o) => (o.spec.template.metadata.labels['llm-d.ai/role'] = 'both'), typed: 'spec.prefill / spec.decode', configMap: 'data.prefill / data.decode' },
    { name: DECODE, path: 'spec.template.metadata.labels.pd-disagg.dev/pool', edit: (o) => (o.spec.template.metadata.labels['pd-disagg.dev/pool'] = 'other'), typed: 'metadata.name', configMap: 'data.name' },
    { name: DECODE, path: `${SIDECAR}.image`, edit: (o) => (o.spec.template.spec.initContainers[0].image = 'example.com/proxy:v1'), typed: 'spec.sidecar.image', configMap: 'data.sidecarImage' },
    { name: DECODE, path: `${SIDECAR}.args`, edit: (o) => o.spec.template.spec.initContainers[0].args.push('--secure-proxy=true'), typed: 'spec.sidecar.port and spec.epp.version', configMap: 'data.sidecarPort and data.eppVersion' },
    { name: DECODE, path: `${SIDECAR}.ports`, edit: (o) => (o.spec.template.spec.initContainers[0].ports[0].containerPort = 9000), typed: 'spec.sidecar.port', configMap: 'data.sidecarPort' },
    { name: DECODE, path: `${SIDECAR}.restartPolicy`, edit: (o) => delete o.spec.template.spec.initContainers[0].restartPolicy, typed: 'spec.sidecar.native', configMap: 'data.sidecarNative' },
  ];

  for (const form of ['PrefillDecode', 'ConfigMap'] as Form[]) {
    it(`each is brought back, with one warning naming the field and its knob (${form})`, () => {
      const first = runText(withStart(base, form, []));
      expect(first.exitCode).toBe(0);
      const out = parse(first.stdout);
      for (const x of EDITS) x.edit(out.items.find((i: KObject) => i.metadata.name === x.name));
      const again = runText(stringify(out));
      expect(again.exitCode).toBe(0);
      // every field is back to what the render wrote: the engines are as after the first render
      for (const name of ['qwen-pd-prefill', DECODE]) expect(item(again.items, 'Deployment', name).spec).toEqual(item(first.items, 'Deployment', name).spec);
      const warnings = again.results.filter((r) => r.severity === 'warning');
      expect(warnings.map((w) => w.field?.path).sort()).toEqual(EDITS.map((x) => x.path).sort());
      for (const x of EDITS) {
        const w = warnings.find((r) => r.field?.path === x.path)!;
        expect(w.resourceRef?.name).toBe(x.name);
        expect(w.message).toContain(`set ${form === 'ConfigMap' ? x.configMap : x.typed} in the pd-disagg config instead`);
      }
      // a field taken out by hand says so, not "edited (undefined)"
      expect(warnings.find((r) => r.field?.path === `${SIDECAR}.restartPolicy`)!.message).toMatch(/restartPolicy was removed by hand; pd-disagg sets it from the config/);
      // brought back, the record matches again: the next render changes nothing and warns no more
      const third = runText(again.stdout);
      expect(third.items).toEqual(again.items);
      expect(third.results.filter((r) => r.severity === 'warning')).toEqual([]);
    });
  }

  it('a label without a knob (SGLang\'s engine-type label) edited by hand is kept and is the user\'s from then on', () => {
    const first = runText(read('testdata/sglang-pair/input.yaml'));
    expect(first.exitCode).toBe(0);
    const out = parse(first.stdout);
    const decode = out.items.find((i: KObject) => i.metadata.name === 'oss-decode');
    const label = Object.keys(decode.spec.template.metadata.labels).find((k) => k.endsWith('/engine-type'))!;
    expect(decode.spec.template.metadata.labels[label]).toBe('sglang');
    decode.spec.template.metadata.labels[label] = 'sglang-custom';
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    const d2 = item(again.items, 'Deployment', 'oss-decode');
    expect(d2.spec.template.metadata.labels[label]).toBe('sglang-custom');
    const kept = again.results.filter((r) => r.message.includes('edited by hand'));
    expect(kept).toMatchObject([{ severity: 'info', resourceRef: { name: 'oss-decode' }, field: { path: `spec.template.metadata.labels.${label}`, currentValue: 'sglang-custom' } }]);
    expect(kept[0]!.message).toContain('pd-disagg no longer sets, updates or removes this field');
    expect(d2.metadata.annotations[INJECTED_ANNOTATION]).not.toContain(`labels[${label}]`);
    // the other labels stay pd-disagg's: the prefill's label untouched, and the next render changes nothing
    expect(item(again.items, 'Deployment', 'oss-prefill')).toEqual(item(first.items, 'Deployment', 'oss-prefill'));
    expect(runText(again.stdout).items).toEqual(again.items);
  });
});

describe('hand removals of what pd-disagg injected', () => {
  it('an injected entry the user deleted (the NIXL host env) comes back, as on a fresh render', () => {
    const first = runText(base);
    const out = parse(first.stdout);
    const engine = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode').spec.template.spec.containers[0];
    engine.env = engine.env.filter((x: KObject) => x.name !== 'VLLM_NIXL_SIDE_CHANNEL_HOST');
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    expect(item(again.items, 'Deployment', 'qwen-pd-decode')).toEqual(item(first.items, 'Deployment', 'qwen-pd-decode'));
    expect(again.results.filter((r) => r.severity !== 'info' || r.message.includes('by hand'))).toEqual([]);
  });

  it('labels the user deleted (one of them, or a pod template\'s whole metadata) come back as on a fresh render, and no result speaks of a hand edit', () => {
    const first = runText(base);
    const out = parse(first.stdout);
    delete item(out.items, 'Deployment', 'qwen-pd-prefill').spec.template.metadata.labels['llm-d.ai/role'];
    delete item(out.items, 'Deployment', 'qwen-pd-decode').spec.template.metadata;
    const again = runText(stringify(out));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(item(again.items, 'Deployment', 'qwen-pd-prefill')).toEqual(item(first.items, 'Deployment', 'qwen-pd-prefill'));
    expect(item(again.items, 'Deployment', 'qwen-pd-decode').spec.template.metadata).toEqual({ labels: { 'llm-d.ai/role': 'decode', 'pd-disagg.dev/pool': 'qwen-pd' } });
    expect(again.results.filter((r) => r.severity !== 'info')).toEqual([]);
    expect(again.results.filter((r) => r.message.includes('by hand'))).toEqual([]);
  });

  it('a field without a knob deleted from the sidecar (imagePullPolicy) stays deleted: an info result, and the user\'s from then on', () => {
    const out = parse(runText(base).stdout);
    delete out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode').spec.template.spec.initContainers[0].imagePullPolicy;
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    const d2 = item(again.items, 'Deployment', 'qwen-pd-decode');
    expect(d2.spec.template.spec.initContainers[0]).not.toHaveProperty('imagePullPolicy');
    const info = again.results.filter((r) => r.message.includes('by hand'));
    expect(info).toEqual([
      expect.objectContaining({ severity: 'info', field: { path: 'spec.template.spec.initContainers[0].imagePullPolicy' }, message: expect.stringMatching(/^spec\.template\.spec\.initContainers\[0\]\.imagePullPolicy was removed by hand; the pd-disagg config has no knob for it, so it stays removed: .*records it as imagePullPolicy=absent; take that out/) }),
    ]);
    // the record remembers the removal, so the next render keeps it out and says nothing more
    expect(d2.metadata.annotations[INJECTED_ANNOTATION]).toMatch(/initContainers\[routing-proxy\] image=\w+,imagePullPolicy=absent,args=/);
    const third = runText(again.stdout);
    expect(third.items).toEqual(again.items);
    expect(third.results.filter((r) => r.message.includes('by hand'))).toEqual([]);
    // a version change still moves the rest of the sidecar, and does not bring the pull policy back
    const moved = runText(setConfig(again.stdout, (c) => ((c.spec.epp = { ...(c.spec.epp ?? {}), version: 'v0.10.0' }), c)));
    const s2 = item(moved.items, 'Deployment', 'qwen-pd-decode').spec.template.spec.initContainers[0];
    expect(s2.image).toBe(sidecarImage('v0.10.0'));
    expect(s2).not.toHaveProperty('imagePullPolicy');
    expect(moved.results.filter((r) => r.message.includes('by hand'))).toEqual([]);
  });

  it('a field the user added to the sidecar follows it when spec.sidecar.native moves it to the containers', () => {
    const out = parse(runText(base).stdout);
    out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode').spec.template.spec.initContainers[0].resources = { limits: { cpu: '1' } };
    const moved = runText(setConfig(stringify(out), (c) => ((c.spec.sidecar = { native: false }), c)));
    expect(moved.exitCode).toBe(0);
    const pod = item(moved.items, 'Deployment', 'qwen-pd-decode').spec.template.spec;
    expect(pod.initContainers ?? []).toEqual([]);
    expect(pod.containers.map((c: KObject) => c.name)).toEqual(['engine', 'routing-proxy']);
    expect(pod.containers[1].resources).toEqual({ limits: { cpu: '1' } });
    expect(pod.containers[1]).not.toHaveProperty('restartPolicy');
    expect(runText(moved.stdout).items).toEqual(moved.items);
  });
});

describe('the injection record in the output', () => {
  it('an engine container without a name is recorded by its position, and a re-render after a config edit equals a fresh render', () => {
    const unnamed = base.replaceAll('        - name: engine\n          image', '        - image');
    const first = runText(unnamed);
    expect(first.exitCode).toBe(0);
    const record: string = item(first.items, 'Deployment', 'qwen-pd-decode').metadata.annotations[INJECTED_ANNOTATION];
    expect(record).toContain('spec.template.spec.containers[@0].env[VLLM_NIXL_SIDE_CHANNEL_HOST] ');
    expect(runText(first.stdout).items).toEqual(first.items);
    const o = converge(unnamed, 'PrefillDecode', [e('version', 3)]);
    expect(o.again.exitCode).toBe(0);
    expect(comparable(o.again.items)).toEqual(comparable(o.fresh.items));
  });

  it('a record re-indented, with trailing blanks or CRLF line ends, is read as written', () => {
    const first = runText(base);
    const out = parse(first.stdout);
    for (const i of out.items) {
      const a = i.metadata.annotations;
      if (a?.[INJECTED_ANNOTATION]) a[INJECTED_ANNOTATION] = a[INJECTED_ANNOTATION].split('\n').map((l: string) => `  ${l} \r`).join('\n');
    }
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    expect(again.items).toEqual(first.items);
    expect(again.results.filter((r) => r.message.includes('by hand') || r.message.includes('removed'))).toEqual([]);
  });

  it('record lines it cannot read are left out: their entries stay as the user\'s, never twice, and the others are still managed', () => {
    const first = runText(base);
    const out = parse(first.stdout);
    const decode = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode');
    const lines: string[] = decode.metadata.annotations[INJECTED_ANNOTATION].split('\n');
    const spoil: Record<string, (l: string) => string> = {
      'env[VLLM_NIXL_SIDE_CHANNEL_HOST]': (l) => l.replace('env[', 'env[%E0%A4%A'), // a broken escape
      'env[VLLM_NIXL_SIDE_CHANNEL_PORT]': (l) => l.replace('env[VLLM_NIXL_SIDE_CHANNEL_PORT]', 'env[VLLM_NIXL_SIDE_CHANNEL_PORT'), // no closing bracket
      'ports[5600]': (l) => l.replace('.ports', '.ports!'), // not a locator
      'volumes[dshm]': (l) => `${l.split(' ')[0]} `, // no hash
      'volumeMounts[/dev/shm]': (l) => l.replace(' ', ''), // no space
    };
    decode.metadata.annotations[INJECTED_ANNOTATION] = ['', ...lines.map((l) => Object.entries(spoil).find(([k]) => l.includes(k))?.[1](l) ?? l)].join('\n');
    const again = runText(setConfig(stringify(out), (c) => ((c.spec.epp = { version: 'v0.10.0' }), c)));
    expect(again.exitCode).toBe(0);
    const d2 = item(again.items, 'Deployment', 'qwen-pd-decode');
    const engine = d2.spec.template.spec.containers[0];
    // the entries of the unreadable lines are there once, as they were
    expect(engine.env.map((x: KObject) => x.name)).toEqual(['VLLM_NIXL_SIDE_CHANNEL_HOST', 'VLLM_NIXL_SIDE_CHANNEL_PORT']);
    expect(engine.ports.map((p: KObject) => p.containerPort)).toEqual([8001, 5600]);
    expect(engine.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    expect(d2.spec.template.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    // the lines it read are still pd-disagg's: the sidecar moved to the new version, once
    expect(d2.spec.template.spec.initContainers.map((c: KObject) => c.image)).toEqual([sidecarImage('v0.10.0')]);
    const record: string = d2.metadata.annotations[INJECTED_ANNOTATION];
    expect(record.split('\n').map((l) => l.split(' ')[0])).toEqual([
      'spec.template.metadata.labels[llm-d.ai/role]',
      'spec.template.metadata.labels[pd-disagg.dev/pool]',
      'spec.template.spec.initContainers[routing-proxy]',
    ]);
  });
});

describe('the injection record: lines that repeat or locate nothing', () => {
  it('a line listed twice takes its entry out once, and a line locating nothing takes out nothing', () => {
    const out = parse(runText(base).stdout);
    const decode = out.items.find((i: KObject) => i.metadata.name === 'qwen-pd-decode');
    decode.spec.template.spec.containers[0].env.push({ name: 'MY_OWN', value: 'x' });
    const record: string = decode.metadata.annotations[INJECTED_ANNOTATION];
    const host = record.split('\n').find((l) => l.includes('env[VLLM_NIXL_SIDE_CHANNEL_HOST]'))!;
    decode.metadata.annotations[INJECTED_ANNOTATION] = `${record}\n${host}\nspec.template.spec.containers[@7] -\nspec.template.spec.containers[engine].env[@9] value=0ae9be86`;
    const again = runText(stringify(out));
    expect(again.exitCode).toBe(0);
    const d2 = item(again.items, 'Deployment', 'qwen-pd-decode');
    // the user's entry stays (pd-disagg's are written again after it, as on a fresh render of the edited input)
    expect(d2.spec.template.spec.containers[0].env.map((x: KObject) => x.name)).toEqual(['MY_OWN', 'VLLM_NIXL_SIDE_CHANNEL_HOST', 'VLLM_NIXL_SIDE_CHANNEL_PORT']);
    expect(again.results.filter((r) => r.message.includes('removed') || r.message.includes('by hand'))).toEqual([]);
    expect(d2.metadata.annotations[INJECTED_ANNOTATION]).toBe(record);
  });

  it('a marker taken off a generated object by hand hands it over, though its config marker is this config\'s', () => {
    const list = parse(base);
    list.functionConfig = withPath(list.functionConfig);
    const out = parse(runText(stringify(list)).stdout);
    const pool = out.items.find((i: KObject) => i.kind === 'InferencePool');
    expect(pool.metadata.annotations[CONFIG_ANNOTATION]).toBe(KPT_CONFIG_PATH);
    delete pool.metadata.annotations[PAIR_ANNOTATION];
    const renamed = runText(setConfig(stringify(out), (c) => ((c.metadata.name = 'renamed'), c)));
    expect(renamed.exitCode).toBe(0);
    expect(renamed.items.filter((i) => i.kind === 'InferencePool').map((i) => i.metadata.name).sort()).toEqual(['qwen-pd', 'renamed']);
    expect(item(renamed.items, 'InferencePool', 'qwen-pd')).toEqual(pool);
    expect(renamed.results.filter((r) => r.resourceRef?.kind === 'InferencePool' && r.resourceRef.name === 'qwen-pd')).toEqual([]);
  });

  it('an engine whose env, mounts and pod labels are written empty (null) gets them filled, and a re-render changes nothing', () => {
    const labels = '        labels:\n          modelplane.ai/serving: qwen-pd\n          modelplane.ai/workload: qwen-pd-decode\n';
    expect(base.split(labels)).toHaveLength(2);
    const input = base.replace('          - containerPort: 8001\n', '          - containerPort: 8001\n          env:\n          volumeMounts:\n').replace(labels, '        labels:\n');
    const first = runText(input);
    expect(first.exitCode).toBe(0);
    expect(item(first.items, 'Deployment', 'qwen-pd-decode').spec.template.metadata.labels).toEqual({ 'llm-d.ai/role': 'decode', 'pd-disagg.dev/pool': 'qwen-pd' });
    const engine = item(first.items, 'Deployment', 'qwen-pd-decode').spec.template.spec.containers[0];
    expect(engine.env.map((x: KObject) => x.name)).toEqual(['VLLM_NIXL_SIDE_CHANNEL_HOST', 'VLLM_NIXL_SIDE_CHANNEL_PORT']);
    expect(engine.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    expect(first.results.filter((r) => r.severity !== 'info')).toEqual([]);
    expect(runText(first.stdout).items).toEqual(first.items);
  });
});

describe('kpt subpackages', () => {
  it('a pair of a subpackage, made by a config of the same file name, is not this package\'s: kept as it is', () => {
    // kpt renders the subpackage first, then gives its items to the parent's functions with paths relative to the
    // subpackage: its `pd-disagg.dev/config: pd-disagg.yaml` reads like the parent's own; the package path tells them apart
    const PKG = 'internal.config.kubernetes.io/package-path';
    const inPackage = (o: KObject, pkg: string): KObject => ({ ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), [PKG]: pkg } } });
    const pairB = base.replace(/qwen-pd/g, 'llama-pd').replace(/^functionConfig:[\s\S]*$/m, '');
    const itemsB = parse(pairB).items as KObject[];
    const configOfFile = (name: string, prefill: string, decode: string, pkg: string) =>
      inPackage({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name, annotations: { 'config.kubernetes.io/path': 'pd-disagg.yaml' } }, spec: { prefill: { name: prefill }, decode: { name: decode } } }, pkg);
    const rendered = runText(stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: itemsB, functionConfig: configOfFile('llama', 'llama-pd-prefill', 'llama-pd-decode', 'sub') }));
    expect(rendered.exitCode).toBe(0);
    // kpt marks every item of the subpackage with its package, the ones the function made too
    const sub = { items: rendered.items.map((i) => inPackage(i, 'sub')) };
    expect(sub.items.filter((i) => i.metadata.annotations?.[CONFIG_ANNOTATION] === 'pd-disagg.yaml').length).toBeGreaterThan(3);
    const parent = parse(base);
    parent.items = [...parent.items.map((i: KObject) => inPackage(i, '.')), ...sub.items];
    parent.functionConfig = configOfFile('qwen-pd', 'qwen-pd-prefill', 'qwen-pd-decode', '.');
    const out = runText(stringify(parent));
    expect(out.exitCode).toBe(0);
    const subNames = sub.items.map((i) => `${i.kind}/${i.metadata.name}`);
    expect(out.items.filter((i) => subNames.includes(`${i.kind}/${i.metadata.name}`))).toEqual(sub.items);
    expect(out.results.filter((r) => r.message.includes('removed'))).toEqual([]);
    expect(out.items.filter((i) => i.kind === 'InferencePool').map((i) => i.metadata.name).sort()).toEqual(['llama', 'qwen-pd']);
  });
});

// ---- helpers ----------------------------------------------------------------------------------------------------

function withStart(text: string, form: Form, start: Edit[]): string {
  // the base rendered as-is is not wanted: only its config, set to the starting fields, in `form`
  const o = parse(text);
  const k = applyEdits(knobsOf(o.functionConfig), start, form, enginesOf(o));
  o.functionConfig = configOf(k, form);
  return stringify(o, { lineWidth: 0 });
}

function sidecarImage(version: RouterVersion): string {
  const t = routerTable(version);
  return `${t.images.sidecar}:${t.images.tag}`;
}

function setConfig(text: string, edit: (c: KObject) => KObject): string {
  const o = parse(text);
  o.functionConfig = edit(structuredClone(o.functionConfig ?? {}));
  return stringify(o, { lineWidth: 0 });
}
