// E/P/D: how the encoder cache (EC) moves from the encode engine to prefill, per vLLM EC connector, and what the encode
// pod needs for it. Facts:
//  - vLLM vllm/distributed/ec_transfer/ec_connector/factory.py registers ECExampleConnector (a shared_storage_path the
//    producer writes and the consumer reads, keyed by mm_hash); ECCPUConnector (vllm PR #47941) keeps encoder outputs
//    in an mmap region under /dev/shm and, with ec_connector_extra_config.ec_enable_nixl, serves them to the consumer
//    over NIXL from a side channel the producer announces (VLLM_EC_SIDE_CHANNEL_HOST / VLLM_EC_SIDE_CHANNEL_PORT).
//  - The side channel (vllm-project/vllm docs/features/ec_cpu_connector.md @ ac2f3d4ace40d7b0b0009f23d8f0d217c3fb973e,
//    "Environment Variables" and "Protocol"; vllm PR #47941): an ec_producer with ec_enable_nixl binds one ZMQ ROUTER
//    on VLLM_EC_SIDE_CHANNEL_HOST (default localhost) : VLLM_EC_SIDE_CHANNEL_PORT (default 5601, one above NIXL's
//    5600). Its scheduler reads envs.VLLM_EC_SIDE_CHANNEL_PORT as is, with no data-parallel offset (unlike the KV
//    NixlConnector's base + DP rank), and each DP rank runs its own scheduler (the mmap region is per rank,
//    /dev/shm/vllm_ec_<instance>_dp<rank>.mmap): a second local DP rank binds the same port and fails to start, so
//    there is one EC port per encode pod, never one per rank (rule ec-side-channel-dp).
//  - The decode sidecar speaks to them with --ec-connector: ec-example (fan out to the encoders, then prefill; any
//    mm_hash-keyed store) from llm-d-inference-scheduler v0.8.0, ec-nixl (collects each encoder's ec_transfer_params
//    and hands them to prefill) from llm-d-router v0.9.0 (#1444).
//  - llm-d/llm-d guides/multimodal-serving/e-disaggregation (vllm e-p-d base): the encoder runs ECCPUConnector
//    ec_producer with ec_enable_nixl, VLLM_EC_SIDE_CHANNEL_HOST from status.podIP, VLLM_EC_SIDE_CHANNEL_PORT (the
//    guide picks 5610) as container port `ec-nixl`, and a Memory /dev/shm; prefill runs the same connector as
//    ec_consumer. pd-disagg sets the port to vLLM's own default, explicitly, so the declared port is the one bound.
import type { EcTransferConfig, EngineModel } from '../engines/types.js';
import type { KObject } from '../types.js';
import type { EcPlan } from './context.js';

export const EC_CPU_CONNECTOR = 'ECCPUConnector';
export const EC_EXAMPLE_CONNECTOR = 'ECExampleConnector';
const EC_SIDE_CHANNEL_HOST_ENV = 'VLLM_EC_SIDE_CHANNEL_HOST';
export const EC_SIDE_CHANNEL_PORT_ENV = 'VLLM_EC_SIDE_CHANNEL_PORT';
/** vLLM's default VLLM_EC_SIDE_CHANNEL_PORT (docs/features/ec_cpu_connector.md, see above); pd-disagg sets it
 * explicitly, so the declared container port is the one the engine opens whatever a later vLLM defaults to */
export const EC_SIDE_CHANNEL_DEFAULT_PORT = 5601;
export const EC_PORT_NAME = 'ec-nixl';
/** ECExampleConnector's storage path when ec_connector_extra_config.shared_storage_path is unset (vllm PR #25233) */
export const EC_EXAMPLE_DEFAULT_PATH = '/tmp';

/** Whether ECCPUConnector's NIXL mode is on (a JSON true, or the string "true" as some configs carry it). */
export function ecNixlEnabled(cfg: EcTransferConfig): boolean {
  const v = cfg.ec_connector_extra_config?.ec_enable_nixl;
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

/** What pd-disagg proposes when neither the encode engine nor prefill has an EC connector: the llm-d guide's
 * ECCPUConnector with NIXL and a 1 GiB region (ec_cpu_bytes, which ECCPUConnector requires; the same value as vLLM's
 * docs/features/ec_cpu_connector.md examples). */
export const DEFAULT_EC_TRANSFER_CONFIG: Readonly<EcTransferConfig> = {
  ec_connector: EC_CPU_CONNECTOR,
  ec_connector_extra_config: { ec_cpu_bytes: 1073741824, ec_enable_nixl: true },
};

/** The --ec-transfer-config a side should have: the other side's connector set up the same way with `role`, else (the
 * other side names none, or an empty one) DEFAULT_EC_TRANSFER_CONFIG, as JSON. */
export function proposedEcConfig(role: string, like: EcTransferConfig | undefined): string {
  const { ec_connector, ec_connector_extra_config } = DEFAULT_EC_TRANSFER_CONFIG;
  return JSON.stringify(ecMode(like) !== 'none' ? { ...like, ec_role: role } : { ec_connector, ec_role: role, ec_connector_extra_config });
}

/** ECExampleConnector's storage directory. */
export function ecStoragePath(cfg: EcTransferConfig | undefined): string {
  const p = cfg?.ec_connector_extra_config?.shared_storage_path;
  return typeof p === 'string' && p !== '' ? p : EC_EXAMPLE_DEFAULT_PATH;
}
