// Router (llm-d EndpointPicker + routing sidecar) versions are data: one table per tag.
import type { KObject } from '../types.js';

export const ROUTER_VERSIONS = ['v0.8.0', 'v0.9.0', 'v0.10.0'] as const;
export type RouterVersion = (typeof ROUTER_VERSIONS)[number];
export const DEFAULT_ROUTER_VERSION: RouterVersion = 'v0.10.0';

export type DeciderKind = 'prefix-based' | 'always';

/** What the user may tune in the generated EndpointPickerConfig (spec.epp). */
export interface EppKnobs {
  decider: DeciderKind;
  nonCachedTokens: number;
  /** v0.10.0+: prompts shorter than this never disaggregate */
  promptTokens?: number;
  blockSizeTokens: number;
  scorerWeights?: { prefixCache?: number; queue?: number };
}

export type SidecarConnector = 'nixlv2' | 'sglang';

export interface SidecarOptions {
  /** the decode engine's HTTP port the sidecar forwards to */
  enginePort: number;
  /** the public port the sidecar listens on (the pool's target port) */
  listenPort: number;
  connector: SidecarConnector;
  /** native sidecar (initContainer with restartPolicy: Always) or a plain container */
  native: boolean;
  image?: string;
}

/** What an existing routing sidecar forwards to. */
export interface SidecarTarget {
  port: number;
  /** container-relative path of the arg that set it; undefined when the version's default applies */
  path?: string;
}

export type { KObject };
