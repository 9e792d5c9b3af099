// llm-d-router v0.10.0 (2026-08-17). Adds promptTokens to the prefix decider and stageOrder to the profile handler,
// a stability level per plugin (alpha ones need --allow-experimental-plugins), `gate=bool` feature-gate entries, and
// a sidecar that defaults to engine port 8200, spells the engine port --model-server-port and no longer knows the
// flags deprecated in v0.7 (llm-d-router #2054, #1723). Written as v0.9.0 plus what v0.10.0 changed.
import type { RouterTable } from '../types.js';
import { TLS_FLAG_REPLACEMENTS, nextList, nextPlugins, unchecked, withParams } from './shared.js';
import { v0_9_0 } from './v0_9_0.js';

const prev = v0_9_0.plugins;
// --connector is gone (removedFlags below), and with it the alias rule
const { connectorAlias: _connectorGone, ...v0_9_0Sidecar } = v0_9_0.sidecar;

// registered for the first time in v0.10.0, every one with fwkplugin.StabilityAlpha
const NEW_PLUGINS = [
  'burst-prefix-cache-producer', 'dcgm-data-source', 'dcgm-extractor', 'disaggregatedset-rollout-screener',
  'endpoint-attribute-filter', 'endpoint-attribute-scorer', 'header-label-affinity-scorer',
  'header-profile-handler', 'multicluster-approx-prefix-cache-producer', 'multicluster-file-discovery',
  'multicluster-kv-cache-utilization-scorer', 'multicluster-metrics-data-source', 'multicluster-metrics-extractor',
  'multicluster-prefix-cache-scorer', 'multicluster-queue-scorer', 'multicluster-session-affinity-filter',
  'p2p-source-producer', 'priority-holdback-policy', 'priority-then-time-eviction-order-policy',
  'sheddable-eviction-filter', 'soft-reflective-ceiling-policy', 'topology-affinity-filter',
  'topology-affinity-scorer', 'topology-extractor', 'utilization-filter',
];

/** alpha plugins load only with it (pkg/epp/server/options.go, cmd/epp/runner/runner.go) */
const ALLOW_EXPERIMENTAL_PLUGINS = 'allow-experimental-plugins';

export const v0_10_0: RouterTable = {
  ...v0_9_0,
  version: 'v0.10.0',
  upstream: { ...v0_9_0.upstream, tag: 'v0.10.0' },
  sample: { ...v0_9_0.sample, tag: 'v0.10.0' },
  // pkg/epp/config/loader: plugins are built in dependency order (a handler may precede its decider; the conformance
  // harness loads such a config)
  declarationOrderMatters: false,
  // cmd/epp/runner/runner.go registerInTreePlugins at v0.10.0, against v0.9.0
  plugins: nextPlugins(prev, {
    add: unchecked(NEW_PLUGINS, { alpha: true }),
    change: {
      // already registered in v0.9.0; registered with fwkplugin.StabilityAlpha from v0.10.0
      'agent-identity': { alpha: true },
      'session-affinity-filter': { alpha: true },
      'session-affinity-scorer': { alpha: true },
      // scorer/prefix/plugin.go: match-length weighting
      'prefix-cache-scorer': withParams(prev['prefix-cache-scorer'], {
        matchLengthWeight: true,
        matchLengthScaleTokens: true,
      }),
      // prefix_based_pd_decider.go: prompts shorter than promptTokens stay decode-only
      'prefix-based-pd-decider': withParams(prev['prefix-based-pd-decider'], { promptTokens: true }),
      // disagg_profile_handler.go: stageOrder, in both the nested and the deprecated flat form
      'disagg-profile-handler': withParams(prev['disagg-profile-handler'], { stageOrder: true }),
      // the deprecated pd-profile-handler also reads the prefix producer's name
      'pd-profile-handler': withParams(prev['pd-profile-handler'], { prefixMatchInfoProducerName: true }),
    },
  }),
  featureGates: {
    // runner.go: RegisterFeatureGate(flowcontrol.FeatureGate, false), (HAPopulateNonLeaderDatastoreFeatureGate, true)
    registered: nextList(v0_9_0.featureGates.registered, {
      remove: ['dataLayer'],
      append: ['haPopulateNonLeaderDatastore'],
    }),
    // entries may be written `name=true|false`
    acceptsAssignments: true,
    removed: {
      ...v0_9_0.featureGates.removed,
      dataLayer: 'registered up to v0.9.0; the v0.10.0 loader no longer knows it',
      enableLegacyMetrics: 'registered by GIE v1.5.0 (router v0.8.0) only',
    },
  },
  images: { ...v0_9_0.images, tag: 'v0.10.0' },
  // pkg/sidecar/proxy/options.go
  sidecar: {
    ...v0_9_0Sidecar,
    // --model-server-port wins; --vllm-port is a deprecated alias used only when the former is unset (#1723)
    enginePortFlags: ['model-server-port', 'vllm-port'],
    // the default engine port moved from 8001 to 8200 (llm-d-router #1723)
    defaultEnginePort: 8200,
    kvConnectors: [...v0_9_0.sidecar.kvConnectors, 'offloading'],
    flags: nextList(v0_9_0.sidecar.flags, {
      // the flags deprecated in v0.7 are gone (llm-d-router #2054)
      remove: Object.keys(TLS_FLAG_REPLACEMENTS),
      before: { 'vllm-port': ['model-server-port'] }, // llm-d-router #1723
      after: {
        'mooncake-bootstrap-port': ['p2p-connector-port', 'enable-p2p-pull'],
        tracing: ['metrics-port'],
        'moriio-parallel-dispatch': ['moriio-parallel-decode-wait-timeout'],
      },
    }),
    deprecatedFlags: { 'vllm-port': '--model-server-port' }, // llm-d-router #1723
    // pflag exits on the TLS flags removed by llm-d-router #2054, as on the pool-name flags gone since v0.9.0
    removedFlags: { ...v0_9_0.sidecar.removedFlags, ...TLS_FLAG_REPLACEMENTS },
  },
  epp: {
    ...v0_9_0.epp,
    // pkg/epp/server/options.go: the model-server metrics flags are dropped; alpha plugins need an opt-in flag
    flags: nextList(v0_9_0.epp.flags, {
      remove: ['model-server-metrics-port', 'model-server-metrics-path', 'model-server-metrics-scheme'],
      append: [ALLOW_EXPERIMENTAL_PLUGINS],
    }),
    experimentalPluginsFlag: ALLOW_EXPERIMENTAL_PLUGINS,
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
