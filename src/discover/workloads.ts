// Discover, part 1: which items are engine workloads, and where their serving pod template is.

import type { WorkloadKind } from '../config/types.js';
import type { PdConfig } from '../config/types.js';
import { isPassThrough, type Item } from '../read/items.js';
import { itemPackage } from '../read/kpt-annotations.js';
import { identityOf, isPlainObject, type KObject, type ResourceRef } from '../types.js';
import { getIn, type Path } from '../paths.js';

export interface Workload {
  item: Item;
  kind: WorkloadKind;
  /** the pod template that serves: spec.template, or the LeaderWorkerSet leader template */
  templatePath: Path;
  template: KObject;
  replicas: number;
  /** LeaderWorkerSet-shaped workloads: where the LeaderWorkerSet spec is (spec, or spec.roles[i].spec of a
   * DisaggregatedSet), for leaderWorkerTemplate.size */
  lwsSpecPath?: Path;
  /** one role of a DisaggregatedSet: its name, its index in spec.roles, and the names of all the set's roles */
  setRole?: SetRole;
}

export interface SetRole {
  name: string;
  index: number;
  roleNames: string[];
}

interface WorkloadShape {
  group: RegExp;
  /** candidate pod template paths, first present wins */
  templates: Path[];
  replicas: Path;
}

// A LeaderWorkerSet's leader serves the API; without a leaderTemplate the worker template is used for the leader too.
const WORKLOAD_SHAPES: Record<Exclude<WorkloadKind, 'DisaggregatedSet'>, WorkloadShape> = {
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

/** The workloads an item holds: one for a Deployment, StatefulSet or LeaderWorkerSet, one per role of a
 * DisaggregatedSet, none for anything else. */
export function asWorkloads(item: Item): Workload[] {
  if (item.ref.kind === 'DisaggregatedSet') return setRoles(item);
  const w = asWorkload(item);
  return w ? [w] : [];
}

export function asWorkload(item: Item): Workload | undefined {
  const shape = Object.hasOwn(WORKLOAD_SHAPES, item.ref.kind) ? WORKLOAD_SHAPES[item.ref.kind as keyof typeof WORKLOAD_SHAPES] : undefined;
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
        ...(item.ref.kind === 'LeaderWorkerSet' ? { lwsSpecPath: ['spec'] } : {}),
      };
    }
  }
  return undefined;
}

/** API group of the LWS DisaggregatedSet (kubernetes-sigs/lws v0.9.0+, api/disaggregatedset/v1). */
export const DISAGGREGATED_SET_GROUP = /^disaggregatedset\.x-k8s\.io\//;

/**
 * The roles of a DisaggregatedSet (kubernetes-sigs/lws v0.9.0 and v0.10.0, api/disaggregatedset/v1/
 * disaggregatedset_types.go): spec.roles[] each hold a name and an inline LeaderWorkerSetTemplateSpec (metadata,
 * spec), so a role's pod templates are spec.roles[i].spec.leaderWorkerTemplate.leaderTemplate and .workerTemplate;
 * the leader serves, and without a leaderTemplate LWS makes the leader from the workerTemplate. The controller stamps
 * one LeaderWorkerSet per slice, revision and role out of each role (pkg/controllers/disaggregatedset/lws_manager.go);
 * spec.slices (v0.10.0, default 1) copies the whole topology, so a role runs replicas × slices groups.
 */
function setRoles(item: Item): Workload[] {
  if (!DISAGGREGATED_SET_GROUP.test(item.ref.apiVersion)) return [];
  const roles = getIn(item.object, ['spec', 'roles']);
  if (!Array.isArray(roles)) return [];
  const slices = getIn(item.object, ['spec', 'slices']);
  const sliceCount = typeof slices === 'number' && Number.isInteger(slices) && slices > 0 ? slices : 1;
  const roleNames = roles.map((r) => (isPlainObject(r) && typeof r.name === 'string' ? r.name : ''));
  const out: Workload[] = [];
  roles.forEach((role, index) => {
    if (!isPlainObject(role) || typeof role.name !== 'string' || role.name === '') return;
    const lwsSpecPath: Path = ['spec', 'roles', index, 'spec'];
    for (const which of ['leaderTemplate', 'workerTemplate']) {
      const templatePath: Path = [...lwsSpecPath, 'leaderWorkerTemplate', which];
      const template = getIn(item.object, templatePath);
      if (!isPlainObject(template)) continue;
      const replicas = getIn(item.object, [...lwsSpecPath, 'replicas']);
      out.push({
        item,
        kind: 'DisaggregatedSet',
        templatePath,
        template,
        replicas: (typeof replicas === 'number' ? replicas : 1) * sliceCount,
        lwsSpecPath,
        setRole: { name: role.name, index, roleNames },
      });
      return;
    }
  });
  return out;
}

/** The engine workloads among the items (never an item pd-disagg leaves alone). kpt nests packages: a parent's
 * functions get the items of every subpackage too, and two packages may hold the same object (a copy of a package in
 * a subdirectory). A workload of the config's own package hides one of another package
 * with the same identity (API group, kind, namespace, name), so each package's config finds its own. */
export function findWorkloads(items: readonly Item[], config: PdConfig): Workload[] {
  const own = config.package;
  const ownIds = new Set(own === undefined ? [] : items.filter((i) => itemPackage(i.object.metadata?.annotations) === own).map((i) => identityOf(i.ref)));
  const out: Workload[] = [];
  for (const item of items) {
    if (isPassThrough(item, config.ref)) continue;
    if (own !== undefined && ownIds.has(identityOf(item.ref))) {
      const pkg = itemPackage(item.object.metadata?.annotations);
      if (pkg !== undefined && pkg !== own) continue;
    }
    out.push(...asWorkloads(item));
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

/** A workload for messages: the resource, and for a DisaggregatedSet the role (`DisaggregatedSet/qwen role ctx`). */
export function describeWorkload(w: Pick<Workload, 'item' | 'setRole'>): string {
  return w.setRole ? `${describe(w.item.ref)} role ${w.setRole.name}` : describe(w.item.ref);
}
