// The shape of an engine dialect: everything engine-specific about reading a launch line lives in a
// table of this shape (see vllm.ts, sglang.ts). The parser in ../flags.ts is generic over it.

import type { EngineKind } from '../types.js';

/** How a flag takes its value. */
export type FlagArity =
  /** `--x` (store_true / BooleanOptionalAction); never consumes the next token */
  | 'bool'
  /** exactly one value: `--x v` or `--x=v` */
  | 'one'
  /** one or more values (argparse nargs='+'): `--x a b c` */
  | 'many';

export interface FlagSpec {
  /** the canonical spelling, e.g. `--tensor-parallel-size` */
  name: string;
  /** other spellings the engine accepts for the same option, e.g. `-tp` */
  aliases?: readonly string[];
  arity: FlagArity;
  /** a bool that also accepts `--no-<name>` (argparse BooleanOptionalAction) */
  negatable?: boolean;
  /** the value is a JSON object; with a dialect that has `dottedJson`, `--x.key v` pieces are accepted */
  json?: boolean;
}

/** A way of starting the engine: a program (basename) followed by fixed tokens. */
export interface LauncherSpec {
  /** program basename; the special value `python` matches python, python3, python3.12, ... */
  program: string;
  /** tokens that must follow the program, e.g. `['serve']` or `['-m', 'sglang.launch_server']` */
  rest: readonly string[];
  /** whether the first positional argument after the launcher is the model */
  positionalModel: boolean;
}

/** What the engine images' ENTRYPOINT is, for containers that give only `args`. */
export interface ImageEntrypointSpec {
  /** the launcher the entrypoint amounts to */
  launcher: LauncherSpec;
  /** image repository names (the last path segment, without registry, tag or digest) whose ENTRYPOINT is
   * `launcher`; matched exactly so that e.g. a `vllm-router` image is not mistaken for the engine */
  imageRepos: readonly string[];
  /** other images whose ENTRYPOINT is another launcher of the engine (e.g. the llm-d images run
   * `python -m vllm.entrypoints.openai.api_server`) */
  otherImages?: readonly { launcher: LauncherSpec; imageRepos: readonly string[] }[];
  /** container names that conventionally hold this engine (used with `signatureFlags` when the image is unknown) */
  containerNames: readonly string[];
  /** flags no other engine has: an args-only container carrying one runs this engine whatever its name and image */
  exclusiveFlags: readonly string[];
}

/** Converters from flag text to a typed field value. */
export type ValueType =
  | 'string'
  /** a whole number (>= 1 unless `min` says otherwise) */
  | 'int'
  /** a TCP port, 1..65535 */
  | 'port'
  /** vLLM's human-readable int: `32k`, `1M`, plus `auto`/`-1` meaning "derive it" (kept as -1) */
  | 'hrint'
  /** a list of strings (nargs='+' flags) */
  | 'list'
  /** true for `--x`, false for `--no-x` */
  | 'bool'
  /** a JSON object */
  | 'object';

/** Names of EngineModel fields a rule may fill; `sglang.*` fill EngineModel.sglang. */
export type FieldName =
  | 'model'
  | 'servedModelNames'
  | 'host'
  | 'port'
  | 'blockSize'
  | 'tensorParallel'
  | 'dataParallel'
  | 'dataParallelLocal'
  | 'pipelineParallel'
  | 'dtype'
  | 'kvCacheDtype'
  | 'attentionBackend'
  | 'disableHybridKvCacheManager'
  | 'maxModelLen'
  | 'kvTransferConfig'
  | 'ecTransferConfig'
  | 'mmEncoderOnly'
  | 'ecSideChannelPort'
  | 'configFile'
  | 'nixlSideChannelPort'
  | 'sglang.mode'
  | 'sglang.transferBackend'
  | 'sglang.bootstrapPort'
  | 'sglang.ibDevice';

/** Where one EngineModel field comes from. Sources are tried in order: flag, jsonKey, env; then the default. */
export interface FieldRule {
  field: FieldName;
  type: ValueType;
  /** canonical flag name */
  flag?: string;
  /** a key inside a JSON-object flag, e.g. `backend` of `--attention-config` */
  jsonKey?: { flag: string; key: string };
  /** an environment variable of the container (literal values only) */
  env?: string;
  /** the engine's default when nothing is set; it gets no `path` */
  default?: string | number;
}

export interface Dialect {
  kind: EngineKind;
  launchers: readonly LauncherSpec[];
  imageEntrypoint?: ImageEntrypointSpec;
  /** vLLM turns `_` into `-` in `--flag_name` (only before the first `.`); SGLang does not */
  underscoreToDash: boolean;
  /** vLLM accepts `--json-flag.key value` pieces, merged into one object that replaces any whole-JSON value */
  dottedJson: boolean;
  /** single-dash options whose value may be glued on: `-O3`, `-O=3` */
  gluedShort?: Readonly<Record<string, string>>;
  flags: readonly FlagSpec[];
  fields: readonly FieldRule[];
  /** flags that, seen in an args-only container, say "this is that engine" */
  signatureFlags: readonly string[];
  /** a token right after the launcher that is a known mistake, e.g. `serve` repeated after `vllm serve` */
  repeatedLauncherToken?: string;
  /** the KV block size the engine uses when the flag is absent (the platform may force another) */
  defaultBlockSize: number;
  /** what happens when no model is given: `default-model` (vLLM serves a built-in default) or `required` */
  missingModel: 'default-model' | 'required';
}
