export const USAGE = `pd-disagg: make prefill/decode disaggregation of vLLM or SGLang behind the llm-d router work.

Usage:
  pd-disagg < resource-list.yaml > resource-list.out.yaml     (KRM function: kpt, kustomize)
  pd-disagg --help | --version

Reads a ResourceList with a prefill and a decode engine workload (Deployment, StatefulSet or
LeaderWorkerSet running vLLM or SGLang) and a functionConfig, and:
  - writes the EndpointPicker config (ConfigMap <name>-epp-config) for the chosen llm-d router
    version, armed to disaggregate, with blockSizeTokens taken from the decode engine's flags;
  - injects the NIXL side-channel env, a Memory-backed /dev/shm and the decode routing sidecar;
  - labels the pod templates llm-d.ai/role and generates the routing stack (InferencePool, EPP);
  - refuses inconsistent pairs with results naming the resource, the field and the fix.

functionConfig (one of):
  apiVersion: pd-disagg.dev/v1alpha1
  kind: PrefillDecode
  metadata: {name: qwen}                  # base name of generated resources
  spec:
    prefill: {name: qwen-prefill}         # optional; else found by llm-d.ai/role, kv_role, --disaggregation-mode
    decode: {name: qwen-decode, kind: Deployment}
    epp: {version: v0.10.0, decider: prefix-based, nonCachedTokens: 16, blockSizeTokens: 64, config: {...}}
    router: {enabled: true, gateway: {name: inference-gateway}}
    sidecar: {native: true, port: 8000}
    rules: {kv-role-both: off}
  or a ConfigMap (kpt fn eval -- prefill=NAME decode=NAME eppVersion=v0.9.0 decider=always nonCachedTokens=32),
  or none.

Exit status: 0 on success; 1 when any error result exists or the input is not a ResourceList
(stderr says what and where); 2 on an internal error. See README.md for the full reference.
`;
