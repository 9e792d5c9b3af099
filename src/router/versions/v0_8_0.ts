// llm-d-inference-scheduler v0.8.0 (2026-04-24), the last tag under the old name. The EPP core, the config loader,
// prefix-cache-scorer and approx-prefix-cache-producer come from gateway-api-inference-extension (GIE) v1.5.0; the
// P/D plugins and the routing sidecar are in-tree.
import type { RouterTable } from '../types.js';
import {
  EPP_METRICS_AUTH,
  EPP_PORTS,
  HANDLER_FLAT,
  HANDLER_NESTED,
  HEADERS_HANDLER_PARAMS,
  IGNORED,
  PD_PROFILE_HANDLER_PARAMS,
  PICKER_PARAMS,
  POOL_NAME_FLAG_REPLACEMENTS,
  PRODUCER_PARAMS,
  SIDECAR_BASE_FLAGS,
  SIDECAR_LOG_FLAGS,
  SIDECAR_LOG_FLAG_PREFIXES,
  SIDECAR_WIRING_NIXLV2,
  SIDECAR_WIRING_SGLANG,
  TLS_FLAG_REPLACEMENTS,
  params,
  paramless,
  pluginRecord,
} from './shared.js';

// pkg/epp/framework/plugins/register.go (in-tree) + GIE v1.5.0 cmd/epp/runner/runner.go registerInTreePlugins.
const REGISTERED = [
  // llm-d-inference-scheduler
  'active-request-scorer',
  'always-disagg-multimodal-decider',
  'always-disagg-pd-decider',
  'by-label',
  'by-label-selector',
  'context-length-aware',
  'data-parallel-profile-handler',
  'decode-filter',
  'disagg-headers-handler',
  'disagg-profile-handler',
  'encode-filter',
  'load-aware-scorer',
  'model-server-protocol-models',
  'models-data-source',
  'no-hit-lru-scorer',
  'pd-profile-handler',
  'precise-prefix-cache-scorer',
  'prefill-filter',
  'prefill-header-handler',
  'prefix-based-pd-decider',
  'session-affinity-scorer',
  'tokenizer',
  // GIE v1.5.0
  'approx-prefix-cache-producer',
  'concurrency-detector',
  'core-metrics-extractor',
  'destination-endpoint-served-verifier',
  'edf-ordering-policy',
  'endpoint-notification-source',
  'fcfs-ordering-policy',
  'global-strict-fairness-policy',
  'header-based-testing-filter',
  'inflight-load-producer',
  'k8s-notification-source',
  'kv-cache-utilization-scorer',
  'latency-scorer',
  'latency-slo-admitter',
  'lora-affinity-scorer',
  'max-score-picker',
  'metrics-data-source',
  'openai-parser',
  'passthrough-parser',
  'predicted-latency-producer',
  'predicted-latency-scorer',
  'prefix-cache-affinity-filter',
  'prefix-cache-scorer',
  'queue-scorer',
  'random-picker',
  'request-attribute-reporter',
  'round-robin-fairness-policy',
  'running-requests-size-scorer',
  'single-profile-handler',
  'slo-deadline-ordering-policy',
  'slo-headroom-tier-filter',
  'static-usage-limit-policy',
  'token-load-scorer',
  'utilization-detector',
  'vllmgrpc-parser',
  'weighted-random-picker',
] as const;

export const v0_8_0: RouterTable = {
  version: 'v0.8.0',
  upstream: { repo: 'llm-d/llm-d-inference-scheduler (now llm-d/llm-d-router)', tag: 'v0.8.0', gie: 'v1.5.0' },
  sample: { tag: 'v0.8.0', path: 'deploy/config/pd-epp-config.yaml', epdPath: 'deploy/config/sim-epd-epp-config.yaml' },
  config: {
    apiVersion: 'inference.networking.x-k8s.io/v1alpha1',
    kind: 'EndpointPickerConfig',
    deprecatedApiVersions: [],
    // GIE v1.5.0 apix/config/v1alpha1 EndpointPickerConfig (TypeMeta inline), decoded strictly by the loader
    fields: ['apiVersion', 'kind', 'featureGates', 'plugins', 'schedulingProfiles', 'saturationDetector', 'dataLayer', 'flowControl', 'parser'],
  },
  // GIE v1.5.0 factories call json.Unmarshal: unknown parameter names are silently dropped.
  strictParams: false,
  // GIE v1.5.0 loader instantiatePlugins builds plugins in list order and the handler looks its decider up at once.
  declarationOrderMatters: true,
  plugins: pluginRecord(REGISTERED, {
    ...paramless(),
    'approx-prefix-cache-producer': { params: params(PRODUCER_PARAMS) },
    // GIE v1.5.0 PrefixCachePluginFactory takes `_ json.RawMessage`: the scorer is stateless.
    'prefix-cache-scorer': { params: IGNORED },
    'prefix-based-pd-decider': { params: params({ nonCachedTokens: true }) },
    'disagg-profile-handler': { params: params(HANDLER_NESTED, HANDLER_FLAT) },
    'disagg-headers-handler': { params: params(HEADERS_HANDLER_PARAMS) },
    'prefill-header-handler': {
      params: params(HEADERS_HANDLER_PARAMS),
      deprecated: { since: 'v0.7.0', use: 'disagg-headers-handler' },
    },
    'pd-profile-handler': {
      params: params(PD_PROFILE_HANDLER_PARAMS),
      deprecated: { since: 'v0.7.0', use: 'disagg-profile-handler', issue: 'llm-d-router#732' },
    },
    'max-score-picker': { params: params(PICKER_PARAMS) },
    'random-picker': { params: params(PICKER_PARAMS) },
    'weighted-random-picker': { params: params(PICKER_PARAMS) },
  }),
  featureGates: {
    // GIE v1.5.0 runner: datalayer.ExperimentalDatalayerFeatureGate, EnableLegacyMetricsFeatureGate, flowcontrol.FeatureGate
    registered: ['dataLayer', 'enableLegacyMetrics', 'flowControl'],
    acceptsAssignments: false,
    removed: {
      prepareDataPlugins:
        'GIE v1.5.0 (#2453) made PrepareData plugins always on and unregistered the gate; the loader rejects it and the EPP crashloops (the v0.8.0 samples still carry it; llm-d-router #1026 removed it after the tag)',
    },
  },
  disagg: {
    headersHandler: 'required',
    headersHandlerTypes: ['disagg-headers-handler', 'prefill-header-handler'],
    indexedPrefillProfile: 'prefill',
    // profilehandler/disagg: the three types with a disaggregate method (decider_plugin.go deciderPlugin), the same at
    // v0.9.0 and v0.10.0; always_disagg_mm_decider.go says yes when hasMultimodalContent (multimodal_helpers.go)
    deciders: {
      'prefix-based-pd-decider': 'pd',
      'always-disagg-pd-decider': 'pd',
      'always-disagg-multimodal-decider': 'multimodal',
    },
  },
  producer: {
    type: 'approx-prefix-cache-producer',
    // GIE v1.5.0 approximateprefix/types.go defaultConfig
    defaults: {
      autoTune: true,
      blockSizeTokens: 16,
      maxPrefixBlocksToMatch: 256,
      maxPrefixTokensToMatch: 0,
      lruCapacityPerServer: 31250,
    },
    pinBlockSize: true,
    inheritsScorerParams: true,
    capParam: 'maxPrefixBlocksToMatch',
    // GIE v1.5.0 pkg/epp/config/loader/configloader.go: the producer is added only `if foundPrefixCacheScorer`
    // (conformance: mut-producer-none-no-scorer loads but never disaggregates)
    autoCreated: 'with-prefix-cache-scorer',
    // approximateprefix/hashing.go slices the prompt to maxPrefixBlocks*blockChars: negative panics (mut-param-cap-negative)
    negativeBlockCap: 'crashes',
  },
  // GIE v1.5.0 pkg/epp/framework/plugins/datalayer/extractor/metrics/mapping_registry.go DefaultEngineTypeLabelKey
  engineTypeLabel: 'inference.networking.k8s.io/engine-type',
  images: {
    epp: 'ghcr.io/llm-d/llm-d-inference-scheduler',
    sidecar: 'ghcr.io/llm-d/llm-d-routing-sidecar',
    tag: 'v0.8.0',
  },
  sidecar: {
    listenFlag: 'port',
    defaultListenPort: 8000,
    enginePortFlags: ['vllm-port'],
    defaultEnginePort: 8001,
    connectorFlag: 'kv-connector',
    // Complete() lets --connector fill an unset --kv-connector; Validate() checks --connector too when it differs
    // ("--connector must be one of: ..."; the real sidecar exits on --kv-connector=nixlv2 --connector=x)
    connectorAlias: 'connector',
    // pkg/sidecar/proxy/options.go supportedECConnectors: only the shared-storage primer (proxy.go ECExampleConnector)
    ecConnectorFlag: 'ec-connector',
    ecConnectors: ['ec-example'],
    // --data-parallel-size: the sidecar listens on port..port+n-1 and forwards rank r to the engine port + r
    // (llm-d-inference-scheduler v0.8.0 pkg/sidecar/proxy/data_parallel.go; same flag at llm-d-router v0.9.0, v0.10.0)
    dataParallelFlag: 'data-parallel-size',
    kvConnectors: ['nixlv2', 'shared-storage', 'sglang'],
    // no mooncake before llm-d-router v0.9.0: a MooncakeConnector pair is refused (rule sidecar-kv-connector-missing)
    kvWiring: { nixlv2: SIDECAR_WIRING_NIXLV2, sglang: SIDECAR_WIRING_SGLANG },
    flags: [
      ...SIDECAR_BASE_FLAGS,
      'vllm-port',
      ...SIDECAR_LOG_FLAGS,
      ...Object.keys(TLS_FLAG_REPLACEMENTS),
      ...Object.keys(POOL_NAME_FLAG_REPLACEMENTS),
    ],
    flagPrefixes: SIDECAR_LOG_FLAG_PREFIXES,
    deprecatedFlags: { ...TLS_FLAG_REPLACEMENTS, ...POOL_NAME_FLAG_REPLACEMENTS },
    removedFlags: {},
  },
  epp: {
    // GIE v1.5.0 pkg/epp/server/options.go (the ones pd-disagg may emit or users commonly pass)
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
      'model-server-metrics-port',
      'model-server-metrics-path',
      'model-server-metrics-scheme',
    ],
    ports: EPP_PORTS,
    healthService: 'inference-extension',
    poolGroup: 'inference.networking.k8s.io',
    namespaceEnv: 'NAMESPACE',
    // GIE v1.5.0 pkg/epp/controller: pods, InferencePool v1, and the x-k8s v1alpha2 objective/rewrite CRDs
    watches: [
      { apiGroup: 'inference.networking.k8s.io', resources: ['inferencepools'] },
      { apiGroup: 'inference.networking.x-k8s.io', resources: ['inferenceobjectives', 'inferencemodelrewrites'] },
    ],
    metricsAuth: EPP_METRICS_AUTH,
  },
  configNotes: [
    'Router v0.8.0 (llm-d-inference-scheduler, embedding GIE v1.5.0). Armed so it really disaggregates:',
    '- explicit approx-prefix-cache-producer with autoTune off and the engines\' block size: the decider reads its',
    '  PrefixCacheMatchInfo, and GIE v1.5.0 split production out of prefix-cache-scorer (GIE #2453);',
    '- no featureGates: prepareDataPlugins is unregistered in GIE v1.5.0 and crashloops the EPP (fixed in',
    '  samples by llm-d-router #1026, after this tag);',
    '- nonCachedTokens > 0: since v0.7.0 a value of 0 (the default) disables disaggregation (llm-d-router #691);',
    '- disagg-headers-handler: the v0.8.0 profile handler does not set x-prefiller-host-port itself (#905 came later);',
    '- the decider is declared before the handler because this loader builds plugins in order;',
    '- the prefill profile is named "prefill": the producer indexes only that name (GIE #2080).',
  ],
};
