// The typed description of one engine container: the single place engine flags are read.
// Everything downstream (discovery, planning, the rules) asks this model, never the raw args.

import type { KObject, Severity } from '../types.js';
import type { IssueCode } from './issue-codes.js';

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

/** vLLM's ECTransferConfig (vllm/config/ec_transfer.py) as far as E/P/D cares; unknown keys are kept. */
export interface EcTransferConfig {
  ec_connector?: string;
  ec_role?: string;
  ec_connector_extra_config?: Record<string, unknown>;
  [key: string]: unknown;
}

/** the ec_role values of vLLM's ECTransferConfig: the encode engine produces, prefill consumes */
export const EC_PRODUCER = 'ec_producer';
export const EC_CONSUMER = 'ec_consumer';

export interface EngineEnvVar {
  name: string;
  value?: string;
  valueFrom?: KObject;
  /** e.g. `env[2]` */
  path: ContainerPath;
  /** `value` after the kubelet's `$(VAR)` expansion against the env entries before it; set only when it differs */
  expandedValue?: string;
}

/** How the engine invocation was found in the container. */
export interface LaunchInfo {
  /** `command`: in command/args as a list; `shell`: inside an `sh -c` script; `image-entrypoint`: args only,
   * the image's ENTRYPOINT is assumed to be the launcher */
  via: 'command' | 'shell' | 'image-entrypoint';
  /** the first launcher token (e.g. `command[0]`), or the shell script item; undefined for image-entrypoint */
  path?: ContainerPath;
  /** for `shell`: the shell program as written, e.g. `/bin/sh` */
  shell?: string;
}

/** One flag as it appears on the launch line, in order. */
export interface FlagOccurrence {
  /** canonical name (aliases resolved, vLLM underscores turned into dashes), e.g. `--tensor-parallel-size` */
  name: string;
  /** the flag as written, before any `=`, e.g. `-tp`, `--kv_transfer_config`, `--kv-transfer-config.kv_role` */
  spelling: string;
  /** the value text; undefined for bare booleans (several values of an nargs='+' flag are joined by a space) */
  value?: string;
  /** the separate values of an nargs='+' flag (`--served-model-name a b`) */
  values?: string[];
  /** `--no-x` */
  negated?: boolean;
  /** for dotted JSON pieces (`--x.a.b v`): the key path, e.g. `['a', 'b']` */
  dottedKey?: string[];
  /** position in `argv` of the flag token */
  index: number;
  path: ContainerPath;
  /** where the value was, when it was a separate item (`--port`, `8200`) */
  valuePath?: ContainerPath;
}

/** A problem found while reading the launch line (bad JSON, `--port=abc`, ...). */
export interface ParseIssue {
  code: IssueCode;
  severity: Severity;
  message: string;
  path: ContainerPath;
}

/** A field whose value is only known when the pod runs (`$((LWS_GROUP_SIZE * 8))`, `$(hostname)`, a variable
 * from the downward API or the image). */
export interface RuntimeValue {
  /** what holds it, e.g. `--port`, `env VLLM_NIXL_SIDE_CHANNEL_PORT` */
  what: string;
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
  /** vLLM `--ec-transfer-config` (E/P/D: the encoder cache transfer between encode and prefill) */
  ecTransferConfig?: Sourced<EcTransferConfig>;
  /** vLLM `--mm-encoder-only`: the engine runs only the multimodal encoder (an encode stage) */
  mmEncoderOnly?: Sourced<boolean>;
  /** env `VLLM_EC_SIDE_CHANNEL_PORT` when set to a literal (the encoder cache's NIXL side channel) */
  ecSideChannelPort?: Sourced<number>;
  sglang?: SglangDisaggregation;
  env: Record<string, EngineEnvVar>;
  issues: ParseIssue[];

  // ---- additions (all optional so hand-built models in tests stay valid) ----
  /** how the engine invocation was found */
  launch?: LaunchInfo;
  /** container path of each `argv` item (parallel to `argv`); shell-split tokens all point at the script item */
  argvPaths?: ContainerPath[];
  /** every flag occurrence in order (what `flags` was folded from) */
  occurrences?: FlagOccurrence[];
  /** positional arguments after the launcher (for `vllm serve`, the first is the model) */
  positionals?: Sourced<string>[];
  /** vLLM `--data-parallel-size-local` */
  dataParallelLocal?: Sourced<number>;
  /** vLLM `--config file.yaml`: flags inside it are not visible to this model */
  configFile?: Sourced<string>;
  /** env `VLLM_NIXL_SIDE_CHANNEL_PORT` when set to a literal; undefined otherwise (the vLLM default is
   * version-dependent: 5600 since v0.11.1, 5557 before) */
  nixlSideChannelPort?: Sourced<number>;
  /** fields (EngineModel keys, `sglang.bootstrapPort`, ...) whose value is only known at run time; a mandatory one
   * (port, tensorParallel, ...) then holds the engine default as a stand-in. Rules that need one do not run. */
  unknown?: Record<string, RuntimeValue>;
}
