// Router (llm-d EndpointPicker + routing sidecar) versions are data: one table per tag.
import type { RolloutScreening } from './rollout-screener.js';

export const ROUTER_VERSIONS = ['v0.8.0', 'v0.9.0', 'v0.10.0'] as const;
export type RouterVersion = (typeof ROUTER_VERSIONS)[number];
export const DEFAULT_ROUTER_VERSION: RouterVersion = 'v0.10.0';

/** The pod label the router's prefill/decode/encode filters select by (RoleLabel in
 * pkg/epp/framework/plugins/scheduling/filter/bylabel/roles.go, the same in llm-d-inference-scheduler v0.8.0 and
 * llm-d-router v0.9.0 and v0.10.0). */
export const ROLE_LABEL = 'llm-d.ai/role';

export type DeciderKind = 'prefix-based' | 'always';

/** What the user may tune in the generated EndpointPickerConfig (spec.epp). */
export interface EppKnobs {
  decider: DeciderKind;
  nonCachedTokens: number;
  /** v0.10.0+: prompts shorter than this never disaggregate */
  promptTokens?: number;
  blockSizeTokens: number;
  scorerWeights?: { prefixCache?: number; queue?: number };
  /** the pair is a DisaggregatedSet: screen revisions (v0.10.0+, disaggregatedset-rollout-screener) */
  rollout?: RolloutScreening;
  /** E/P/D: add the encode profile, encode-filter and the multimodal decider */
  encode?: boolean;
}

export type SidecarConnector = 'nixlv2' | 'sglang' | 'mooncake';

/**
 * How pd-disagg wires one --kv-connector value of the routing sidecar: which engines speak its protocol and the port
 * on the prefill pod it dials besides the HTTP port, when the prefill engine chooses that port. Facts from the
 * router's pkg/sidecar/proxy (options.go, connector_*.go) and docs/disaggregation.md "KV Connector" at each tag.
 */
export interface SidecarKvWiring {
  /** the engine dialect whose P/D protocol it drives */
  engine: 'vllm' | 'sglang';
  /** vLLM: the kv_connector classes (the config's own, or a MultiConnector's children) it speaks for */
  vllmConnectors?: readonly string[];
  /** the port on the prefill pod the sidecar dials (a bootstrap server), and where each side sets it */
  prefillPort?: {
    /** what it is, for messages */
    what: string;
    /** the sidecar's flag for it; without one only `env` sets it */
    flag?: string;
    /** the sidecar's env var read when the flag is not given */
    env: string;
    /** the sidecar's default */
    default: number;
    /** where the prefill engine sets it (an env var of its container or a flag) and the engine's default */
    engine: { env: string; default: number } | { flag: string; default: number };
  };
  /** where the facts come from */
  source: string;
}

export interface SidecarOptions {
  /** the decode engine's HTTP port the sidecar forwards to */
  enginePort: number;
  /** the public port the sidecar listens on (the pool's target port) */
  listenPort: number;
  connector: SidecarConnector;
  /** native sidecar (initContainer with restartPolicy: Always) or a plain container */
  native: boolean;
  image?: string;
  /** HTTP ports the decode engine serves, one per local data-parallel rank ([enginePort, enginePort + n)); the sidecar
   * then listens on [listenPort, listenPort + n) (pkg/sidecar/proxy/data_parallel.go) */
  dataParallelSize?: number;
  /** E/P/D: the sidecar's --ec-connector (ec-nixl, ec-example); unset for a prefill/decode pair */
  ecConnector?: string;
  /** the port the prefill serves the connector's bootstrap server on (SidecarKvWiring.prefillPort): passed as the
   * connector's flag, or its env var when it has no flag (SGLANG_BOOTSTRAP_PORT), when it is not the sidecar's default */
  prefillPort?: number;
  /** more env of the sidecar */
  env?: Array<{ name: string; value: string }>;
}

/** What an existing routing sidecar forwards to. */
export interface SidecarTarget {
  port: number;
  /** container-relative path of the arg that set it; undefined when the version's default applies */
  path?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Added by the router module: the per-version data table and the routing-stack input.

/** How a plugin's factory treats `parameters` in one router version. */
export interface PluginParams {
  /**
   * Top-level parameter names the factory decodes. A name mapped to a list is an object whose own keys are listed;
   * a name mapped to `true` is a scalar. `'ignored'` means the factory never looks at its parameters; `'unchecked'`
   * means pd-disagg has not recorded this plugin's parameters and does not lint them.
   */
  accepts: 'ignored' | 'unchecked' | Readonly<Record<string, true | readonly string[]>>;
  /** a second, deprecated parameter form the factory also accepts (disagg-profile-handler's flat names) */
  legacy?: Readonly<Record<string, true | readonly string[]>>;
}

export interface PluginInfo {
  params: PluginParams;
  /** registered but deprecated: the EPP logs it and keeps going */
  deprecated?: { since: string; removal?: string; use?: string; issue?: string };
  /** v0.10+: alpha plugins refuse to load without --allow-experimental-plugins */
  alpha?: boolean;
}

/** Everything that differs between router tags. One object per tag; adding a version means adding a table. */
export interface RouterTable {
  version: RouterVersion;
  /** where the facts come from */
  upstream: { repo: string; tag: string; gie?: string };
  /** the P/D sample this version's generated config matches in shape; `epdPath`: the E/P/D sample (encode profile) */
  sample: { tag: string; path: string; epdPath: string };
  config: {
    apiVersion: string;
    kind: 'EndpointPickerConfig';
    /** other apiVersions the loader still decodes (with a deprecation log) */
    deprecatedApiVersions: readonly string[];
    /** top-level fields the config decoder knows; any other field stops the EPP (strict decoding) */
    fields: readonly string[];
  };
  /** plugin parameters are decoded with DisallowUnknownFields (v0.9+, llm-d-router #1134) */
  strictParams: boolean;
  /** plugins are built in declaration order, so a handler must come after the decider it names (≤ v0.8) */
  declarationOrderMatters: boolean;
  plugins: Readonly<Record<string, PluginInfo>>;
  featureGates: {
    registered: readonly string[];
    /** entries may be written `name=true|false` (v0.10+) */
    acceptsAssignments: boolean;
    /** gates older docs or samples carry that this version rejects, with why */
    removed: Readonly<Record<string, string>>;
  };
  disagg: {
    /** 'required': the profile handler does not set x-prefiller-host-port itself (≤ v0.8) */
    headersHandler: 'required' | 'deprecated';
    headersHandlerTypes: readonly string[];
    /** the profile the prefix producer indexes as prefill; hardcoded upstream (GIE #2080) */
    indexedPrefillProfile: string;
    /** the plugin types the profile handlers take as a decider (they implement the handler's deciderPlugin interface),
     * and what each says yes to: 'pd' the P/D deciders (prompt length, or always), 'multimodal' a request with an image,
     * video or audio part. Any other plugin named as a decider stops the handler's factory. */
    deciders: Readonly<Record<string, 'pd' | 'multimodal'>>;
  };
  producer: {
    type: string;
    defaults: {
      autoTune: boolean;
      blockSizeTokens: number;
      maxPrefixBlocksToMatch: number;
      maxPrefixTokensToMatch: number;
      lruCapacityPerServer: number;
    };
    /** block sizes below this are raised to it at runtime (v0.9+, #1160); undefined = no floor */
    minBlockSizeTokens?: number;
    /** with autoTune on and no pinned block size the producer cannot be trusted to populate match info */
    pinBlockSize: boolean;
    /** with no producer declared, the loader builds one from prefix-cache-scorer's parameters (GIE v1.5.0, #2798) */
    inheritsScorerParams: boolean;
    /** which cap the generated config sets: blocks (≤ v0.8) or tokens (v0.9+, where the token default wins) */
    capParam: 'maxPrefixBlocksToMatch' | 'maxPrefixTokensToMatch';
    /**
     * when the loader creates an undeclared producer: only alongside prefix-cache-scorer (GIE v1.5.0 configloader), or
     * for any plugin that consumes its data, the prefix decider included (v0.9+ CreateMissingDataProducers)
     */
    autoCreated: 'with-prefix-cache-scorer' | 'for-any-consumer';
    /** a negative effective block cap: the first prompt of a block or more panics the EPP (≤ v0.8), or no prefix is hashed */
    negativeBlockCap: 'crashes' | 'disables-matching';
  };
  images: { epp: string; sidecar: string; tag: string };
  /** the pod label the EPP's metrics extractor reads to pick an engine's metric names (unlabelled pods count as vLLM) */
  engineTypeLabel: string;
  sidecar: {
    /** the flag the sidecar listens on, and its default */
    listenFlag: string;
    defaultListenPort: number;
    /** flags that set the engine port, highest precedence first; the first is what we emit */
    enginePortFlags: readonly string[];
    defaultEnginePort: number;
    connectorFlag: string;
    /**
     * The deprecated alias of connectorFlag, when the version still has it: it fills an unset connectorFlag, and its
     * value must be a supported connector either way (Validate() checks it when it differs from connectorFlag's).
     */
    connectorAlias?: string;
    /** E/P/D: the flag naming the encoder-cache protocol between encoder and prefiller, and the values it takes */
    ecConnectorFlag: string;
    ecConnectors: readonly string[];
    /** the flag giving the engine's number of data-parallel HTTP ports (pkg/sidecar/proxy/options.go) */
    dataParallelFlag: string;
    kvConnectors: readonly string[];
    /** the connectors pd-disagg injects for a decode engine, with what each needs (a subset of kvConnectors) */
    kvWiring: Readonly<Partial<Record<SidecarConnector, SidecarKvWiring>>>;
    /** every long flag the binary registers (without dashes) */
    flags: readonly string[];
    /** flag-name prefixes registered by the logging options (zap) */
    flagPrefixes: readonly string[];
    deprecatedFlags: Readonly<Record<string, string>>;
    /** flags older versions had and this one does not: pflag exits on them */
    removedFlags: Readonly<Record<string, string>>;
  };
  epp: {
    flags: readonly string[];
    ports: { grpc: number; grpcHealth: number; metrics: number };
    /** gRPC health service name the probes ask for (single replica, no leader election) */
    healthService: string;
    poolGroup: string;
    /** env var the EPP falls back to when --pool-namespace is empty */
    namespaceEnv: string;
    /** what the EPP lists and watches, for its Role */
    watches: readonly { apiGroup: string; resources: readonly string[] }[];
    /**
     * How the EPP guards /metrics, or undefined when this version does not. While on, every scrape costs the EPP a
     * TokenReview and a SubjectAccessReview (controller-runtime filters.WithAuthenticationAndAuthorization), which only
     * a ClusterRole can grant: `clusterRules` are that ClusterRole's rules, as upstream's chart ships them.
     */
    /** the flag without which the EPP refuses alpha plugins (v0.10+, cmd/epp/runner/runner.go registers plugins with a
     * stability level); undefined where plugins have none */
    experimentalPluginsFlag?: string;
    metricsAuth?: {
      /** the boolean flag that turns it off (`--<flag>=false`) */
      flag: string;
      /** its default */
      defaultOn: boolean;
      clusterRules: readonly ClusterRule[];
    };
  };
  /** header comment lines for the generated config, explaining why it is armed the way it is */
  configNotes: readonly string[];
}

/** A ClusterRole rule: resources of API groups, or non-resource URLs. */
export interface ClusterRule {
  apiGroups?: readonly string[];
  resources?: readonly string[];
  nonResourceURLs?: readonly string[];
  verbs: readonly string[];
}

export interface RoutingStackInput {
  version: RouterVersion;
  name: string;
  namespace?: string;
  poolSelector: Record<string, string>;
  targetPort: number;
  /** ports the pool targets on each pod: [targetPort, targetPort + n), 1 to 8 (InferencePool v1 allows 8) */
  targetPortCount?: number;
  configMapName: string;
  configKey: string;
  configText: string;
  /** the checksum of the config as data (src/plan/epp-text.ts): the EPP's pods roll when it changes, not for a comment
   * in the text */
  configChecksum: string;
  /** attach an HTTPRoute to this Gateway; requestTimeout defaults to the llm-d-router chart's 300s */
  gateway?: { name: string; namespace?: string; requestTimeout?: string };
  /**
   * keep the EPP's /metrics auth on (default) and generate the ClusterRole and ClusterRoleBinding it needs, or pass
   * the flag that turns it off and generate neither; ignored by a version without such auth
   */
  metricsAuth?: boolean;
  /** the config uses alpha plugins: start the EPP with --allow-experimental-plugins (v0.10.0+) */
  allowExperimentalPlugins?: boolean;
}
