// Building blocks the per-version tables share. Only data and tiny constructors live here; every fact a table states
// was read from that tag's source (see docs/router-versions.md for the files).
import type { PluginInfo, PluginParams, SidecarKvWiring } from '../types.js';

export type ParamShape = Readonly<Record<string, true | readonly string[]>>;

export const IGNORED: PluginParams = { accepts: 'ignored' };
export const UNCHECKED: PluginParams = { accepts: 'unchecked' };

export function params(accepts: ParamShape, legacy?: ParamShape): PluginParams {
  return legacy ? { accepts, legacy } : { accepts };
}

/** Build a plugin record: every listed type defaults to `UNCHECKED`, then `known` fills in what we recorded. */
export function pluginRecord(
  types: readonly string[],
  known: Readonly<Record<string, PluginInfo>>,
): Readonly<Record<string, PluginInfo>> {
  const out: Record<string, PluginInfo> = {};
  for (const type of types) out[type] = known[type] ?? { params: UNCHECKED };
  for (const [type, info] of Object.entries(known)) {
    if (!(type in out)) throw new Error(`router table lists parameters for unregistered plugin ${type}`);
    out[type] = info;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A newer table is written as the previous one plus what changed. These helpers apply the changes and refuse edits
// that do not match the previous table (removing or changing something it lacks, adding something it already has),
// so a stale diff fails at import time instead of silently stating something else.

/** Plugin-map changes from one tag to the next. */
export interface PluginChanges {
  /** types the new tag no longer registers */
  remove?: readonly string[];
  /** types the new tag registers for the first time */
  add?: Readonly<Record<string, PluginInfo>>;
  /** types registered in both: the fields given replace the previous ones (a field set to undefined is dropped) */
  change?: Readonly<Record<string, Partial<PluginInfo>>>;
}

export function nextPlugins(
  prev: Readonly<Record<string, PluginInfo>>,
  { remove = [], add = {}, change = {} }: PluginChanges,
): Readonly<Record<string, PluginInfo>> {
  const out: Record<string, PluginInfo> = { ...prev };
  for (const type of remove) {
    if (!(type in out)) throw new Error(`router table removes plugin ${type}, which the previous version lacks`);
    delete out[type];
  }
  for (const [type, patch] of Object.entries(change)) {
    const before = out[type];
    if (!before) throw new Error(`router table changes plugin ${type}, which the previous version lacks`);
    const merged: Record<string, unknown> = { ...before, ...patch };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    out[type] = merged as unknown as PluginInfo;
  }
  for (const [type, info] of Object.entries(add)) {
    if (type in prev) throw new Error(`router table adds plugin ${type}, which the previous version already has`);
    out[type] = info;
  }
  return out;
}

/** Newly registered types whose parameters pd-disagg has not recorded (optionally with more fields, e.g. alpha). */
export function unchecked(
  types: readonly string[],
  extra: Omit<PluginInfo, 'params'> = {},
): Record<string, PluginInfo> {
  return Object.fromEntries(types.map((t) => [t, { params: UNCHECKED, ...extra }]));
}

/** `info` accepting more top-level parameter names, in its deprecated (legacy) form too when it has one. */
export function withParams(info: PluginInfo | undefined, more: ParamShape): PluginInfo {
  if (!info) throw new Error('router table adds parameters to a plugin the previous version lacks');
  const { accepts, legacy } = info.params;
  if (typeof accepts === 'string') throw new Error(`cannot add parameters to a plugin whose parameters are ${accepts}`);
  return { ...info, params: params({ ...accepts, ...more }, legacy && { ...legacy, ...more }) };
}

/** List changes, positioned so the result keeps the order a full list would have. */
export interface ListChanges {
  remove?: readonly string[];
  /** anchor -> entries inserted right before it */
  before?: Readonly<Record<string, readonly string[]>>;
  /** anchor -> entries inserted right after it */
  after?: Readonly<Record<string, readonly string[]>>;
  append?: readonly string[];
}

export function nextList(
  prev: readonly string[],
  { remove = [], before = {}, after = {}, append = [] }: ListChanges,
): string[] {
  for (const item of remove) {
    if (!prev.includes(item)) throw new Error(`router table removes ${item}, which the previous list lacks`);
  }
  for (const anchor of [...Object.keys(before), ...Object.keys(after)]) {
    if (!prev.includes(anchor) || remove.includes(anchor)) {
      throw new Error(`router table list anchor ${anchor} is not kept`);
    }
  }
  const out: string[] = [];
  for (const item of prev) {
    out.push(...(before[item] ?? []));
    if (!remove.includes(item)) out.push(item);
    out.push(...(after[item] ?? []));
  }
  out.push(...append);
  const added = [...Object.values(before).flat(), ...Object.values(after).flat(), ...append];
  for (const item of added) {
    if (prev.includes(item)) throw new Error(`router table adds ${item}, which the previous list already has`);
  }
  return out;
}

// approx-prefix-cache-producer: same JSON fields in GIE v1.5.0 and llm-d-router v0.9.0/v0.10.0.
export const PRODUCER_PARAMS: ParamShape = {
  autoTune: true,
  blockSizeTokens: true,
  blockSize: true,
  maxPrefixBlocksToMatch: true,
  maxPrefixTokensToMatch: true,
  lruCapacityPerServer: true,
};

export const HANDLER_NESTED: ParamShape = {
  profiles: ['decode', 'prefill', 'encode'],
  deciders: ['prefill', 'encode'],
};

export const HANDLER_FLAT: ParamShape = {
  decodeProfile: true,
  prefillProfile: true,
  encodeProfile: true,
  prefillDeciderPluginName: true,
  encodeDeciderPluginName: true,
  deciderPluginName: true,
};

export const HEADERS_HANDLER_PARAMS: ParamShape = { prefillProfile: true, encodeProfile: true };

export const PICKER_PARAMS: ParamShape = { maxNumOfEndpoints: true };

export const PD_PROFILE_HANDLER_PARAMS: ParamShape = {
  decodeProfile: true,
  prefillProfile: true,
  prefixPluginType: true,
  prefixPluginName: true,
  primaryPort: true,
  deciderPluginName: true,
};

/** Plugins whose factories never read `parameters` in any of the tables (filters, simple scorers, always-decider). */
export const PARAMLESS = [
  'prefill-filter',
  'decode-filter',
  'encode-filter',
  'queue-scorer',
  'kv-cache-utilization-scorer',
  'always-disagg-pd-decider',
  'single-profile-handler',
] as const;

export function paramless(): Record<string, PluginInfo> {
  return Object.fromEntries(PARAMLESS.map((t) => [t, { params: IGNORED }]));
}

// The sidecar's flags that every table shares (pkg/sidecar/proxy/options.go); each table adds its own.
export const SIDECAR_BASE_FLAGS = [
  'port',
  'data-parallel-size',
  'kv-connector',
  'ec-connector',
  'secure-proxy',
  'cert-path',
  'enable-ssrf-protection',
  'enable-prefiller-sampling',
  'pool-group',
  'enable-tls',
  'tls-insecure-skip-verify',
  'inference-pool',
  'max-idle-conns-per-host',
] as const;

// How pd-disagg wires each --kv-connector it injects (src/router/types.ts SidecarKvWiring). The router's own table
// (docs/disaggregation.md "KV Connector", llm-d-router v0.9.0 and v0.10.0) pairs nixlv2 with vLLM's NixlConnector,
// mooncake with MooncakeConnector and sglang with SGLang; each table lists the ones its sidecar has.

/** nixlv2 (connector_nixlv2.go, every tag): vLLM's NIXL connectors; the NIXL side channel is the engines' business */
export const SIDECAR_WIRING_NIXLV2: SidecarKvWiring = {
  engine: 'vllm',
  vllmConnectors: ['NixlConnector', 'NixlPullConnector', 'NixlPushConnector'],
  source: 'pkg/sidecar/proxy/connector_nixlv2.go',
};

/**
 * sglang (connector_sglang.go, every tag): sends bootstrap_host/port/room to both engines; the port is a package
 * variable set once from env SGLANG_BOOTSTRAP_PORT (default 8998), there is no flag. SGLang's prefill serves it on
 * --disaggregation-bootstrap-port (default 8998) with either transfer backend: mooncake and nixl both run the common
 * bootstrap server (sglang python/sglang/srt/disaggregation/{mooncake,nixl}/conn.py, NixlKVBootstrapServer is a
 * CommonKVBootstrapServer), so the same connector serves both.
 */
export const SIDECAR_WIRING_SGLANG: SidecarKvWiring = {
  engine: 'sglang',
  prefillPort: {
    what: "the prefill's SGLang bootstrap server",
    env: 'SGLANG_BOOTSTRAP_PORT',
    default: 8998,
    engine: { flag: '--disaggregation-bootstrap-port', default: 8998 },
  },
  source: 'pkg/sidecar/proxy/connector_sglang.go init()',
};

/**
 * mooncake (llm-d-router v0.9.0+, connector_mooncake.go): asks the prefill pod's Mooncake bootstrap server
 * (GET http://<prefill host>:<port>/query, one server per pod answering for every DP rank) for the engine id, then
 * sends prefill and decode at once. The port is --mooncake-bootstrap-port, else env MOONCAKE_BOOTSTRAP_PORT, else 8998
 * (options.go). vLLM's MooncakeConnector serves it on the prefill (kv_producer) engine at env
 * VLLM_MOONCAKE_BOOTSTRAP_PORT, default 8998 (vllm docs/features/mooncake_connector_usage.md).
 */
export const SIDECAR_WIRING_MOONCAKE: SidecarKvWiring = {
  engine: 'vllm',
  vllmConnectors: ['MooncakeConnector'],
  prefillPort: {
    what: "the prefill's Mooncake bootstrap server",
    flag: 'mooncake-bootstrap-port',
    env: 'MOONCAKE_BOOTSTRAP_PORT',
    default: 8998,
    engine: { env: 'VLLM_MOONCAKE_BOOTSTRAP_PORT', default: 8998 },
  },
  source: 'pkg/sidecar/proxy/connector_mooncake.go, options.go',
};

/** the logging options bind zap's flags plus klog-style -v onto the sidecar's flag set */
export const SIDECAR_LOG_FLAG_PREFIXES = ['zap-'] as const;
export const SIDECAR_LOG_FLAGS = ['v'] as const;

export const TLS_FLAG_REPLACEMENTS = {
  connector: '--kv-connector',
  'prefiller-use-tls': '--enable-tls=prefiller',
  'decoder-use-tls': '--enable-tls=decoder',
  'prefiller-tls-insecure-skip-verify': '--tls-insecure-skip-verify=prefiller',
  'decoder-tls-insecure-skip-verify': '--tls-insecure-skip-verify=decoder',
} as const;

export const POOL_NAME_FLAG_REPLACEMENTS = {
  'inference-pool-namespace': '--inference-pool=<namespace>/<name>',
  'inference-pool-name': '--inference-pool=<namespace>/<name>',
} as const;

export const EPP_PORTS = { grpc: 9002, grpcHealth: 9003, metrics: 9090 } as const;

/**
 * /metrics auth of the EPP, the same at every supported tag: `--metrics-endpoint-auth`, default true (GIE v1.5.0
 * pkg/epp/server/options.go for v0.8.0; llm-d-router v0.9.0 and v0.10.0 pkg/epp/server/options.go), and the
 * ClusterRole's rules as the charts ship them (GIE v1.5.0 config/charts/epplib/templates/_rbac.yaml; llm-d-router
 * v0.9.0 and v0.10.0 config/charts/routerlib/templates/_rbac.yaml): TokenReview and SubjectAccessReview create, and
 * get on the /metrics URL.
 */
export const EPP_METRICS_AUTH = {
  flag: 'metrics-endpoint-auth',
  defaultOn: true,
  clusterRules: [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    { nonResourceURLs: ['/metrics'], verbs: ['get'] },
  ],
} as const;
