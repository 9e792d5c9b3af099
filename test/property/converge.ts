// Convergence (issue 14): a re-render of pd-disagg's own output after a config edit equals a fresh render of the
// original input with the same edit — render(edit(render(x))) == render(edit(x)) — up to kpt's path/index annotations.
// Shared by test/converge.test.ts (fixed seed) and `npm run fuzz -- --converge` (long runs).

import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { run } from '../../src/run.js';
import { isPlainObject, type KObject } from '../../src/types.js';

export type Form = 'PrefillDecode' | 'ConfigMap';

/** The config as one neutral record: every field of both forms maps to one of these. */
export interface Knobs {
  name?: string;
  prefill?: { name: string; kind?: string };
  decode?: { name: string; kind?: string };
  encode?: { name: string; kind?: string };
  /** spec.<stage>.container (ConfigMap: prefillContainer, …): needs the stage's workload named too */
  prefillContainer?: string;
  decodeContainer?: string;
  encodeContainer?: string;
  /** spec.<stage>.role (ConfigMap: prefillRole, …): needs the stage's workload named too */
  prefillRole?: string;
  decodeRole?: string;
  encodeRole?: string;
  version?: string;
  decider?: string;
  nonCachedTokens?: number;
  promptTokens?: number;
  blockSizeTokens?: number;
  scorerWeights?: { prefixCache?: number; queue?: number };
  eppConfig?: KObject;
  routerEnabled?: boolean;
  gateway?: { name: string; namespace?: string };
  /** spec.router.gateway.requestTimeout (ConfigMap: requestTimeout): needs the gateway too */
  requestTimeout?: string;
  /** spec.router.metricsAuth (ConfigMap: metricsAuth) */
  metricsAuth?: boolean;
  sidecarNative?: boolean;
  sidecarImage?: string;
  sidecarPort?: number;
  rules?: Record<string, string>;
}

/** Fields only the typed form has. */
const TYPED_ONLY = new Set<keyof Knobs>(['scorerWeights', 'eppConfig']);

const USER_EPP_CONFIG = {
  apiVersion: 'llm-d.ai/v1alpha1',
  kind: 'EndpointPickerConfig',
  plugins: [
    { type: 'approx-prefix-cache-producer', parameters: { autoTune: false, blockSizeTokens: 64, maxPrefixTokensToMatch: 16384, lruCapacityPerServer: 31250 } },
    { type: 'prefix-cache-scorer' },
    { type: 'queue-scorer' },
    { type: 'prefill-filter' },
    { type: 'decode-filter' },
    { type: 'max-score-picker' },
    { type: 'always-disagg-pd-decider' },
    { type: 'disagg-profile-handler', parameters: { deciders: { prefill: 'always-disagg-pd-decider' } } },
  ],
  schedulingProfiles: [
    { name: 'prefill', plugins: [{ pluginRef: 'prefill-filter' }, { pluginRef: 'max-score-picker' }, { pluginRef: 'prefix-cache-scorer', weight: 2 }] },
    { name: 'decode', plugins: [{ pluginRef: 'decode-filter' }, { pluginRef: 'max-score-picker' }, { pluginRef: 'prefix-cache-scorer', weight: 2 }] },
  ],
};

/** The values each field may be set to (undefined: the field removed). `engines` are the input's workloads. */
export function fieldValues(engines: { name: string; kind: string; containers?: string[] }[]): { [K in keyof Knobs]-?: (Knobs[K] | undefined)[] } {
  const refs: { name: string; kind?: string }[] = engines.flatMap((e) => [{ name: e.name }, { name: e.name, kind: e.kind }]);
  const containers = [...new Set(engines.flatMap((e) => e.containers ?? []))];
  return {
    name: [undefined, 'renamed', 'other-pair'],
    prefill: [undefined, ...refs],
    decode: [undefined, ...refs],
    encode: [undefined, ...refs],
    prefillContainer: [undefined, ...containers],
    decodeContainer: [undefined, ...containers],
    encodeContainer: [undefined, ...containers],
    prefillRole: [undefined, 'prefill', 'ctx'],
    decodeRole: [undefined, 'decode', 'gen'],
    encodeRole: [undefined, 'encode'],
    version: [undefined, 'v0.8.0', 'v0.9.0', 'v0.10.0'],
    decider: [undefined, 'prefix-based', 'always'],
    nonCachedTokens: [undefined, 1, 16, 256],
    promptTokens: [undefined, 0, 64],
    blockSizeTokens: [undefined, 16, 64, 128],
    scorerWeights: [undefined, { prefixCache: 3 }, { prefixCache: 1, queue: 2 }],
    eppConfig: [undefined, USER_EPP_CONFIG],
    routerEnabled: [undefined, true, false],
    gateway: [undefined, { name: 'gw' }, { name: 'gw', namespace: 'infra' }],
    requestTimeout: [undefined, '30s', '1h'],
    metricsAuth: [undefined, true, false],
    sidecarNative: [undefined, true, false],
    sidecarImage: [undefined, 'registry.example.com/llm-d/llm-d-routing-sidecar:v0.0.1'],
    sidecarPort: [undefined, 8000, 8100, 9090],
    rules: [undefined, { 'model-mismatch': 'off' }, { 'dtype-mismatch': 'warning' }],
  };
}

export const FIELDS = Object.keys(fieldValues([])) as (keyof Knobs)[];

/** Where each field lives in the two forms (test/converge.test.ts checks this covers both forms' every field). */
export const FIELD_PATHS: { [K in keyof Knobs]-?: { typed: string[]; configMap?: string } } = {
  name: { typed: ['metadata.name'], configMap: 'name' },
  prefill: { typed: ['spec.prefill.name', 'spec.prefill.kind'], configMap: 'prefill' },
  decode: { typed: ['spec.decode.name', 'spec.decode.kind'], configMap: 'decode' },
  encode: { typed: ['spec.encode.name', 'spec.encode.kind'], configMap: 'encode' },
  prefillContainer: { typed: ['spec.prefill.container'], configMap: 'prefillContainer' },
  decodeContainer: { typed: ['spec.decode.container'], configMap: 'decodeContainer' },
  encodeContainer: { typed: ['spec.encode.container'], configMap: 'encodeContainer' },
  prefillRole: { typed: ['spec.prefill.role'], configMap: 'prefillRole' },
  decodeRole: { typed: ['spec.decode.role'], configMap: 'decodeRole' },
  encodeRole: { typed: ['spec.encode.role'], configMap: 'encodeRole' },
  version: { typed: ['spec.epp.version'], configMap: 'eppVersion' },
  decider: { typed: ['spec.epp.decider'], configMap: 'decider' },
  nonCachedTokens: { typed: ['spec.epp.nonCachedTokens'], configMap: 'nonCachedTokens' },
  promptTokens: { typed: ['spec.epp.promptTokens'], configMap: 'promptTokens' },
  blockSizeTokens: { typed: ['spec.epp.blockSizeTokens'], configMap: 'blockSizeTokens' },
  scorerWeights: { typed: ['spec.epp.scorerWeights.prefixCache', 'spec.epp.scorerWeights.queue'] },
  eppConfig: { typed: ['spec.epp.config'] },
  routerEnabled: { typed: ['spec.router.enabled'], configMap: 'routerEnabled' },
  gateway: { typed: ['spec.router.gateway.name', 'spec.router.gateway.namespace'], configMap: 'gateway' },
  requestTimeout: { typed: ['spec.router.gateway.requestTimeout'], configMap: 'requestTimeout' },
  metricsAuth: { typed: ['spec.router.metricsAuth'], configMap: 'metricsAuth' },
  sidecarNative: { typed: ['spec.sidecar.native'], configMap: 'sidecarNative' },
  sidecarImage: { typed: ['spec.sidecar.image'], configMap: 'sidecarImage' },
  sidecarPort: { typed: ['spec.sidecar.port'], configMap: 'sidecarPort' },
  rules: { typed: ['spec.rules'], configMap: 'rules' },
};

export interface Edit {
  field: keyof Knobs;
  /** index into fieldValues(...)[field], modulo its length */
  value: number;
}

export interface Case {
  base: number;
  form: Form;
  edits: Edit[];
}

export const caseArb = (bases: number): fc.Arbitrary<Case> =>
  fc.record({
    base: fc.nat({ max: bases - 1 }),
    form: fc.constantFrom<Form>('PrefillDecode', 'ConfigMap'),
    edits: fc.array(fc.record({ field: fc.constantFrom(...FIELDS), value: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 3 }),
  });

// ---- the two config forms ---------------------------------------------------------------------------------------

export function knobsOf(fc_: KObject | undefined): Knobs {
  if (!fc_) return {};
  if (fc_.kind === 'ConfigMap') {
    const d: Record<string, string> = fc_.data ?? {};
    const k: Knobs = {};
    const ref = (v: string) => (v.includes('/') ? { kind: v.split('/')[0]!, name: v.split('/')[1]! } : { name: v });
    if (d.name !== undefined) k.name = d.name;
    if (d.prefill !== undefined) k.prefill = ref(d.prefill);
    if (d.decode !== undefined) k.decode = ref(d.decode);
    if (d.encode !== undefined) k.encode = ref(d.encode);
    for (const stage of ['prefill', 'decode', 'encode'] as const) {
      if (d[`${stage}Container`] !== undefined) k[`${stage}Container`] = d[`${stage}Container`];
      if (d[`${stage}Role`] !== undefined) k[`${stage}Role`] = d[`${stage}Role`];
    }
    if (d.eppVersion !== undefined) k.version = d.eppVersion;
    if (d.decider !== undefined) k.decider = d.decider;
    if (d.nonCachedTokens !== undefined) k.nonCachedTokens = Number(d.nonCachedTokens);
    if (d.promptTokens !== undefined) k.promptTokens = Number(d.promptTokens);
    if (d.blockSizeTokens !== undefined) k.blockSizeTokens = Number(d.blockSizeTokens);
    if (d.routerEnabled !== undefined) k.routerEnabled = d.routerEnabled === 'true';
    if (d.gateway !== undefined) k.gateway = d.gateway.includes('/') ? { namespace: d.gateway.split('/')[0]!, name: d.gateway.split('/')[1]! } : { name: d.gateway };
    if (d.requestTimeout !== undefined) k.requestTimeout = d.requestTimeout;
    if (d.metricsAuth !== undefined) k.metricsAuth = d.metricsAuth === 'true';
    if (d.rules !== undefined) k.rules = Object.fromEntries(d.rules.split(',').filter(Boolean).map((x) => x.split('=') as [string, string]));
    if (d.sidecarNative !== undefined) k.sidecarNative = d.sidecarNative === 'true';
    if (d.sidecarImage !== undefined) k.sidecarImage = d.sidecarImage;
    if (d.sidecarPort !== undefined) k.sidecarPort = Number(d.sidecarPort);
    return k;
  }
  const s: KObject = fc_.spec ?? {};
  const k: Knobs = { name: fc_.metadata?.name };
  for (const role of ['prefill', 'decode', 'encode'] as const) {
    if (!s[role]) continue;
    const { container, role: roleName, ...ref } = s[role];
    k[role] = ref;
    if (container !== undefined) k[`${role}Container`] = container;
    if (roleName !== undefined) k[`${role}Role`] = roleName;
  }
  const e: KObject = s.epp ?? {};
  Object.assign(k, prune({
    version: e.version,
    decider: e.decider,
    nonCachedTokens: e.nonCachedTokens,
    promptTokens: e.promptTokens,
    blockSizeTokens: e.blockSizeTokens,
    scorerWeights: e.scorerWeights,
    eppConfig: e.config,
    routerEnabled: s.router?.enabled,
    gateway: s.router?.gateway && (({ requestTimeout: _t, ...g }) => g)(s.router.gateway),
    requestTimeout: s.router?.gateway?.requestTimeout,
    metricsAuth: s.router?.metricsAuth,
    sidecarNative: s.sidecar?.native,
    sidecarImage: s.sidecar?.image,
    sidecarPort: s.sidecar?.port,
    rules: s.rules,
  }));
  return k;
}

export function configOf(k: Knobs, form: Form): KObject {
  if (form === 'ConfigMap') {
    const ref = (r: { name: string; kind?: string }) => (r.kind ? `${r.kind}/${r.name}` : r.name);
    const data = prune({
      name: k.name,
      prefill: k.prefill && ref(k.prefill),
      decode: k.decode && ref(k.decode),
      encode: k.encode && ref(k.encode),
      prefillContainer: k.prefillContainer,
      decodeContainer: k.decodeContainer,
      encodeContainer: k.encodeContainer,
      prefillRole: k.prefillRole,
      decodeRole: k.decodeRole,
      encodeRole: k.encodeRole,
      eppVersion: k.version,
      decider: k.decider,
      nonCachedTokens: k.nonCachedTokens?.toString(),
      promptTokens: k.promptTokens?.toString(),
      blockSizeTokens: k.blockSizeTokens?.toString(),
      routerEnabled: k.routerEnabled?.toString(),
      gateway: k.gateway && (k.gateway.namespace ? `${k.gateway.namespace}/${k.gateway.name}` : k.gateway.name),
      requestTimeout: k.requestTimeout,
      metricsAuth: k.metricsAuth?.toString(),
      rules: k.rules && Object.entries(k.rules).map(([r, v]) => `${r}=${v}`).join(','),
      sidecarNative: k.sidecarNative?.toString(),
      sidecarImage: k.sidecarImage,
      sidecarPort: k.sidecarPort?.toString(),
    });
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data };
  }
  const stage = (r: Knobs['prefill'], container: string | undefined, role: string | undefined) =>
    container === undefined && role === undefined ? r : prune({ ...(r ?? { name: '' }), container, role });
  const spec = prune({
    prefill: stage(k.prefill, k.prefillContainer, k.prefillRole),
    decode: stage(k.decode, k.decodeContainer, k.decodeRole),
    encode: stage(k.encode, k.encodeContainer, k.encodeRole),
    epp: orNone(prune({
      version: k.version,
      decider: k.decider,
      nonCachedTokens: k.nonCachedTokens,
      promptTokens: k.promptTokens,
      blockSizeTokens: k.blockSizeTokens,
      scorerWeights: k.scorerWeights,
      config: k.eppConfig,
    })),
    router: orNone(prune({
      enabled: k.routerEnabled,
      gateway: k.requestTimeout === undefined ? k.gateway : { ...(k.gateway ?? { name: '' }), requestTimeout: k.requestTimeout },
      metricsAuth: k.metricsAuth,
    })),
    sidecar: orNone(prune({ native: k.sidecarNative, image: k.sidecarImage, port: k.sidecarPort })),
    rules: k.rules,
  });
  return { apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name: k.name ?? 'pair' }, spec };
}

function prune<T extends KObject>(o: T): T {
  for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  return o;
}

function orNone(o: KObject): KObject | undefined {
  return Object.keys(o).length ? o : undefined;
}

// ---- the property ---------------------------------------------------------------------------------------------------

export function enginesOf(list: KObject): { name: string; kind: string; containers: string[] }[] {
  return (list.items as KObject[])
    .filter((i) => ['Deployment', 'StatefulSet', 'LeaderWorkerSet'].includes(i.kind))
    .map((i) => {
      const t = i.spec?.template ?? i.spec?.leaderWorkerTemplate?.leaderTemplate ?? i.spec?.leaderWorkerTemplate?.workerTemplate;
      const containers = Array.isArray(t?.spec?.containers) ? t.spec.containers.map((c: KObject) => c?.name).filter((n: unknown) => typeof n === 'string') : [];
      return { name: i.metadata.name, kind: i.kind, containers };
    });
}

/**
 * The ResourceList with `config` as its functionConfig (pd-disagg configs among the items are left out), carrying
 * the file kpt read it from, as kpt's `configPath` gives it (measured with kpt 1.0.0-beta.56): the config's identity
 * across edits, so a config moved to other workloads finds the pair it made (src/plan/owned.ts configIdOf). Feeding
 * the output back to the next render is what kpt does; kustomize, Argo CD and Helm always render the sources.
 */
function withConfig(list: KObject, config: KObject): string {
  const items = (list.items as KObject[]).filter((i) => i.kind !== 'PrefillDecode' && !(i.kind === 'ConfigMap' && i.metadata?.name === 'function-input'));
  const functionConfig = structuredClone(config);
  functionConfig.metadata = { ...functionConfig.metadata, annotations: { ...(functionConfig.metadata?.annotations ?? {}), 'config.kubernetes.io/path': KPT_CONFIG_PATH } };
  return stringify({ apiVersion: list.apiVersion, kind: 'ResourceList', items, functionConfig }, { lineWidth: 0 });
}

export const KPT_CONFIG_PATH = 'pd-disagg-fn.yaml';

/**
 * A base with spare workloads, so edits of spec.prefill / spec.decode move the config to other workloads: a copy of
 * each engine workload named `<name>-b`, and the config naming the original prefill and decode explicitly (so the
 * base still renders: by discovery alone two candidates per role would be an error). Undefined when the base does not
 * render, has no config of its own, or is not two engine workloads.
 */
export function withSpareWorkloads(baseText: string): string | undefined {
  const base = parse(baseText) as KObject;
  const out = run(baseText);
  if (out.exitCode !== 0 || !base.functionConfig || base.functionConfig.kind !== 'PrefillDecode') return undefined;
  const rendered = parse(out.stdout).items as KObject[];
  const roleOf = (name: string) => {
    const r = rendered.find((i) => i.metadata?.name === name && ['Deployment', 'StatefulSet', 'LeaderWorkerSet'].includes(i.kind));
    return r?.metadata?.annotations?.['pd-disagg.dev/pair'] !== undefined ? r : undefined;
  };
  const engines = enginesOf(base).filter((e) => roleOf(e.name));
  // a plain prefill/decode pair of workloads (not a DisaggregatedSet, not E/P/D with an encode stage)
  if (engines.length !== 2 || base.functionConfig.spec?.encode !== undefined) return undefined;
  const decodeRef = roleOf(engines[0]!.name)?.metadata?.annotations?.['pd-disagg.dev/pair'] as string;
  const decode = engines.find((e) => `${e.kind}/${e.name}` === decodeRef);
  const prefill = engines.find((e) => e !== decode);
  if (!decode || !prefill) return undefined;
  const spares = (base.items as KObject[])
    .filter((i) => i.metadata?.name === decode.name || i.metadata?.name === prefill.name)
    .map((i) => {
      const copy = structuredClone(i);
      copy.metadata.name = `${i.metadata.name}-b`;
      if (isPlainObject(copy.metadata.annotations)) {
        for (const k of Object.keys(copy.metadata.annotations)) if (/config\.k(ubernetes\.io|8s\.io)\/|^internal\./.test(k)) delete copy.metadata.annotations[k];
      }
      return copy;
    });
  const fc = structuredClone(base.functionConfig);
  fc.spec = { ...(fc.spec ?? {}), prefill: { ...(fc.spec?.prefill ?? {}), name: prefill.name }, decode: { ...(fc.spec?.decode ?? {}), name: decode.name } };
  return stringify({ ...base, items: [...base.items, ...spares], functionConfig: fc }, { lineWidth: 0 });
}

export function applyEdits(k: Knobs, edits: readonly Edit[], form: Form, engines: { name: string; kind: string }[]): Knobs {
  const values = fieldValues(engines);
  const out: Knobs = structuredClone(k);
  for (const e of edits) {
    if (form === 'ConfigMap' && TYPED_ONLY.has(e.field)) continue;
    const choices = values[e.field] as unknown[];
    const v = choices[e.value % choices.length];
    if (v === undefined) delete out[e.field];
    else (out as Record<string, unknown>)[e.field] = structuredClone(v);
  }
  if (form === 'PrefillDecode' && out.name === undefined) out.name = 'pair';
  return out;
}

const KPT_POSITION = ['config.kubernetes.io/path', 'config.kubernetes.io/index', 'internal.config.kubernetes.io/path', 'internal.config.kubernetes.io/index', 'config.k8s.io/id'];

/** Items without kpt's path/index annotations (and without an annotations map left empty by that). */
export function comparable(items: KObject[]): KObject[] {
  return items.map((item) => {
    const copy = structuredClone(item);
    const a = copy.metadata?.annotations;
    if (isPlainObject(a)) {
      for (const k of KPT_POSITION) delete a[k];
      if (Object.keys(a).length === 0) delete copy.metadata.annotations;
    }
    return copy;
  });
}

export interface Outcome {
  /** the case did not apply (the base config does not render) */
  skipped?: string;
  fresh: { exitCode: number; items: KObject[]; stderr: string };
  again: { exitCode: number; items: KObject[]; stderr: string };
}

/** render(edit(render(x))) and render(edit(x)) for one case. */
export function converge(baseText: string, form: Form, edits: readonly Edit[]): Outcome {
  const base = parse(baseText) as KObject;
  const engines = enginesOf(base);
  const k0 = knobsOf(base.functionConfig && (base.functionConfig.kind === 'ConfigMap' && !base.functionConfig.data ? undefined : base.functionConfig));
  const x = withConfig(base, configOf(form === 'ConfigMap' ? stripTyped(k0) : k0, form));
  const first = run(x);
  const k1 = applyEdits(form === 'ConfigMap' ? stripTyped(k0) : k0, edits, form, engines);
  const freshOut = run(withConfig(base, configOf(k1, form)));
  const fresh = { exitCode: freshOut.exitCode, items: freshOut.stdout ? (parse(freshOut.stdout).items as KObject[]) : [], stderr: freshOut.stderr };
  if (first.exitCode !== 0) return { skipped: `the base does not render: ${first.stderr.split('\n')[0]}`, fresh, again: fresh };
  const rendered = parse(first.stdout) as KObject;
  const againOut = run(withConfig(rendered, configOf(k1, form)));
  const again = { exitCode: againOut.exitCode, items: againOut.stdout ? (parse(againOut.stdout).items as KObject[]) : [], stderr: againOut.stderr };
  return { fresh, again };
}

function stripTyped(k: Knobs): Knobs {
  const out = { ...k };
  for (const f of TYPED_ONLY) delete out[f];
  return out;
}

/** Throws when the re-render does not give the fresh render. */
export function checkConverges(baseText: string, c: { form: Form; edits: readonly Edit[] }): void {
  const o = converge(baseText, c.form, c.edits);
  if (o.skipped) return;
  if (o.again.exitCode !== o.fresh.exitCode) {
    throw new Error(`re-render exit ${o.again.exitCode}, fresh render exit ${o.fresh.exitCode}\nre-render stderr: ${o.again.stderr}\nfresh stderr: ${o.fresh.stderr}`);
  }
  if (o.fresh.exitCode !== 0) return;
  const a = comparable(o.again.items);
  const b = comparable(o.fresh.items);
  const as = stringify(a, { lineWidth: 0 });
  const bs = stringify(b, { lineWidth: 0 });
  if (as !== bs) throw new Error(`re-render differs from a fresh render:\n${firstDifference(bs, as)}`);
}

function firstDifference(fresh: string, again: string): string {
  const f = fresh.split('\n');
  const a = again.split('\n');
  let i = 0;
  while (i < f.length && f[i] === a[i]) i++;
  const from = Math.max(0, i - 8);
  return `--- fresh render\n${f.slice(from, i + 12).join('\n')}\n+++ re-render\n${a.slice(from, i + 12).join('\n')}`;
}
