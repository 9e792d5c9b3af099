// Building blocks the per-version tables share. Only data and tiny constructors live here; every fact a table states
// was read from that tag's source (see docs/router-versions.md for the files).
import type { PluginInfo, PluginParams } from '../types.js';

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
