// The typed description of one engine container: the single place engine flags are read.
// Everything downstream (discovery, planning, the rules) asks this model, never the raw args.

import type { KObject, Severity } from '../types.js';

export type EngineKind = 'vllm' | 'sglang';

/** A path relative to the container object, e.g. `args[3]`, `command[2]`, `env[1].value`. */
export type ContainerPath = string;

/** A value and where it came from. `path` is undefined when the value is the engine's default. */
export interface Sourced<T> {
  value: T;
  path?: ContainerPath;
  /** the text as written (before conversion), when it came from the manifest */
  raw?: string;
}

/** vLLM's KVTransferConfig as far as P/D cares; unknown keys are kept. */
export interface KvTransferConfig {
  kv_connector?: string;
  kv_role?: string;
  engine_id?: string;
  kv_buffer_device?: string;
  kv_connector_extra_config?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface EngineEnvVar {
  name: string;
  value?: string;
  valueFrom?: KObject;
  /** e.g. `env[2]` */
  path: ContainerPath;
}

/** A problem found while reading the launch line (bad JSON, `--port=abc`, ...). */
export interface ParseIssue {
  code: string;
  severity: Severity;
  message: string;
  path: ContainerPath;
}

export interface SglangDisaggregation {
  mode?: Sourced<string>;
  transferBackend?: Sourced<string>;
  bootstrapPort?: Sourced<number>;
  ibDevice?: Sourced<string>;
}

export interface EngineModel {
  kind: EngineKind;
  /** how it is launched, e.g. `vllm serve`, `python -m vllm.entrypoints.openai.api_server`, `python3 -m sglang.launch_server` */
  launcher: string;
  /** the normalised engine argv after the launcher (entrypoint applied, shell split, $(VAR) expanded) */
  argv: string[];
  /** every `--flag` seen, normalised (vLLM: underscores to dashes), last occurrence wins; `true` for bare booleans */
  flags: Map<string, Sourced<string | true>>;
  model?: Sourced<string>;
  servedModelNames?: Sourced<string[]>;
  host?: Sourced<string>;
  /** the HTTP port; the engine default (vLLM 8000, SGLang 30000) with no path when not set */
  port: Sourced<number>;
  /** vLLM `--block-size` / SGLang `--page-size`; undefined when the flag is absent (platform default applies) */
  blockSize?: Sourced<number>;
  tensorParallel: Sourced<number>;
  dataParallel: Sourced<number>;
  pipelineParallel: Sourced<number>;
  dtype?: Sourced<string>;
  kvCacheDtype?: Sourced<string>;
  attentionBackend?: Sourced<string>;
  /** true: `--disable-hybrid-kv-cache-manager`; false: `--no-disable-hybrid-kv-cache-manager`; undefined: not set */
  disableHybridKvCacheManager?: Sourced<boolean>;
  maxModelLen?: Sourced<number>;
  kvTransferConfig?: Sourced<KvTransferConfig>;
  sglang?: SglangDisaggregation;
  env: Record<string, EngineEnvVar>;
  issues: ParseIssue[];
}
