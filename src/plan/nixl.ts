// NIXL plumbing per engine dialect. vLLM's NixlConnector advertises VLLM_NIXL_SIDE_CHANNEL_HOST to its peer, and the
// default (localhost) makes the decode engine dial itself: the handshake fails with nothing in the engine logs
// (vllm#27083). Both engines also want a Memory-backed /dev/shm: the container runtime's 64Mi default breaks NCCL and
// UCX shared memory as soon as TP > 1, and modelplane's fix left an unmounted `nixl-shm` volume behind when a /dev/shm
// mount already existed, which is why the mount is looked up before any volume is added.

import { flagValue } from '../engines/index.js';
import type { EngineKind, EngineModel, Sourced } from '../engines/types.js';
import type { KObject } from '../types.js';

export interface NixlEnvSpec {
  /** env var → value to inject when the user has not set it */
  inject: Record<string, KObject>;
  /** env var holding the side-channel port, and its default (vLLM ≥ 0.11.1: 5600; it was 5557 before, vllm PR #25056) */
  portEnv?: { name: string; default: number };
}

const VLLM_PORT_ENV = { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', default: 5600 };

export const NIXL_BY_ENGINE: Record<EngineKind, NixlEnvSpec> = {
  vllm: {
    inject: {
      VLLM_NIXL_SIDE_CHANNEL_HOST: { valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      VLLM_NIXL_SIDE_CHANNEL_PORT: { value: '5600' },
    },
    portEnv: VLLM_PORT_ENV,
  },
  // SGLang picks its bootstrap address itself; none of vLLM's variables apply.
  sglang: { inject: {} },
};

export const SHM_MOUNT_PATH = '/dev/shm';
export const SHM_VOLUME_NAMES = ['dshm', 'pd-disagg-shm'];

/** The container port name of the side-channel port of local DP rank `rank` (≤ 15 characters, as Kubernetes wants). */
export function nixlPortName(rank: number): string {
  return rank === 0 ? 'nixl' : `nixl-dp${rank}`;
}

/**
 * How many data-parallel ranks run in one vLLM pod: each listens for NIXL handshakes on its own port,
 * VLLM_NIXL_SIDE_CHANNEL_PORT + rank, so the pod needs [port, port + count). One listener per rank, not per
 * tensor-parallel worker: since vllm PR #26338 the engine's scheduler serves all its TP workers' metadata from one
 * socket (vllm nixl_connector.py NixlConnectorScheduler @ 002a1057 / 0f120751), so --tensor-parallel-size adds no
 * port; before that PR each TP worker listened on base + dp_rank * tp_size + tp_rank (docs/nixl-side-channel.md).
 * `--data-parallel-size-local` when given; one rank when the pod runs a single external-LB rank (`--data-parallel-rank`);
 * otherwise every rank of `--data-parallel-size` runs here. vLLM engines only: every caller has checked the kind (the
 * NIXL side channel, the EC connector are vLLM's).
 */
export function localDataParallel(engine: EngineModel): Sourced<number> {
  if (engine.dataParallelLocal) return engine.dataParallelLocal;
  if (flagValue(engine, '--data-parallel-rank') !== undefined) return { value: 1 };
  return engine.dataParallel;
}

/** The side-channel base port of a vLLM engine: the literal env value, the default when unset, undefined when the
 * env is set to something not readable here (valueFrom, an unresolved $(VAR)). vLLM engines only (see above). */
export function sideChannelBasePort(engine: EngineModel): number | undefined {
  if (engine.nixlSideChannelPort) return engine.nixlSideChannelPort.value;
  return engine.env[VLLM_PORT_ENV.name] ? undefined : VLLM_PORT_ENV.default;
}
