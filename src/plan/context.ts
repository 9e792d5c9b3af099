// The pair as plan() builds it and the pair rules (src/validate) read it: the pair as it will be written. plan()
// applies its operations to a copy of each engine workload (src/plan/plan.ts), so the injected env, ports, /dev/shm
// volume, labels and routing sidecar are there, and `planned` says which list entries are the plan's rather than the user's.
import type { EngineModel } from '../engines/types.js';
import type { RouterVersion } from '../router/types.js';
import type { KObject, ResourceRef } from '../types.js';

/** One engine workload in its role, as discovery found it. */
export interface EngineSide extends StageSide {
  role: 'prefill' | 'decode';
}

/** Any stage's engine workload: prefill, decode, or (E/P/D) encode. */
export interface StageSide {
  role: 'prefill' | 'decode' | 'encode';
  resource: ResourceRef;
  /** the workload object as it will be written: the plan's edits applied to a copy of what was read */
  object: KObject;
  /** kpt-style path of the serving pod template, e.g. spec.template or spec.leaderWorkerTemplate.leaderTemplate */
  templatePath: string;
  /** the serving pod template as it will be written (at templatePath in object), {} when it is not a mapping */
  template: KObject;
  /** path of the engine container, e.g. spec.template.spec.containers[0] */
  containerPath: string;
  container: KObject;
  /** the engine container's launch line and env, read from the planned container */
  engine: EngineModel;
  replicas: number;
  /** kpt-style paths of the list entries the plan appends to this workload (env, ports, mounts, volumes, the sidecar):
   * a finding about one of them points at the user's input instead, which does not have it */
  planned: ReadonlySet<string>;
  /** the DisaggregatedSet role playing this stage (spec.roles[].name), when the pair is a set */
  setRole?: string;
}

/** The LWS DisaggregatedSet the pair's stages are roles of. */
export interface SetContext {
  resource: ResourceRef;
  /** every role name of the set, in spec.roles order */
  roles: string[];
  /** the role names that play the stages, in stage order */
  stageRoles: string[];
}

export interface PairContext {
  version: RouterVersion;
  prefill: EngineSide;
  decode: EngineSide;
  /** the port the InferencePool targets: the prefill engine and the decode sidecar listen on it */
  poolPort: number;
  /** how many ports the pool targets: [poolPort, poolPort + n), one per data-parallel HTTP rank (at most 8) */
  poolPortCount: number;
  /** HTTP ports each engine's pod serves (vLLM multi-port external LB: one per local DP rank), before the limit of 8 */
  httpPorts: { prefill: number; decode: number };
  /** the decode pod's routing sidecar, whether it was there or the plan injects it (the container as planned) */
  sidecar?: { containerPath: string; container: KObject; targetPort: number; targetPath?: string; injected: boolean };
  /** block size the EPP config uses (override, or derived from the decode engine) */
  eppBlockSizeTokens: number;
  /** the NIXL side-channel port each vLLM engine uses */
  sideChannelPort: { prefill?: number; decode?: number };
  /** the pair is roles of one DisaggregatedSet */
  set?: SetContext;
  /** E/P/D: the encode engine (no sidecar, in the pool on the pool port) and how its encoder cache reaches prefill */
  encode?: StageSide;
  ec?: EcPlan;
}

/** How the encoder cache moves from the encode engine to prefill, as planned from the encode engine's EC connector. */
export interface EcPlan {
  /** nixl: ECCPUConnector with ec_enable_nixl (P2P over NIXL); shared-storage: ECExampleConnector (a path both mount);
   * local: ECCPUConnector without NIXL (an mmap region of one host); other: a connector pd-disagg does not know */
  mode: 'nixl' | 'shared-storage' | 'local' | 'other' | 'none';
  /** the decode sidecar's --ec-connector that speaks to it */
  sidecarConnector: 'ec-nixl' | 'ec-example';
  /** the encode engine's EC side-channel port (nixl mode) */
  sideChannelPort?: number;
}
