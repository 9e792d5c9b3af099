// docs/rules.md is generated from the rule registry (id, scope, severity, summary, field, fix) plus the reasons below.
// `node scripts/gen-rules-doc.mjs` rewrites it; test/rules/doc.test.ts fails when the file and the registry drift apart
// or when a rule has no reason here.
import type { Rule } from '../src/validate/registry.js';
import { ALL_RULES } from '../src/validate/rules/index.js';

/** Why each rule exists, with the upstream issues and PRs behind it. */
export const RULE_WHY: Record<string, string> = {
  // ---- pair: engines, connectors, roles
  'engine-kind-mismatch': 'vLLM and SGLang move KV with different protocols and bootstrap mechanisms; a mixed pair can never hand KV over.',
  'kv-transfer-config-missing':
    'An engine without a connector ignores the transfer parameters the sidecar sends: decode logs "Got kv_transfer_params, but no KVConnector found. Disabling KVTransfer for this request." and recomputes the whole prompt, so the deployment looks healthy while prefill is wasted (kserve#5987, kserve PR #6027).',
  'kv-role-missing': 'vLLM rejects a kv_connector without kv_role at start. A MultiConnector child is rebuilt from its own dict only, so it needs its own kv_role (unified-cache-management#1343).',
  'kv-role-inverted':
    'kv_producer on decode or kv_consumer on prefill turns the flow around; role-aware connectors then never send, and readers of the config (discovery, operators) pick the wrong side.',
  'kv-role-both':
    'NixlConnector took its per-request role from the router, so kv_both used to be a placeholder; vLLM deprecated it for NIXL (RFC vllm#43807, docs PR #55693) and llm-d stopped recommending it (llm-d PR #1715).',
  'kv-role-required': 'MooncakeConnector and P2pNcclConnector decide by role which side runs the bootstrap server or sender (VLLM_MOONCAKE_BOOTSTRAP_PORT is read on producers only).',
  'kv-connector-mismatch':
    'Since vLLM 2026, NixlConnector is an alias of NixlPullConnector (decode reads from prefill) and NixlPushConnector has prefill write to decode: the protocols do not interoperate, and PR #50620 adds the mode to the compatibility hash. Connectors with nothing in common transfer nothing.',
  // ---- pair: compatibility
  'model-mismatch':
    "vLLM's NIXL handshake hashes the model string (vllm PR #29503, ≈v0.12): an HF id on one side and a local path on the other fail with \"NIXL compatibility hash mismatch\" at the first request, after both pods reported ready.",
  'served-model-name-disjoint': 'The router forwards the request\'s "model" to whichever pod it picks; a pod that does not serve that name answers 404 "The model … does not exist". The default served name is the model string.',
  'dtype-mismatch': 'dtype is hashed by the NIXL handshake (vllm PR #29503); `auto` resolves per GPU generation and model, so pin the same value on both.',
  'kv-cache-dtype-mismatch': 'The KV cache dtype is hashed (vllm PR #29503); quantized KV needs the same cache dtype on both sides (vLLM NIXL compatibility docs).',
  'attention-backend-mismatch': 'The attention backend name is hashed (vllm PR #29503) and also forces the physical block size (FlashMLA 64, CUTLASS MLA 128).',
  'hybrid-kv-cache-mismatch': 'Whether the hybrid KV cache manager is enabled is hashed in 2026 vLLM; the default depends on the version and the connector, so leaving it unset on one side is a mismatch waiting for an upgrade.',
  'max-model-len-mismatch': 'vLLM does not compare context lengths; a prompt one side accepts fails on the other depending on where it lands. llm-d ms-pd sets the same value on both.',
  'block-size-mismatch':
    'vLLM ≤ 0.11 required equal block sizes; from PR #26759 (≈v0.12) only a smaller prefill block that divides the decode block pairs, not with P TP > D TP and not with a host (cpu) buffer; hybrid models raise the block size themselves (vllm#42895). SGLang refuses different page sizes (sglang PR #14474).',
  'block-size-ratio': 'Heterogeneous block sizes work only on recent vLLM and not for hybrid (Mamba/SSM) models; equal sizes avoid the question.',
  'block-size-implicit':
    "Without --block-size, vLLM's platform and attention backend choose (16 on CUDA, 64+ for MLA backends, larger for hybrid models, 128 on CPU/HPU), so P and D can differ silently and the EPP's block size is a guess. SGLang's default page size is 1.",
  'tp-prefill-greater': 'Fan-out (decode TP ≥ prefill TP) is the supported direction (vllm PR #18833); P TP > D TP came later (PR #27274), needs equal block sizes and fails when prefill replicates KV heads; llm-d PR #2187 calls it unsupported for most architectures.',
  'tp-ratio': 'KV heads are split between ranks by the TP ratio; without an integer ratio no rank mapping exists and the transfer asserts.',
  'pipeline-parallel': 'The pull NIXL connector asserts a remote (prefill) PP of 1; prefill PP needs NixlPushConnector (vllm PR #45880); decode PP is not planned.',
  // ---- pair: ports, sidecar, side channel
  'sidecar-engine-port-unknown':
    "The sidecar's engine port is a literal flag; a --port computed in the pod (`$(cat …)`, a variable from the downward API or the image) cannot be copied into it, and a guess would send every request to a closed port.",
  'dp-ports-over-pool-limit':
    'With --data-parallel-multi-port-external-lb each local rank serves --port + rank (vllm/entrypoints/openai/dp_supervisor.py); InferencePool v1 spec.targetPorts takes at most 8 ports, so ranks beyond the eighth would never be picked.',
  'dp-ports-mismatch':
    'One InferencePool targets the same port list on every pod it selects; a pod that serves fewer rank ports than the list gets requests on ports nothing listens on.',
  'sidecar-data-parallel-size':
    'The routing sidecar listens on --port + r and forwards to the engine port + r for r below --data-parallel-size (pkg/sidecar/proxy/data_parallel.go, same flag in v0.8.0 to v0.10.0); without it only rank 0 of the decode pod gets traffic.',
  'engine-image-mismatch':
    'KV transfer compatibility depends on both ends running the same engine and NIXL versions: vLLM hashes its version, the model and the KV layout into the NIXL handshake (vllm PR #29503), and connector protocols change between releases.',
  'sglang-bootstrap-port-sidecar':
    'The routing sidecar reads SGLANG_BOOTSTRAP_PORT (default 8998) to tell decode where the prefill bootstrap server is (pkg/sidecar/proxy/connector_sglang.go in inference-scheduler v0.8.0 and router v0.9.0/v0.10.0); an injected sidecar gets it from pd-disagg.',
  'sidecar-flag-unknown':
    'pd-sidecar parses its flags with pflag, which exits on a flag it does not know: --connector was deprecated for --kv-connector and removed in router v0.10.0 with the TLS flags (llm-d-router #2054), the pool-name flags went in v0.9.0. Every llm-d-modelservice chart output up to v0.4.12 and the llm-d guides still pass --connector, so the sidecar crashloops on v0.10.0 while the engines look healthy.',
  'sidecar-flag-deprecated': 'A deprecated alias still works but prints a warning at start and is removed in a later version (v0.10.0 removed the aliases v0.8/v0.9 deprecated).',
  'sidecar-engine-port-default': "The sidecar's default engine port moved from 8001 to 8200 in router v0.10.0 (llm-d-router #1723): a sidecar relying on it forwards elsewhere after an upgrade.",
  'sidecar-image-version':
    "The sidecar's flags and defaults differ per release (pkg/sidecar/proxy/options.go at each tag); an image of another release than the EPP's may refuse flags this version accepts or accept ones it refuses. llm-d-routing-sidecar is the image up to router v0.8.0 (llm-d-inference-scheduler), llm-d-router-disagg-sidecar from v0.9.0.",
  'epp-knob-unsupported':
    "buildEppConfig leaves a knob out where the version's decider has no such parameter (v0.9's strict decoder would stop the EPP on it); without this warning the setting would vanish silently.",
  'decode-port-is-sidecar-port': 'The routing sidecar owns the pod\'s public port (the InferencePool\'s target); a decode engine on the same port fails to bind or shadows the sidecar, so requests skip the P/D handshake.',
  'sidecar-target-port': "The sidecar's engine port default moved from 8001 to 8200 in router v0.10.0 (llm-d-router PR #1723); a sidecar pointing elsewhere gets connection refused.",
  'sidecar-listen-port':
    "The InferencePool sends every request to one target port on each selected pod; on a decode pod only the routing sidecar may answer there (it runs the prefill hop, then forwards to the engine). A sidecar kept from the user's manifest that listens elsewhere (--port, default 8000 in every router version) is never reached.",
  'sidecar-kv-connector': 'The sidecar drives the handshake in the protocol named by --kv-connector; a mismatch leaves decode waiting in WAITING_FOR_REMOTE_KVS until the gateway times out (llm-d#355). SGLang needs `sglang`, MooncakeConnector `mooncake`; the default is nixlv2. It judges the sidecar pd-disagg injects as well as one the user wrote.',
  'sidecar-kv-connector-missing':
    "The sidecar validates --kv-connector against its own list at start (options.go Validate: \"--kv-connector must be one of\") and exits on any other value; mooncake is there from llm-d-router v0.9.0 (connector_mooncake.go), not in llm-d-inference-scheduler v0.8.0. A nixlv2 sidecar in front of MooncakeConnector engines starts but sends NIXL kv_transfer_params the Mooncake engines do not read, so no request is disaggregated. pd-disagg injects no sidecar then and refuses the pair.",
  'mooncake-bootstrap-port-sidecar':
    "With --kv-connector=mooncake the sidecar asks http://<prefill pod>:<port>/query for the prefill's engine id before each new prefill pod's first request (connector_mooncake.go); the port is --mooncake-bootstrap-port, else env MOONCAKE_BOOTSTRAP_PORT, else 8998 (options.go), while vLLM's MooncakeConnector serves it on the prefill at VLLM_MOONCAKE_BOOTSTRAP_PORT (default 8998, vllm docs/features/mooncake_connector_usage.md). A mismatch makes the lookup fail and the sidecar answers 502.",
  'mooncake-bootstrap-server-address':
    "vLLM's MooncakeConnector `kv_connector_extra_config.bootstrap_server_address` makes every prefill rank register with that server instead of launching the embedded one, and leaves it to the proxy to use the same endpoint (vllm docs/features/mooncake_connector_usage.md). The llm-d sidecar cannot be told another host: it builds the address from the prefill pod the EPP picked and --mooncake-bootstrap-port (connector_mooncake.go). A warning, since the server may run in the prefill pod.",
  'prefill-port-not-pool-port': 'The InferencePool sends traffic for every selected pod to one target port; the prefill pod has no sidecar, so its engine must listen there itself.',
  'nixl-side-channel-host':
    'The prefill engine advertises VLLM_NIXL_SIDE_CHANNEL_HOST to decode in kv_transfer_params. The default localhost makes decode dial itself ("Remote NIXL agent engine ID mismatch", vllm#27083); 0.0.0.0 is not routable; the node IP reaches nothing unless the pod uses hostNetwork. Every engine binds its own handshake listener (a ZMQ ROUTER socket) on that host, and the engine that produces KV advertises it; decode dials the prefill\'s address, so decode\'s own setting matters when decode produces KV too (kv_role kv_both), and a node IP makes its bind fail.',
  'nixl-side-channel-port':
    'One handshake listener per engine, i.e. per data-parallel rank, not per tensor-parallel worker: since vllm PR #26338 the engine\'s scheduler gathers the metadata of all its TP workers and serves it, keyed by TP rank, from one ZMQ socket on VLLM_NIXL_SIDE_CHANNEL_PORT + DP rank (vllm-project/vllm vllm/distributed/kv_transfer/kv_connector/v1/nixl_connector.py NixlConnectorScheduler @ 002a1057 and @ 0f120751; docs/features/nixl_connector_usage.md @ 029e67cd), so --tensor-parallel-size adds no port (evidence and the releases before the PR: docs/nixl-side-channel.md). The default moved from 5557 to 5600 in v0.11.1 (PR #25056), and leftover 5557 declarations had to be fixed across llm-d (llm-d PR #668, modelservice #201).',
  'nixl-side-channel-port-conflict': 'Two listeners on one port in a pod fail with "Address already in use" (vllm#20965); 5557 is also the KV-events port, the reason the default moved.',
  // ---- pair: SGLang
  'sglang-disaggregation-mode': 'Without --disaggregation-mode SGLang runs as an ordinary server (mode "null"); the other side waits for a peer that never bootstraps.',
  'sglang-transfer-backend-mismatch': 'The default backend is mooncake, so a side that omits the flag does not talk to a NIXL side.',
  'sglang-host-loopback': "SGLang's --host defaults to 127.0.0.1 and the bootstrap server listens on the same host (sglang PR #9931): nothing outside the pod reaches it; Dynamo had to add --host 0.0.0.0 (Dynamo PR #3666).",
  'sglang-ib-device-with-nixl': '--disaggregation-ib-device is read by Mooncake only; with NIXL the NIC must be pinned with UCX_NET_DEVICES or transfers can hang until the 300 s timeout (sglang#28737).',
  'sglang-hetero-tp-staging-buffer': "llm-d's SGLang guide sets SGLANG_DISAGG_STAGING_BUFFER=1 for heterogeneous TP on non-MLA models; without it P/D with different TP crashes or hangs (sglang#15674, llm-d#2433).",
  // ---- pair: pods and workloads
  'namespace-mismatch': 'The generated InferencePool, EPP and RBAC live in the decode workload\'s namespace and select pods there only.',
  'role-label-conflict': "The EPP's prefill filter admits only pods labelled llm-d.ai/role: prefill, and its decode filter admits unlabelled pods too; a contradicting label routes traffic to the wrong engine.",
  'shm-not-memory':
    "Containers get a 64 MiB /dev/shm; NCCL and vLLM's shared-memory queues need far more once an engine spans several GPUs (\"Error while creating shared memory segment\", bus errors: production-stack#276, NVIDIA/nccl#525). Only a Memory emptyDir (tmpfs) gives POSIX shared memory.",
  'shm-size-over-memory-limit': 'Pages in a Memory emptyDir count against the container memory limit, so a sizeLimit above it is never reachable: the engine is OOM-killed first.',
  'expandable-segments-with-kv-connector': 'Recent vLLM rejects expandable_segments:True with a KV connector unless the cumem allocator is enabled: the connector registers KV memory with the NIC, which remapped segments break.',
  'engine-id-shared': 'Decode keys NIXL handshakes and remote agents by engine_id; vLLM generates a unique one per engine (and appends _dp<rank>) unless it is set explicitly, so a fixed id in a replicated template is shared.',
  // ---- pair: E/P/D (src/validate/rules/encode.ts; run only when an encode stage is wired)
  'ec-transfer-config-missing':
    'vLLM loads an EC connector only with --ec-transfer-config (ECTransferConfig, vllm/config/ec_transfer.py): an encoder without one keeps its output, a prefill without one runs the vision encoder itself (llm-d-router docs/disaggregation.md, E/P/D sequence).',
  'ec-role-inverted':
    'vLLM splits an EC connector into a producer (ec_role ec_producer: saves encoder output) and a consumer (ec_consumer: loads it); the llm-d e-disaggregation guide runs the encoder as producer and prefill as consumer.',
  'ec-connector-mismatch':
    'The producer and the consumer must load the same connector the same way: ECCPUConnector with ec_enable_nixl fetches over NIXL (vllm PR #47941), without it only from its own mmap region; ECExampleConnector reads files under shared_storage_path.',
  'ec-connector-local-only':
    "ECCPUConnector without ec_enable_nixl keeps encoder outputs in an mmap region under the pod's /dev/shm; a consumer in another pod never maps it (llm-d/llm-d #2535).",
  'ec-connector-unknown':
    "The sidecar's ec-example protocol sends each image to an encoder and then the request to prefill with no transfer metadata (connector_ec_shared_storage.go); only ec-nixl passes the encoders' ec_transfer_params on (connector_ec_nixl.go).",
  'ec-nixl-router-version':
    'The sidecar accepts --ec-connector=ec-nixl from llm-d-router v0.9.0 (#1444, pkg/sidecar/constants); llm-d-inference-scheduler v0.8.0 knows only ec-example and exits on anything else.',
  'ec-sidecar-connector':
    'Without --ec-connector the sidecar skips the encoder stage ("Leave empty to skip encoder stage", pkg/sidecar/proxy/options.go); ec-example never forwards the ec_transfer_params a NIXL transfer needs.',
  'ec-storage-not-shared':
    "ECExampleConnector writes each encoder output to a file under shared_storage_path and the consumer reads it back by mm_hash (vllm PR #25233); the llm-d-router samples add a ReadWriteMany PVC (deploy/components/vllm-encode/pvc.yaml, ec-cache-pvc) for it.",
  'ec-side-channel-dp':
    "ECCPUConnector's producer binds one ZMQ ROUTER on VLLM_EC_SIDE_CHANNEL_HOST:VLLM_EC_SIDE_CHANNEL_PORT (default 5601; vllm docs/features/ec_cpu_connector.md, PR #47941) from each engine's scheduler, with no data-parallel offset; each local DP rank runs its own scheduler, so the second one finds the port taken.",
  'encode-off-pool-port':
    "The EPP hands the decode sidecar the encode pods' addresses on the pool's target port (x-encoder-hosts-ports); encode pods have no sidecar (llm-d-router docs/disaggregation.md), so the engine itself must listen there, as vllm-encode's --port=8000 does in the llm-d-router samples.",
  'encode-model-mismatch':
    "Encoder output is one model's vision embedding, keyed by mm_hash; the llm-d guide runs the same model on all three stages.",
  'encode-not-encoder-only':
    'Every llm-d E/P/D sample starts the encoder with --mm-encoder-only (llm-d-router deploy/components/vllm-encode, the llm-d e-disaggregation guide); without it the encoder also loads the language model and its KV cache.',
  'dset-slice-crossing':
    "lws v0.10.0: spec.slices copies the whole role topology, and placementPolicy ExclusiveSlice/ExclusiveTopology puts each slice's roles in one topology domain (disaggregatedset_types.go); the router's rollout screener gates revisions, and keeps a request in one slice only with its slice headerSelector and header-label-affinity-scorer (screener/disaggregatedsetrollout/README.md, DisaggregatedSet Slice Affinity).",
  // ---- epp-config (src/validate/rules/epp-config.ts)
  'epp-api-version': 'Router v0.9.0 moved the config to llm-d.ai/v1alpha1; earlier versions decode only the x-k8s group, and an unknown apiVersion or kind stops the EPP.',
  'epp-api-version-deprecated': 'v0.9+ still read the x-k8s group but log a deprecation; switching now avoids a later break.',
  'epp-unknown-plugin': 'The EPP builds plugins from a registry per version; an unregistered type fails config loading.',
  'epp-deprecated-plugin': 'disagg-headers-handler, for example, is redundant from v0.9.0 (the profile handler sets the headers, llm-d-router PR #905) and scheduled for removal in v0.11.',
  'epp-experimental-plugin': 'From v0.10.0 alpha plugins need --allow-experimental-plugins. The EPP Deployment pd-disagg generates gets the flag whenever the config it runs has an alpha plugin (a DisaggregatedSet pair\'s rollout screener, or one in spec.epp.config), so this fires only for an EPP pd-disagg does not run (spec.router.enabled: false, or an EndpointPickerConfig in a ConfigMap of your own).',
  'epp-unknown-feature-gate': 'Samples from older releases carry a prepareDataPlugins gate that v1.5-era EPPs no longer register: the EPP crashloops on start.',
  'epp-strict-params': 'From v0.9.0 plugin parameters are decoded strictly (llm-d-router #1134): one unknown key stops the EPP.',
  'epp-ignored-params': 'Lenient versions and parameterless factories drop unknown keys silently, so the setting never takes effect (llm-d PR #730 cleaned such params out of the guides).',
  'epp-handler-mixed-params': 'The profile handler takes either the flat (deprecated) parameters or the nested profiles/deciders form; mixing them is rejected or half-ignored.',
  'epp-missing-plugin-ref': 'A dangling reference fails config loading.',
  'epp-missing-profile': 'The handler switches between named profiles; a missing one fails config loading or routing.',
  'epp-no-prefill-decider': 'Without a prefill decider the EPP schedules decode only: prefill pods serve nothing.',
  'epp-non-cached-tokens': 'Since v0.7.0 nonCachedTokens defaults to 0, which the prefix-based decider reads as never disaggregate; the symptom is a prefill fleet that handles zero requests.',
  'epp-no-prefix-producer': 'The auto-created producer runs with defaults (autoTune on, default block size), which may not match the engines.',
  'epp-producer-autotune': 'With autoTune the block size comes from engine metrics; on v0.8.0 this was unreliable, so pinning blockSizeTokens with autoTune off is deterministic.',
  'epp-producer-invalid': 'The producer constructor rejects autoTune off with a block size ≤ 0 and a negative token cap; the EPP does not start. On v0.8.0 a negative block cap loads, then panics the EPP at the first request (npm run conformance: mut-param-cap-negative).',
  'epp-decider-no-producer': 'GIE v1.5.0, the EPP of router v0.8.0, adds the prefix producer only when prefix-cache-scorer is declared; without producer data the prefix decider never takes the prefill hop (npm run conformance: mut-producer-none-no-scorer). From v0.9.0 every consumer gets its producer.',
  'epp-block-size-mismatch': 'Prefix hits are counted in EPP blocks; a block size that differs from the engine\'s over- or under-estimates cached tokens, so the decider disaggregates the wrong requests (kserve#5011).',
  'epp-block-size-floor': 'From v0.9.0 the block size is floored at 64 tokens (llm-d-router PR #1160, issue #1158) to bound EPP memory.',
  'epp-prefix-cap-ignored': 'From v0.9.0 maxPrefixTokensToMatch (default 131072) takes precedence over maxPrefixBlocksToMatch.',
  'epp-prefill-profile-name': 'The prefix producer indexes the endpoint of the profile literally named prefill (GIE #2080); any other name leaves prefill pods out of the prefix index.',
  'epp-headers-handler-missing': 'Up to v0.8.0 only disagg-headers-handler tells the sidecar which prefill pod to use.',
  'epp-headers-handler-profile': 'Up to v0.8.0 disagg-headers-handler reads the pick of its own prefillProfile (default "prefill"), not the profile handler\'s; renaming the prefill profile in one place only leaves the header unset (npm run conformance: mut-profile-prefill-renamed).',
  'epp-plugin-order': 'v0.8.0 builds plugins in declaration order; a handler that refers to a later decider fails.',
  'epp-duplicate-plugin-name': 'Plugins are looked up by name (the type when unnamed); a duplicate shadows the other or fails loading.',
  'epp-unknown-field': 'The loader decodes the config strictly: the llm-d router (npm run conformance) stops with "strict decoding error: unknown field".',
  'epp-param-type': 'Parameters and weights are unmarshalled into Go ints, bools and strings; another JSON type fails the plugin or the config (seen live by npm run conformance).',
  'epp-profile-handlers': 'The scheduler config takes exactly one profile handler: "multiple profile handlers found; only one is allowed".',
  'epp-stage-order': 'v0.10.0 validates stageOrder and refuses prefill-first together with a prefill decider; prefill-first without a decider sends every request through prefill.',
  'dset-rollout-unscreened':
    'A DisaggregatedSet rolls all its roles out as one revision (kubernetes-sigs/lws pkg/controllers/disaggregatedset); mid-rollout both revisions serve. Router v0.10.0\'s disaggregatedset-rollout-screener keeps a request on one revision (its README lists why pairing across revisions breaks: KV formats, transfer protocols, drivers); v0.8.0 and v0.9.0 have no such plugin, and a config of your own may leave it out. pd-disagg generates it at v0.10.0.',
  'dset-screener-roles':
    'The screener drops every revision without a Ready pod of each required role (screener.go), and the role is the pod label disaggregatedset.x-k8s.io/role, i.e. the set\'s spec.roles[].name: a role the set does not have (prefill where the set says ctx) leaves no revision, and every request fails with HTTP 503.',
  'dset-screener-config':
    "Router v0.10.0's disaggregatedset-rollout-screener runs its Config.Validate when the plugin is built (screener/disaggregatedsetrollout/config.go, plugin.go Factory): revisionGating is required, mode is sum, max-role or disabled, and sum or max-role need requireRoles.values with at least one role, none empty, none twice; a failure stops the EPP at load (seen live by npm run conformance: mut-dset-gating-*). pd-disagg generates a screener that passes; this judges one in a config of your own. v0.8.0 and v0.9.0 have no screener.",
  'dp-port-range':
    "vLLM derives one port per local data-parallel rank from a single setting: with --data-parallel-multi-port-external-lb rank r serves --port + r (vllm/entrypoints/openai/dp_supervisor.py), and rank r's NIXL side channel listens on VLLM_NIXL_SIDE_CHANNEL_PORT + r, one listener per rank whatever the tensor-parallel size (vllm PR #26338, docs/nixl-side-channel.md). The setting is checked to be a port, but the last rank's port was not: 65535 with two ranks rendered with exit 0 although rank 1 needs 65536, which no socket can bind (and Kubernetes refuses as a containerPort, so pd-disagg declares side-channel ports only up to 65535).",
  'epp-prefill-profile-filter': 'Without its role filter a profile scores both pods and the picker breaks ties at random, so the prefill hop or the destination lands on the wrong pod (seen live by npm run conformance).',
  'epp-encode-stage':
    'disagg-profile-handler runs the encode stage only when deciders.encode names a decider and schedulingProfiles has the profile profiles.encode (default "encode"); otherwise it logs "No deciders.encode configured, E disaggregation disabled" or skips the stage (disagg_profile_handler.go at inference-scheduler v0.8.0, router v0.9.0 and v0.10.0). encode-filter keeps only llm-d.ai/role=encode pods (filter/bylabel/roles.go); at v0.8.0 disagg-headers-handler sets x-encoder-hosts-ports from its own encodeProfile.',
  'epp-encode-decider-type':
    'The handler runs the encode stage whenever deciders.encode says yes; only always-disagg-multimodal-decider looks at the request (multimodal content), always-disagg-pd-decider always says yes and prefix-based-pd-decider says yes on long uncached prompts (llm-d-router disagg/*_decider.go at v0.9.0 and v0.10.0, inference-scheduler v0.8.0). Recorded live at all three tags: with a P/D decider in deciders.encode a text-only request gets an encode pod in x-encoder-hosts-ports (corpus mut-epd-encode-decider-is-*), and the sidecar sends it down its encoder path. docs/router-versions.md, "Encode decider type".',
  'epp-decider-not-decider':
    'The profile handler looks each decider name up and asserts the plugin implements its deciderPlugin interface; only prefix-based-pd-decider, always-disagg-pd-decider and always-disagg-multimodal-decider do. Any other plugin stops the factory: "plugin X does not implement prefillDeciderPlugin" / "encodeDeciderPlugin" (disagg_profile_handler.go HandlerFactory), "decider plugin of type: X does not implement pdDeciderPlugin" (pd_profile_handler.go), at inference-scheduler v0.8.0, router v0.9.0 and v0.10.0. Recorded live at all three tags (corpus mut-decider-prefill-is-filter, mut-handler-pd-legacy-decider-is-filter, mut-epd-encode-decider-is-filter, mut-epd-encode-decider-flat-is-scorer): the EPP does not start. docs/router-versions.md, "Decider slots".',
  'epp-prefill-decider-multimodal':
    'always-disagg-multimodal-decider implements the same decider interface as the P/D deciders, so the handler accepts it as prefill decider, and its disaggregate says yes only when the request has multimodal content (multimodal_helpers.go hasMultimodalContent: image_url, video_url or input_audio blocks at v0.8.0, the token producer\'s multimodal features at v0.9.0/v0.10.0). Recorded live at all three tags (corpus mut-decider-multimodal-prefill, mut-epd-prefill-decider-is-mm): the config loads, the ~600-token text prompt stays on decode, and only the image request takes the prefill hop. For text traffic that is the same as no prefill decider (epp-no-prefill-decider). docs/router-versions.md, "Decider slots".',
  'epp-pd-handler-extra-profile':
    'PdProfileHandler.Pick (pd_profile_handler.go, the same at inference-scheduler v0.8.0, router v0.9.0 and v0.10.0) returns no profile only when every scheduling profile of the config has a result or decode failed; otherwise it asks the decider again and returns the prefill profile again. It never runs a third profile, and Scheduler.Schedule loops as long as Pick returns profiles (no iteration cap, no context check). Recorded live at all three tags: corpus mut-handler-pd-legacy-extra-profile (pd-profile-handler and a third profile) gets no verdict within 60 s, and goroutine dumps of the harness (v0.10.0 on that config, v0.8.0 on mut-epd-pd-handler-encode-decider, whose third profile is an encode profile) show the scheduling goroutine runnable in Pick under Scheduler.Schedule. docs/router-versions.md, "Decider slots".',
};

const SCOPES = [
  { scope: 'pair', title: 'Pair rules (`scope: pair`)', intro: 'They compare the prefill and decode engines and check the wiring between them. Source: `src/validate/rules/{roles,compat,ports,sglang,pod}.ts`.' },
  {
    scope: 'epp-config',
    title: 'EPP config rules (`scope: epp-config`)',
    intro:
      'They lint every EndpointPickerConfig in sight (the generated one, `spec.epp.config`, and EndpointPickerConfigs in ConfigMaps among the items) against the router version. Source: `src/validate/rules/epp-config.ts` (and `dset.ts`, for the config of a DisaggregatedSet pair); the version tables are described in [router-versions.md](router-versions.md).',
  },
] as const;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderRulesDoc(rules: readonly Rule<never>[] = ALL_RULES): string {
  const out: string[] = [];
  out.push('<!-- Generated by `node scripts/gen-rules-doc.mjs` from the rule registry and scripts/rules-doc.ts; do not edit by hand. -->');
  out.push('# Rules');
  out.push('');
  out.push(
    'Every check pd-disagg makes is an entry in the rule registry (`src/validate/rules/index.ts`). Each result carries the rule id in `tags.rule` and at the end of its message (`… [rule kv-role-inverted]`, so kpt\'s printout, ' +
      'stderr, kustomize and Argo CD all show it), the resource, the field path (kpt style, e.g. `spec.template.spec.containers[0].args[4]`) and, where one exists, the current and proposed value.',
  );
  out.push('');
  out.push('**Severities.** `error`: the pair would not disaggregate (or not start); the function exits 1 and writes the items back unchanged. ' +
    '`warning`: it works in some versions or setups but is fragile. `info`: worth knowing; info results stay off stderr.');
  out.push('');
  out.push('**Overrides.** `spec.rules` of the `PrefillDecode` config maps a rule id to `off`, `error`, `warning` or `info`:');
  out.push('');
  out.push('```yaml');
  out.push('spec:');
  out.push('  rules:');
  out.push('    kv-role-both: off           # the llm-d guide still uses kv_both on decode');
  out.push('    tp-prefill-greater: error   # refuse P TP > D TP outright');
  out.push('```');
  out.push('');
  out.push('The ConfigMap form (`kpt fn eval -- key=value`, Argo CD parameters) takes the same overrides in its `rules` key: ' +
    '`rules=kv-role-both=off,tp-prefill-greater=error`. An override naming a rule id that does not exist is an error that names the nearest one.');
  out.push('');
  out.push(
    'Problems met while reading an engine launch line (bad JSON, `--port=abc`, a repeated `serve`, …) are reported too, tagged `parse-<code>` ' +
      '(see `ISSUE_CODES` in `src/engines/issue-codes.ts`); they are not registry rules and cannot be overridden. Neither are discovery errors, reported ' +
      'before any rule runs: a named workload that is missing or whose engine container cannot be found (results point at its ' +
      '`spec.template.spec.containers`), and zero or several candidates for a role.',
  );
  out.push('');
  out.push('Ids of results that are not registry rules (they cannot be switched off): `config-invalid` (the functionConfig: an unknown key ' +
    'or field, with the nearest known one, or a value its schema refuses), `discovery` (the engines could not be found or told apart), ' +
    '`roles-swapped` (the config names the prefill workload as decode and the other way round: one error instead of every rule that follows ' +
    'from it), `duplicate-resource` (two items with one identity in one kpt package; the Kptfile, Kustomization, local-config objects and the functionConfig are never counted), `apply-not-editable` (a field pd-disagg must add to has the wrong type), ' +
    '`generated-user-owned` (a resource pd-disagg would generate exists without its managed-by label and is left alone), ' +
    '`epp-config-yaml` (a ConfigMap key holding an EndpointPickerConfig that is not valid YAML), `parse-<code>`.');
  out.push('');
  out.push('**Values only known at run time.** Launch scripts are read as the shell would, as far as the manifest tells: `$((…))` on known ' +
    'values is computed, an empty unquoted expansion disappears, the script\'s own assignments count, and LeaderWorkerSet\'s `LWS_GROUP_SIZE` is its ' +
    '`size`. A value that only the pod knows (`$(hostname)`, `` `cmd` ``, an env from `valueFrom`/`envFrom`, a variable the manifest does not set, ' +
    '`LWS_WORKER_INDEX`, `LWS_LEADER_ADDRESS`, a variable assigned inside `if`/`for`) is never reported as wrong: a rule that needs it (the ' +
    '**Needs** line below) does not run and says `could not check <rule>` as a warning naming the value and where it is.');
  out.push('');
  out.push('**Decision: the EPP block size with SGLang.** SGLang\'s default `--page-size` is 1 (a token-granular radix cache). The EPP does not get 1: ' +
    'when neither `spec.epp.blockSizeTokens` nor the decode engine\'s `--page-size` (vLLM: `--block-size`) is set, the EPP config uses 16 tokens ' +
    '(`DEFAULT_BLOCK_SIZE_TOKENS`, vLLM\'s CUDA default). Hashing every token would cost the EPP a hash and an index entry per prompt token; with a token-granular ' +
    'engine cache, a 16-token EPP block only under-counts a hit by less than one block, which makes the decider disaggregate slightly more often, never less. ' +
    'Router v0.9.0 and later raise anything below 64 to 64 anyway. An explicit `--page-size` is used as is. `block-size-implicit` says so on the decode side.');
  out.push('');
  for (const { scope, title, intro } of SCOPES) {
    const mine = rules.filter((r) => r.scope === scope);
    out.push(`## ${title}`);
    out.push('');
    out.push(intro);
    out.push('');
    out.push('| id | severity | catches |');
    out.push('|---|---|---|');
    for (const r of mine) out.push(`| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${cell(r.summary)} |`);
    out.push('');
    for (const r of mine) {
      out.push(`### ${r.id}`);
      out.push('');
      out.push(`- **Severity:** ${r.severity}`);
      out.push(`- **Catches:** ${r.summary}`);
      out.push(`- **Field:** ${r.field}`);
      out.push(`- **Fix:** ${r.fix}`);
      if (r.needs?.length) out.push(`- **Needs:** ${r.needs.map((n) => `\`${n}\``).join(', ')}${r.engines ? ` (${r.engines.join(', ')} only)` : ''}`);
      out.push(`- **Why:** ${RULE_WHY[r.id] ?? '(missing)'}`);
      out.push('');
    }
  }
  return out.join('\n');
}
