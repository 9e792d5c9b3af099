// llm-d-router v0.10.0 (2026-08-17). Adds promptTokens to the prefix decider and stageOrder to the profile handler,
// a stability level per plugin (alpha ones need --allow-experimental-plugins), `gate=bool` feature-gate entries, and
// a sidecar that defaults to engine port 8200, spells the engine port --model-server-port and no longer knows the
// flags deprecated in v0.7 (llm-d-router #2054, #1723).
import type { RouterTable } from '../types.js';
import {
  EPP_PORTS,
  HANDLER_FLAT,
  HANDLER_NESTED,
  HEADERS_HANDLER_PARAMS,
  PD_PROFILE_HANDLER_PARAMS,
  PICKER_PARAMS,
  POOL_NAME_FLAG_REPLACEMENTS,
  PRODUCER_PARAMS,
  SIDECAR_BASE_FLAGS,
  SIDECAR_LOG_FLAGS,
  SIDECAR_LOG_FLAG_PREFIXES,
  TLS_FLAG_REPLACEMENTS,
  params,
  paramless,
  pluginRecord,
} from './shared.js';
import { V0_9_0_REGISTERED } from './v0_9_0.js';

// cmd/epp/runner/runner.go registerInTreePlugins at v0.10.0: everything v0.9.0 registered, plus these.
const ADDED = [
  'burst-prefix-cache-producer', 'dcgm-data-source', 'dcgm-extractor', 'disaggregatedset-rollout-screener',
  'endpoint-attribute-filter', 'endpoint-attribute-scorer', 'header-label-affinity-scorer',
  'header-profile-handler', 'multicluster-approx-prefix-cache-producer', 'multicluster-file-discovery',
  'multicluster-kv-cache-utilization-scorer', 'multicluster-metrics-data-source', 'multicluster-metrics-extractor',
  'multicluster-prefix-cache-scorer', 'multicluster-queue-scorer', 'multicluster-session-affinity-filter',
  'p2p-source-producer', 'priority-holdback-policy', 'priority-then-time-eviction-order-policy',
  'sheddable-eviction-filter', 'soft-reflective-ceiling-policy', 'topology-affinity-filter',
  'topology-affinity-scorer', 'topology-extractor', 'utilization-filter',
] as const;

// registered with fwkplugin.StabilityAlpha at v0.10.0
const ALPHA = [
  'agent-identity', 'burst-prefix-cache-producer', 'dcgm-data-source', 'dcgm-extractor',
  'disaggregatedset-rollout-screener', 'endpoint-attribute-filter', 'endpoint-attribute-scorer',
  'header-label-affinity-scorer', 'header-profile-handler', 'multicluster-approx-prefix-cache-producer',
  'multicluster-file-discovery', 'multicluster-kv-cache-utilization-scorer', 'multicluster-metrics-data-source',
  'multicluster-metrics-extractor', 'multicluster-prefix-cache-scorer', 'multicluster-queue-scorer',
  'multicluster-session-affinity-filter', 'p2p-source-producer', 'priority-holdback-policy',
  'priority-then-time-eviction-order-policy', 'session-affinity-filter', 'session-affinity-scorer',
  'sheddable-eviction-filter', 'soft-reflective-ceiling-policy', 'topology-affinity-filter',
  'topology-affinity-scorer', 'topology-extractor', 'utilization-filter',
] as const;

const HANDLER_V10_NESTED = { ...HANDLER_NESTED, stageOrder: true } as const;
const HANDLER_V10_FLAT = { ...HANDLER_FLAT, stageOrder: true } as const;

const plugins = pluginRecord([...V0_9_0_REGISTERED, ...ADDED], {
  ...paramless(),
  ...Object.fromEntries(ALPHA.map((t) => [t, { params: { accepts: 'unchecked' as const }, alpha: true }])),
  'approx-prefix-cache-producer': { params: params(PRODUCER_PARAMS) },
  'prefix-cache-scorer': {
    params: params({ prefixMatchInfoProducerName: true, matchLengthWeight: true, matchLengthScaleTokens: true }),
  },
  'prefix-based-pd-decider': { params: params({ nonCachedTokens: true, promptTokens: true }) },
  'disagg-profile-handler': { params: params(HANDLER_V10_NESTED, HANDLER_V10_FLAT) },
  'disagg-headers-handler': {
    params: params(HEADERS_HANDLER_PARAMS),
    deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'disagg-profile-handler', issue: 'llm-d-router#905' },
  },
  'prefill-header-handler': {
    params: params(HEADERS_HANDLER_PARAMS),
    deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'disagg-profile-handler', issue: 'llm-d-router#905' },
  },
  'pd-profile-handler': {
    params: params({ ...PD_PROFILE_HANDLER_PARAMS, prefixMatchInfoProducerName: true }),
    deprecated: { since: 'v0.7.0', use: 'disagg-profile-handler', issue: 'llm-d-router#732' },
  },
  'by-label': {
    params: params({ label: true, validValues: true, allowsNoLabel: true }),
    deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'label-selector-filter' },
  },
  'by-label-selector': {
    params: { accepts: 'unchecked' },
    deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'label-selector-filter' },
  },
  tokenizer: {
    params: { accepts: 'unchecked' },
    deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'token-producer' },
  },
  'max-score-picker': { params: params(PICKER_PARAMS) },
  'random-picker': { params: params(PICKER_PARAMS) },
  'weighted-random-picker': { params: params(PICKER_PARAMS) },
});

export const v0_10_0: RouterTable = {
  version: 'v0.10.0',
  upstream: { repo: 'llm-d/llm-d-router', tag: 'v0.10.0', gie: 'v1.5.0 (API types only)' },
  sample: { tag: 'v0.10.0', path: 'deploy/config/pd-epp-config.yaml' },
  config: {
    apiVersion: 'llm-d.ai/v1alpha1',
    kind: 'EndpointPickerConfig',
    deprecatedApiVersions: ['inference.networking.x-k8s.io/v1alpha1'],
  },
  strictParams: true,
  declarationOrderMatters: false,
  plugins,
  featureGates: {
    // runner.go: RegisterFeatureGate(flowcontrol.FeatureGate, false), (HAPopulateNonLeaderDatastoreFeatureGate, true)
    registered: ['flowControl', 'haPopulateNonLeaderDatastore'],
    acceptsAssignments: true,
    removed: {
      prepareDataPlugins:
        'unregistered since GIE v1.5.0 (#2453); the loader rejects unknown gates and the EPP does not start (llm-d-router #1026)',
      dataLayer: 'registered up to v0.9.0; the v0.10.0 loader no longer knows it',
      enableLegacyMetrics: 'registered by GIE v1.5.0 (router v0.8.0) only',
    },
  },
  disagg: {
    headersHandler: 'deprecated',
    headersHandlerTypes: ['disagg-headers-handler', 'prefill-header-handler'],
    indexedPrefillProfile: 'prefill',
  },
  producer: {
    type: 'approx-prefix-cache-producer',
    defaults: {
      autoTune: true,
      blockSizeTokens: 16,
      maxPrefixBlocksToMatch: 2048,
      maxPrefixTokensToMatch: 131072,
      lruCapacityPerServer: 31250,
    },
    minBlockSizeTokens: 64,
    pinBlockSize: false,
    inheritsScorerParams: false,
    capParam: 'maxPrefixTokensToMatch',
  },
  images: {
    epp: 'ghcr.io/llm-d/llm-d-router-endpoint-picker',
    sidecar: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar',
    tag: 'v0.10.0',
  },
  sidecar: {
    listenFlag: 'port',
    defaultListenPort: 8000,
    // options.go: --model-server-port wins; --vllm-port is a deprecated alias used only when the former is unset
    enginePortFlags: ['model-server-port', 'vllm-port'],
    defaultEnginePort: 8200,
    connectorFlag: 'kv-connector',
    kvConnectors: ['nixlv2', 'shared-storage', 'sglang', 'mooncake', 'offloading'],
    flags: [
      ...SIDECAR_BASE_FLAGS,
      'model-server-port',
      'vllm-port',
      'mooncake-bootstrap-port',
      'p2p-connector-port',
      'enable-p2p-pull',
      'decode-chunk-size',
      'tracing',
      'metrics-port',
      'prefill-max-retries',
      'prefill-retry-backoff',
      'configuration',
      'configuration-file',
      'moriio-write-mode',
      'moriio-decode-notify-port',
      'moriio-local-pod-ip',
      'moriio-decode-handshake-port',
      'moriio-parallel-dispatch',
      'moriio-parallel-decode-wait-timeout',
      'moriio-prefill-handshake-port',
      'moriio-prefill-notify-port',
      'moriio-tp-size',
      'moriio-dp-size',
      'moriio-remote-hosts',
      'moriio-dp-size-local',
      'moriio-decode-hosts',
      ...SIDECAR_LOG_FLAGS,
    ],
    flagPrefixes: SIDECAR_LOG_FLAG_PREFIXES,
    deprecatedFlags: { 'vllm-port': '--model-server-port' },
    removedFlags: { ...TLS_FLAG_REPLACEMENTS, ...POOL_NAME_FLAG_REPLACEMENTS },
  },
  epp: {
    flags: [
      'grpc-port',
      'grpc-health-port',
      'metrics-port',
      'pool-name',
      'pool-namespace',
      'pool-group',
      'endpoint-selector',
      'endpoint-target-ports',
      'config-file',
      'config-text',
      'secure-serving',
      'cert-path',
      'ha-enable-leader-election',
      'metrics-endpoint-auth',
      'tracing',
      'allow-experimental-plugins',
    ],
    ports: EPP_PORTS,
    healthService: 'inference-extension',
    poolGroup: 'inference.networking.k8s.io',
    namespaceEnv: 'NAMESPACE',
    watches: [
      { apiGroup: 'inference.networking.k8s.io', resources: ['inferencepools'] },
      { apiGroup: 'llm-d.ai', resources: ['inferenceobjectives', 'inferencemodelrewrites'] },
      { apiGroup: 'inference.networking.x-k8s.io', resources: ['inferenceobjectives', 'inferencemodelrewrites'] },
    ],
  },
  configNotes: [
    'Router v0.10.0 (llm-d-router). Armed so it really disaggregates:',
    '- explicit approx-prefix-cache-producer, autoTune off, block size pinned to the engines\' (the EPP raises',
    '  anything below 64 to 64, llm-d-router #1160); the prefix cap is in tokens (maxPrefixTokensToMatch wins);',
    '- parameters only where the strict decoder accepts them (llm-d-router #1134);',
    '- no featureGates (prepareDataPlugins is gone, llm-d-router #1026);',
    '- nonCachedTokens > 0: 0 disables disaggregation (llm-d-router #691); promptTokens, when set, keeps short',
    '  prompts on decode only;',
    '- no disagg-headers-handler: the profile handler sets x-prefiller-host-port itself (llm-d-router #905);',
    '- the prefill profile is named "prefill": the producer indexes only that name (GIE #2080).',
  ],
};
