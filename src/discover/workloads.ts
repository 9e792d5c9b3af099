// Discover, part 1: which items are engine workloads, and where their serving pod template is.

import type { WorkloadKind } from '../config/types.js';
import type { PdConfig } from '../config/types.js';
import type { Item } from '../read/resource-list.js';
import { isPlainObject, type KObject, type ResourceRef } from '../types.js';
import type { Path } from '../paths.js';

export interface Workload {
  item: Item;
  kind: WorkloadKind;
  /** the pod template that serves: spec.template, or the LeaderWorkerSet leader template */
  templatePath: Path;
  template: KObject;
  replicas: number;
}

interface WorkloadShape {
  group: RegExp;
  /** candidate pod template paths, first present wins */
  templates: Path[];
  replicas: Path;
}

// A LeaderWorkerSet's leader serves the API; without a leaderTemplate the worker template is used for the leader too.
const WORKLOAD_SHAPES: Record<WorkloadKind, WorkloadShape> = {
  Deployment: { group: /^apps\/v1$/, templates: [['spec', 'template']], replicas: ['spec', 'replicas'] },
  StatefulSet: { group: /^apps\/v1$/, templates: [['spec', 'template']], replicas: ['spec', 'replicas'] },
  LeaderWorkerSet: {
    group: /^leaderworkerset\.x-k8s\.io\//,
    templates: [
      ['spec', 'leaderWorkerTemplate', 'leaderTemplate'],
      ['spec', 'leaderWorkerTemplate', 'workerTemplate'],
    ],
    replicas: ['spec', 'replicas'],
  },
};

export function getIn(object: unknown, path: Path): unknown {
  let cur: unknown = object;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Items pd-disagg must never edit: kpt/kustomize plumbing, local-config objects and the functionConfig itself. */
export function isPassThrough(item: Item, functionConfig?: ResourceRef): boolean {
  const { ref, object } = item;
  if (ref.kind === 'Kptfile' && ref.apiVersion.startsWith('kpt.dev/')) return true;
  if ((ref.kind === 'Kustomization' || ref.kind === 'Component') && ref.apiVersion.startsWith('kustomize.config.k8s.io/')) return true;
  const annotations = object.metadata?.annotations;
  if (isPlainObject(annotations) && String(annotations['config.kubernetes.io/local-config']).toLowerCase() === 'true') return true;
  if (functionConfig && sameRef(ref, functionConfig)) return true;
  return false;
}

export function sameRef(a: ResourceRef, b: ResourceRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

export function asWorkload(item: Item): Workload | undefined {
  const shape = Object.hasOwn(WORKLOAD_SHAPES, item.ref.kind) ? WORKLOAD_SHAPES[item.ref.kind as WorkloadKind] : undefined;
  if (!shape || !shape.group.test(item.ref.apiVersion)) return undefined;
  for (const templatePath of shape.templates) {
    const template = getIn(item.object, templatePath);
    if (isPlainObject(template)) {
      const replicas = getIn(item.object, shape.replicas);
      return {
        item,
        kind: item.ref.kind as WorkloadKind,
        templatePath,
        template,
        replicas: typeof replicas === 'number' ? replicas : 1,
      };
    }
  }
  return undefined;
}

export function findWorkloads(items: readonly Item[], config: PdConfig): Workload[] {
  const out: Workload[] = [];
  for (const item of items) {
    if (isPassThrough(item, config.ref)) continue;
    const w = asWorkload(item);
    if (w) out.push(w);
  }
  return out;
}

/** Kinds users name that run engines through their own controller, which pd-disagg cannot edit: what they are and
 * what to do instead. Matched by kind and API group. */
const UNSUPPORTED_KINDS: ReadonlyArray<{ kind: string; group: RegExp; what: string; instead: string }> = [
  {
    kind: 'LLMInferenceService',
    group: /^serving\.kserve\.io\//,
    what: "KServe's controller creates the prefill and decode Deployments, the routing sidecar and the InferencePool from it",
    instead: "configure P/D in the LLMInferenceService itself (spec.prefill, spec.router.scheduler), or render the Deployments its controller creates and name those here",
  },
  {
    kind: 'ModelDeployment',
    group: /modelplane/,
    what: "modelplane's composition renders the engine Deployments (and its own PrefillDecode wiring) from it",
    instead: 'set P/D in the ModelDeployment (its engines and phases), or run pd-disagg on the Deployments the composition renders',
  },
  {
    kind: 'DisaggregatedSet',
    group: /^disaggregatedset\.x-k8s\.io\//,
    what: "its controller stamps the prefill and decode LeaderWorkerSets out of spec.roles per slice, and pd-disagg does not edit those role templates",
    instead: 'wire the sidecar and pool as the llm-d pd-disaggregation guide does for it, or deploy prefill and decode as LeaderWorkerSets or Deployments and name those here',
  },
  {
    kind: 'DynamoGraphDeployment',
    group: /^nvidia\.com\//,
    what: 'NVIDIA Dynamo runs its own frontend, router and KV transfer for the graph; the llm-d router does not drive it',
    instead: "keep P/D in the Dynamo graph (its prefill and decode worker services), or deploy the engines as Deployments/LeaderWorkerSets and name those here",
  },
  {
    kind: 'DynamoComponentDeployment',
    group: /^nvidia\.com\//,
    what: "NVIDIA Dynamo's operator runs the component with its own router and KV transfer",
    instead: "keep P/D in the Dynamo graph, or deploy the engines as Deployments/LeaderWorkerSets and name those here",
  },
];

export function unsupportedKind(ref: ResourceRef): { what: string; instead: string } | undefined {
  const hit = UNSUPPORTED_KINDS.find((k) => k.kind === ref.kind && k.group.test(ref.apiVersion));
  return hit ? { what: hit.what, instead: hit.instead } : undefined;
}

export function describe(ref: ResourceRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
