import type { DeciderKind, RouterVersion } from '../router/types.js';
import type { KObject, ResourceRef, RuleOverrides } from '../types.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'LeaderWorkerSet', 'DisaggregatedSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
/** Kinds holding several stages in one object, a stage picked by `role`: the LWS DisaggregatedSet (spec.roles[].name). */
export const MULTI_ROLE_KINDS: readonly string[] = ['DisaggregatedSet'];
export function isMultiRoleKind(kind: string | undefined): boolean {
  return kind !== undefined && MULTI_ROLE_KINDS.includes(kind);
}

/** The stages pd-disagg wires: prefill and decode always, encode (E/P/D) when the config or discovery finds one. */
export const STAGES = ['encode', 'prefill', 'decode'] as const;
export type Stage = (typeof STAGES)[number];

/** Where a stage's workload (or its `container`/`role` key) is set in the config as the user writes it:
 * spec.prefill.role in a PrefillDecode (and with no config), data.prefillRole in a ConfigMap. */
export function stageField(form: PdConfig['form'], stage: Stage, key?: 'container' | 'role'): string {
  if (form === 'ConfigMap') return `data.${stage}${key ? key[0]!.toUpperCase() + key.slice(1) : ''}`;
  return `spec.${stage}${key ? `.${key}` : ''}`;
}

export interface WorkloadSelector {
  name: string;
  kind?: WorkloadKind;
  /** the engine container's name, when it is not engine/vllm/sglang or the only one launching an engine */
  container?: string;
  /** the stage's role name inside a multi-role object (MULTI_ROLE_KINDS); an error on any other kind */
  role?: string;
}

/** The functionConfig, whichever form it came in, with every default filled in. */
export interface PdConfig {
  form: 'PrefillDecode' | 'ConfigMap' | 'none';
  /** the functionConfig object itself, so it can be recognised among the items and left alone */
  ref?: ResourceRef;
  /** the config's identity across edits, written beside the pair marker: set by the pipeline (src/process.ts) from
   * src/plan/owned.ts configIdOf, as it is derived from where the config came from, not from what it says */
  id?: string;
  /** the kpt package the config belongs to (kpt's package-path on the functionConfig), set by the pipeline
   * (src/process.ts): with nested packages, a workload of this package hides a same-named one of another package */
  package?: string;
  /** base name of generated resources; undefined → derived from the workload names */
  name?: string;
  prefill?: WorkloadSelector;
  decode?: WorkloadSelector;
  /** E/P/D: the workload running the multimodal encoder (vLLM ec_producer) */
  encode?: WorkloadSelector;
  epp: {
    version: RouterVersion;
    decider: DeciderKind;
    nonCachedTokens: number;
    promptTokens?: number;
    blockSizeTokens?: number;
    scorerWeights?: { prefixCache?: number; queue?: number };
    /** a whole EndpointPickerConfig the user owns */
    config?: KObject;
  };
  router: {
    enabled: boolean;
    gateway?: { name: string; namespace?: string; requestTimeout?: string };
    /** keep the EPP's /metrics auth and generate its ClusterRole and binding (true), or turn the auth off (false) */
    metricsAuth: boolean;
  };
  sidecar: { native: boolean; image?: string; port: number };
  rules: RuleOverrides;
}
