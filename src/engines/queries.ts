// Queries over an EngineModel for the pipeline and the rules: a flag's value, the connectors, the HTTP ports, env.

import { dialectFor } from './dialects/index.js';
import { canonicalFlag } from './flags.js';
import type { EngineModel, KvTransferConfig, Sourced } from './types.js';
import { isPlainObj } from './values.js';

/** The final value of a flag, by any spelling the engine accepts (`-tp`, `--tensor_parallel_size`, ...). */
export function flagValue(model: EngineModel, name: string): Sourced<string | true> | undefined {
  return model.flags.get(canonicalFlag(dialectFor(model.kind), name));
}

/** true for `--x`, false for `--no-x` (the last one given wins), undefined when neither is present. */
export function flagBool(model: EngineModel, name: string): boolean | undefined {
  const c = canonicalFlag(dialectFor(model.kind), name);
  if (model.flags.has(c)) return true;
  if (c.startsWith('--') && model.flags.has('--no-' + c.slice(2))) return false;
  return undefined;
}

/** The KV block size, or the engine's default (vLLM 16, SGLang page size 1, no path) when the flag is absent.
 * The platform or attention backend may still force another size at run time. */
export function blockSizeOrDefault(model: EngineModel): Sourced<number> {
  return model.blockSize ?? { value: dialectFor(model.kind).defaultBlockSize };
}

/** The connectors a KV transfer config amounts to: the config itself, or a MultiConnector's children
 * (each child stands alone: it does not inherit the parent's kv_role). */
export function kvConnectors(cfg: KvTransferConfig | undefined): KvTransferConfig[] {
  if (!cfg) return [];
  if (cfg.kv_connector === 'MultiConnector') {
    const children = cfg.kv_connector_extra_config?.connectors;
    return Array.isArray(children) ? (children.filter(isPlainObj) as KvTransferConfig[]) : [];
  }
  return [cfg];
}

/** Is this a NIXL KV connector name (NixlConnector, NixlPullConnector, NixlPushConnector)? */
export const isNixl = (connector: unknown): boolean => typeof connector === 'string' && connector.startsWith('Nixl');

/** The NIXL connectors among the engine's KV connectors. */
export function nixlConnectors(model: EngineModel): KvTransferConfig[] {
  return kvConnectors(model.kvTransferConfig?.value).filter((c) => isNixl(c.kv_connector));
}

/**
 * How many HTTP ports one pod of the engine serves: with vLLM's --data-parallel-multi-port-external-lb each local
 * data-parallel rank runs its own API server on --port + rank (vllm/entrypoints/openai/dp_supervisor.py), so
 * --data-parallel-size-local of them (or --data-parallel-size when that is not given); otherwise one.
 *
 * SGLang: always one. Its data-parallel ranks (`--dp-size`/`--data-parallel-size`, with or without
 * `--enable-dp-attention`) are scheduler processes behind the one HTTP server on `--port`: the tokenizer hands each
 * request to the DataParallelController, which dispatches it over ZMQ to a rank by `--load-balance-method`
 * (sgl-project/sglang python/sglang/srt/managers/data_parallel_controller.py, launch_dp_schedulers and
 * launch_dp_attention_schedulers, at commit 000a3db1c0c42140f14ddab7b4c6dda86de1fa4b). server_args.py (commit
 * 001067fffe33427bee0ed2f007fb7551a1d76b44) has no per-rank port, local-DP-size or external-LB option: the
 * parallelism flags are dp_size and load_balance_method (round_robin, follow_bootstrap_room, total_requests,
 * total_tokens). Per-rank HTTP endpoints with SGLang mean separate server processes, i.e. separate pods or
 * workloads, each one target port.
 */
export function httpPortCount(model: EngineModel): Sourced<number> {
  if (model.kind !== 'vllm' || flagBool(model, '--data-parallel-multi-port-external-lb') !== true) return { value: 1 };
  return model.dataParallelLocal ?? model.dataParallel;
}

/** The literal value of an env var (after $(VAR) expansion); undefined when unset or set via valueFrom. */
export function envValue(model: EngineModel, name: string): string | undefined {
  const e = model.env[name];
  return e?.expandedValue ?? e?.value;
}

