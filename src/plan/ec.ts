// E/P/D: how the encoder cache (EC) moves from the encode engine to prefill, per vLLM EC connector, and what the encode
// pod needs for it. Facts:
//  - vLLM vllm/distributed/ec_transfer/ec_connector/factory.py registers ECExampleConnector (a shared_storage_path the
//    producer writes and the consumer reads, keyed by mm_hash); ECCPUConnector (vllm PR #47941) keeps encoder outputs
//    in an mmap region under /dev/shm and, with ec_connector_extra_config.ec_enable_nixl, serves them to the consumer
//    over NIXL from a side channel the producer announces (VLLM_EC_SIDE_CHANNEL_HOST / VLLM_EC_SIDE_CHANNEL_PORT).
//  - The decode sidecar speaks to them with --ec-connector: ec-example (fan out to the encoders, then prefill; any
//    mm_hash-keyed store) from llm-d-inference-scheduler v0.8.0, ec-nixl (collects each encoder's ec_transfer_params
//    and hands them to prefill) from llm-d-router v0.9.0 (#1444).
//  - llm-d/llm-d guides/multimodal-serving/e-disaggregation (vllm e-p-d base): the encoder runs ECCPUConnector
//    ec_producer with ec_enable_nixl, VLLM_EC_SIDE_CHANNEL_HOST from status.podIP, VLLM_EC_SIDE_CHANNEL_PORT 5610 as
//    container port `ec-nixl`, and a Memory /dev/shm; prefill runs the same connector as ec_consumer.
import type { EcTransferConfig, EngineModel } from '../engines/types.js';
import type { KObject } from '../types.js';
import type { EcPlan } from './context.js';

export const EC_CPU_CONNECTOR = 'ECCPUConnector';
export const EC_EXAMPLE_CONNECTOR = 'ECExampleConnector';
const EC_SIDE_CHANNEL_HOST_ENV = 'VLLM_EC_SIDE_CHANNEL_HOST';
export const EC_SIDE_CHANNEL_PORT_ENV = 'VLLM_EC_SIDE_CHANNEL_PORT';
/** the llm-d guide's port (pd-disagg sets it explicitly, so the declared container port is the one the engine opens) */
export const EC_SIDE_CHANNEL_DEFAULT_PORT = 5610;
export const EC_PORT_NAME = 'ec-nixl';
/** ECExampleConnector's storage path when ec_connector_extra_config.shared_storage_path is unset (vllm PR #25233) */
export const EC_EXAMPLE_DEFAULT_PATH = '/tmp';

/** Whether ECCPUConnector's NIXL mode is on (a JSON true, or the string "true" as some configs carry it). */
export function ecNixlEnabled(cfg: EcTransferConfig | undefined): boolean {
  const v = cfg?.ec_connector_extra_config?.ec_enable_nixl;
  return v === true || v === 'true';
}

export function ecMode(cfg: EcTransferConfig | undefined): EcPlan['mode'] {
  if (!cfg || typeof cfg.ec_connector !== 'string' || cfg.ec_connector === '') return 'none';
  if (cfg.ec_connector === EC_CPU_CONNECTOR) return ecNixlEnabled(cfg) ? 'nixl' : 'local';
  if (cfg.ec_connector === EC_EXAMPLE_CONNECTOR) return 'shared-storage';
  return 'other';
}

/** The sidecar protocol for a mode: ec-nixl for the NIXL transfer; ec-example (encoders first, then prefill, which
 * finds the cache by mm_hash) for every store-keyed connector. */
export function sidecarEcConnector(mode: EcPlan['mode']): EcPlan['sidecarConnector'] {
  return mode === 'nixl' ? 'ec-nixl' : 'ec-example';
}

/** The env the encode engine needs for the NIXL mode, when the user has not set it. */
export function ecSideChannelEnv(): Record<string, KObject> {
  return {
    [EC_SIDE_CHANNEL_HOST_ENV]: { valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    [EC_SIDE_CHANNEL_PORT_ENV]: { value: String(EC_SIDE_CHANNEL_DEFAULT_PORT) },
  };
}

/** The encode engine's EC side-channel port: the literal env value, ours when unset, undefined when unreadable. */
export function ecSideChannelPort(engine: EngineModel): number | undefined {
  if (engine.ecSideChannelPort) return engine.ecSideChannelPort.value;
  return engine.env[EC_SIDE_CHANNEL_PORT_ENV] ? undefined : EC_SIDE_CHANNEL_DEFAULT_PORT;
}

/** ECExampleConnector's storage directory. */
export function ecStoragePath(cfg: EcTransferConfig | undefined): string {
  const p = cfg?.ec_connector_extra_config?.shared_storage_path;
  return typeof p === 'string' && p !== '' ? p : EC_EXAMPLE_DEFAULT_PATH;
}
