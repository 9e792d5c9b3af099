// llm-d-router v0.9.0 (2026-06-23): first tag under the new name. The EPP core moved in-tree (GIE is used for API
// types only), the config group became llm-d.ai, plugin parameters are decoded strictly, and the prefix producer
// floors its block size at 64 tokens. Written as v0.8.0 plus what v0.9.0 changed.
import type { PluginInfo, RouterTable } from '../types.js';
import {
  SIDECAR_WIRING_MOONCAKE,
  POOL_NAME_FLAG_REPLACEMENTS,
  TLS_FLAG_REPLACEMENTS,
  nextList,
  nextPlugins,
  params,
  unchecked,
} from './shared.js';
import { v0_8_0 } from './v0_8_0.js';

// the header handlers became redundant once the profile handler set x-prefiller-host-port itself
const HEADERS_HANDLER_DEPRECATED: PluginInfo['deprecated'] = {
  since: 'v0.9.0',
  removal: 'v0.11.0',
  use: 'disagg-profile-handler',
  issue: 'llm-d-router#905',
};

export const v0_9_0: RouterTable = {
  ...v0_8_0,
  version: 'v0.9.0',
  upstream: { repo: 'llm-d/llm-d-router', tag: 'v0.9.0', gie: 'v1.5.0 (API types only)' },
  sample: { ...v0_8_0.sample, tag: 'v0.9.0', epdPath: 'deploy/config/sim-e-p-d-epp-config.yaml' },
  config: {
    ...v0_8_0.config,
    apiVersion: 'llm-d.ai/v1alpha1',
    // pkg/epp/config/loader/configloader.go deprecatedSchemeGroupVersion
    deprecatedApiVersions: ['inference.networking.x-k8s.io/v1alpha1'],
    // apix/config/v1alpha1/endpointpickerconfig_types.go: requestHandler is new
    fields: [...v0_8_0.config.fields, 'requestHandler'],
  },
  // fwkplugin.StrictDecoder (DisallowUnknownFields), llm-d-router #1134 / #1068
  strictParams: true,
  // pkg/epp/config/loader instantiatePlugins still builds plugins in list order at this tag (the conformance
  // harness confirms: a handler declared before its decider fails to load); dependency order came in v0.10.0
  declarationOrderMatters: true,
  // cmd/epp/runner/runner.go registerInTreePlugins at v0.9.0, against v0.8.0 (in-tree + GIE v1.5.0)
  plugins: nextPlugins(v0_8_0.plugins, {
    remove: ['model-server-protocol-models', 'predicted-latency-scorer'],
    add: unchecked([
      'agent-identity', 'anthropic-parser', 'file-discovery', 'label-selector-filter', 'mm-embeddings-cache-producer',
      'mm-embeddings-cache-scorer', 'models-data-extractor', 'precise-prefix-cache-producer', 'probabilistic-admitter',
      'program-aware-fairness', 'session-affinity-filter', 'session-id-producer', 'token-producer', 'vertexai-parser',
      'vllmhttp-parser',
    ]),
    change: {
      // the in-tree scorer reads the name of the producer whose match info it scores (GIE v1.5.0's read nothing)
      'prefix-cache-scorer': { params: params({ prefixMatchInfoProducerName: true }) },
      // deprecated: the profile handler sets the header itself (llm-d-router #905)
      'disagg-headers-handler': { deprecated: HEADERS_HANDLER_DEPRECATED },
      // deprecated since v0.7.0 for disagg-headers-handler; now deprecated along with it (llm-d-router #905)
      'prefill-header-handler': { deprecated: HEADERS_HANDLER_DEPRECATED },
      // deprecated in favour of label-selector-filter (parameters recorded from this version on)
      'by-label': {
        params: params({ label: true, validValues: true, allowsNoLabel: true }),
        deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'label-selector-filter' },
      },
      'by-label-selector': { deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'label-selector-filter' } },
      tokenizer: { deprecated: { since: 'v0.9.0', removal: 'v0.11.0', use: 'token-producer' } },
    },
  }),
  featureGates: {
    ...v0_8_0.featureGates,
    // the in-tree loader does not register GIE's enableLegacyMetrics
    registered: nextList(v0_8_0.featureGates.registered, { remove: ['enableLegacyMetrics'] }),
    // gates this loader rejects, with why (the prepareDataPlugins reason restated for the in-tree loader)
    removed: {
      prepareDataPlugins:
        'unregistered since GIE v1.5.0 (#2453); the loader rejects unknown gates and the EPP does not start (llm-d-router #1026)',
      enableLegacyMetrics: 'registered by GIE v1.5.0 (router v0.8.0) but not by the in-tree v0.9.0 loader',
    },
  },
  // the profile handler sets x-prefiller-host-port itself (PreRequest), so the headers handler is optional (#905)
  disagg: { ...v0_8_0.disagg, headersHandler: 'deprecated' },
  producer: {
    ...v0_8_0.producer,
    // pkg/epp/framework/plugins/requestcontrol/dataproducer/approximateprefix/types.go defaultConfig: larger caps,
    // and the token cap (now > 0 by default) wins over the block cap
    defaults: { ...v0_8_0.producer.defaults, maxPrefixBlocksToMatch: 2048, maxPrefixTokensToMatch: 131072 },
    // block sizes below 64 are raised to 64 at runtime (llm-d-router #1160)
    minBlockSizeTokens: 64,
    pinBlockSize: false,
    // the in-tree loader no longer builds a producer from prefix-cache-scorer's parameters
    inheritsScorerParams: false,
    capParam: 'maxPrefixTokensToMatch',
    // pkg/epp/datalayer/data_graph.go CreateMissingDataProducers: every consumer gets its default producer
    autoCreated: 'for-any-consumer',
    // approximateprefix/hashing.go computeBlockHashes stops at count >= maxPrefixBlocks: no crash, nothing hashed
    negativeBlockCap: 'disables-matching',
  },
  // pkg/epp/framework/plugins/datalayer/extractor/metrics/mapping_registry.go DefaultEngineTypeLabelKey (v0.9.0, v0.10.0)
  engineTypeLabel: 'llm-d.ai/engine-type',
  // Makefile: images renamed with the repository
  images: {
    epp: 'ghcr.io/llm-d/llm-d-router-endpoint-picker',
    sidecar: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar',
    tag: 'v0.9.0',
  },
  // pkg/sidecar/proxy/options.go
  sidecar: {
    ...v0_8_0.sidecar,
    kvConnectors: [...v0_8_0.sidecar.kvConnectors, 'mooncake'],
    // pkg/sidecar/constants/constants.go KVConnectorMooncake, connector_mooncake.go; --mooncake-bootstrap-port (options.go)
    kvWiring: { ...v0_8_0.sidecar.kvWiring, mooncake: SIDECAR_WIRING_MOONCAKE },
    // pkg/sidecar/constants/constants.go ECConnectorNIXL, added by llm-d-router #1444 (connector_ec_nixl.go)
    ecConnectors: [...v0_8_0.sidecar.ecConnectors, 'ec-nixl'],
    flags: nextList(v0_8_0.sidecar.flags, {
      remove: Object.keys(POOL_NAME_FLAG_REPLACEMENTS),
      after: {
        'vllm-port': [
          'mooncake-bootstrap-port',
          'decode-chunk-size',
          'tracing',
          'prefill-max-retries',
          'prefill-retry-backoff',
          'configuration',
          'configuration-file',
          'moriio-write-mode',
          'moriio-decode-notify-port',
          'moriio-local-pod-ip',
          'moriio-decode-handshake-port',
          'moriio-parallel-dispatch',
          'moriio-prefill-handshake-port',
          'moriio-prefill-notify-port',
          'moriio-tp-size',
          'moriio-dp-size',
          'moriio-remote-hosts',
          'moriio-dp-size-local',
          'moriio-decode-hosts',
        ],
      },
    }),
    deprecatedFlags: TLS_FLAG_REPLACEMENTS,
    // gone from pkg/sidecar/proxy/options.go by v0.9.0
    removedFlags: POOL_NAME_FLAG_REPLACEMENTS,
  },
  epp: {
    ...v0_8_0.epp,
    // pkg/epp/server/controller_config.go: objectives and rewrites are looked up in llm-d.ai first, then x-k8s
    watches: [
      { apiGroup: 'inference.networking.k8s.io', resources: ['inferencepools'] },
      { apiGroup: 'llm-d.ai', resources: ['inferenceobjectives', 'inferencemodelrewrites'] },
      { apiGroup: 'inference.networking.x-k8s.io', resources: ['inferenceobjectives', 'inferencemodelrewrites'] },
    ],
  },
  configNotes: [
    'Router v0.9.0 (llm-d-router). Armed so it really disaggregates:',
    '- explicit approx-prefix-cache-producer, autoTune off, block size pinned to the engines\' (the EPP raises',
    '  anything below 64 to 64, llm-d-router #1160); the prefix cap is in tokens because the default',
    '  maxPrefixTokensToMatch overrides maxPrefixBlocksToMatch from this version on;',
    '- parameters only where the strict decoder accepts them (llm-d-router #1134): none on prefix-cache-scorer;',
    '- no featureGates (prepareDataPlugins is gone, llm-d-router #1026);',
    '- nonCachedTokens > 0: 0 disables disaggregation (llm-d-router #691);',
    '- no disagg-headers-handler: the profile handler sets x-prefiller-host-port itself (llm-d-router #905);',
    '- the prefill profile is named "prefill": the producer indexes only that name (GIE #2080).',
  ],
};
