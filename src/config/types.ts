import type { DeciderKind, RouterVersion } from '../router/types.js';
import type { RuleOverrides } from '../validate/registry.js';
import type { KObject, ResourceRef } from '../types.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'LeaderWorkerSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface WorkloadSelector {
  name: string;
  kind?: WorkloadKind;
  /** the engine container's name, when it is not engine/vllm/sglang or the only one launching an engine */
  container?: string;
}

/** The functionConfig, whichever form it came in, with every default filled in. */
export interface PdConfig {
  form: 'PrefillDecode' | 'ConfigMap' | 'none';
  /** the functionConfig object itself, so it can be recognised among the items and left alone */
  ref?: ResourceRef;
  /** base name of generated resources; undefined → derived from the workload names */
  name?: string;
  prefill?: WorkloadSelector;
  decode?: WorkloadSelector;
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
  router: { enabled: boolean; gateway?: { name: string; namespace?: string; requestTimeout?: string } };
  sidecar: { native: boolean; image?: string; port: number };
  rules: RuleOverrides;
}
