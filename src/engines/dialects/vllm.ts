// vLLM's command-line dialect as data. Facts from vLLM's FlexibleArgumentParser and EngineArgs:
// underscores become dashes in the flag name (up to the first `.`), JSON-object flags accept dotted pieces,
// `-O3` is `--optimization-level 3`, booleans come in `--x` / `--no-x` pairs, `vllm serve` takes the model
// as its first positional argument.

import type { Dialect, FlagSpec } from './types.js';

/** BooleanOptionalAction flags (accept `--no-<name>`). Only the ones that matter or that commonly precede the
 * positional model need to be listed: an unlisted bool would otherwise swallow the next token as its value. */
const NEGATABLE_BOOLS = [
  '--disable-hybrid-kv-cache-manager',
  '--mm-encoder-only',
  '--enable-prefix-caching',
  '--enable-chunked-prefill',
  '--enforce-eager',
  '--trust-remote-code',
  '--enable-expert-parallel',
  '--enable-eplb',
  '--enable-dbo',
  '--enable-lora',
  '--enable-sleep-mode',
  '--async-scheduling',
  '--disable-log-stats',
  '--disable-custom-all-reduce',
  '--disable-cascade-attn',
  '--enable-prompt-embeds',
  '--skip-tokenizer-init',
  '--enable-return-routed-experts',
  '--data-parallel-hybrid-lb',
  '--data-parallel-external-lb',
  '--data-parallel-multi-port-external-lb',
  '--enable-log-requests',
  '--enable-log-outputs',
];

/** store_true flags of the OpenAI frontend. */
const PLAIN_BOOLS = [
  '--headless',
  '--disable-log-requests',
  '--enable-auto-tool-choice',
  '--disable-fastapi-docs',
  '--disable-uvicorn-access-log',
  '--disable-frontend-multiprocessing',
  '--enable-request-id-headers',
  '--enable-prompt-tokens-details',
  '--enable-server-load-tracking',
  '--enable-force-include-usage',
  '--enable-tokenizer-info-endpoint',
];

const JSON_FLAGS: FlagSpec[] = [
  { name: '--kv-transfer-config', arity: 'one', json: true },
  { name: '--kv-events-config', arity: 'one', json: true },
  { name: '--ec-transfer-config', arity: 'one', json: true },
  { name: '--attention-config', aliases: ['-ac'], arity: 'one', json: true },
  { name: '--compilation-config', aliases: ['-cc'], arity: 'one', json: true },
  { name: '--speculative-config', arity: 'one', json: true },
  { name: '--hf-overrides', arity: 'one', json: true },
];

export const vllmDialect: Dialect = {
  kind: 'vllm',
  launchers: [
    { program: 'vllm', rest: ['serve'], positionalModel: true },
    { program: 'python', rest: ['-m', 'vllm.entrypoints.openai.api_server'], positionalModel: false },
  ],
  imageEntrypoint: {
    // vllm/vllm-openai images run `vllm serve` as their ENTRYPOINT, so `args` start with the model.
    launcher: { program: 'vllm', rest: ['serve'], positionalModel: true },
    imageRepos: ['vllm-openai', 'vllm', 'vllm-openai-rocm', 'vllm-rocm', 'vllm-tpu', 'vllm-cpu', 'vllm-xpu', 'vllm-neuron'],
    otherImages: [
      {
        // llm-d/llm-d docker/Dockerfile.cuda, Dockerfile.rocm, Dockerfile.xpu: ENTRYPOINT ["python", "-m",
        // "vllm.entrypoints.openai.api_server"] (the -dev images are built from the same files)
        launcher: { program: 'python', rest: ['-m', 'vllm.entrypoints.openai.api_server'], positionalModel: false },
        imageRepos: ['llm-d-cuda', 'llm-d-cuda-dev', 'llm-d-rocm', 'llm-d-rocm-dev', 'llm-d-xpu', 'llm-d-xpu-dev'],
      },
    ],
    containerNames: ['vllm', 'engine'],
    // SGLang moves KV with --disaggregation-* flags and has no --kv-transfer-config
    exclusiveFlags: ['--kv-transfer-config'],
  },
  underscoreToDash: true,
  dottedJson: true,
  gluedShort: { '-O': '--optimization-level' },
  flags: [
    { name: '--model', arity: 'one' },
    { name: '--served-model-name', arity: 'many' },
    { name: '--host', arity: 'one' },
    { name: '--port', arity: 'one' },
    { name: '--block-size', arity: 'one' },
    { name: '--tensor-parallel-size', aliases: ['-tp'], arity: 'one' },
    { name: '--pipeline-parallel-size', aliases: ['-pp'], arity: 'one' },
    { name: '--data-parallel-size', aliases: ['-dp'], arity: 'one' },
    { name: '--data-parallel-size-local', aliases: ['-dpl'], arity: 'one' },
    { name: '--dtype', arity: 'one' },
    { name: '--kv-cache-dtype', arity: 'one' },
    { name: '--attention-backend', arity: 'one' },
    { name: '--max-model-len', arity: 'one' },
    { name: '--config', arity: 'one' },
    { name: '--optimization-level', aliases: ['-O'], arity: 'one' },
    ...JSON_FLAGS,
    ...NEGATABLE_BOOLS.map((name): FlagSpec => ({ name, arity: 'bool', negatable: true })),
    ...PLAIN_BOOLS.map((name): FlagSpec => ({ name, arity: 'bool' })),
  ],
  fields: [
    { field: 'model', type: 'string', flag: '--model' },
    { field: 'servedModelNames', type: 'list', flag: '--served-model-name' },
    { field: 'host', type: 'string', flag: '--host' },
    { field: 'port', type: 'port', flag: '--port', default: 8000 },
    { field: 'blockSize', type: 'int', flag: '--block-size' },
    { field: 'tensorParallel', type: 'int', flag: '--tensor-parallel-size', default: 1 },
    { field: 'dataParallel', type: 'int', flag: '--data-parallel-size', default: 1 },
    { field: 'dataParallelLocal', type: 'int', flag: '--data-parallel-size-local' },
    { field: 'pipelineParallel', type: 'int', flag: '--pipeline-parallel-size', default: 1 },
    { field: 'dtype', type: 'string', flag: '--dtype', default: 'auto' },
    { field: 'kvCacheDtype', type: 'string', flag: '--kv-cache-dtype', default: 'auto' },
    {
      field: 'attentionBackend',
      type: 'string',
      flag: '--attention-backend',
      jsonKey: { flag: '--attention-config', key: 'backend' },
      env: 'VLLM_ATTENTION_BACKEND',
    },
    { field: 'disableHybridKvCacheManager', type: 'bool', flag: '--disable-hybrid-kv-cache-manager' },
    { field: 'maxModelLen', type: 'hrint', flag: '--max-model-len' },
    { field: 'kvTransferConfig', type: 'object', flag: '--kv-transfer-config' },
    { field: 'ecTransferConfig', type: 'object', flag: '--ec-transfer-config' },
    { field: 'mmEncoderOnly', type: 'bool', flag: '--mm-encoder-only' },
    { field: 'ecSideChannelPort', type: 'port', env: 'VLLM_EC_SIDE_CHANNEL_PORT' },
    { field: 'configFile', type: 'string', flag: '--config' },
    { field: 'nixlSideChannelPort', type: 'port', env: 'VLLM_NIXL_SIDE_CHANNEL_PORT' },
  ],
  signatureFlags: [
    '--kv-transfer-config',
    '--block-size',
    '--max-model-len',
    '--gpu-memory-utilization',
    '--enable-prefix-caching',
    '--no-enable-prefix-caching',
    '--disable-hybrid-kv-cache-manager',
    '--no-disable-hybrid-kv-cache-manager',
    '--data-parallel-size-local',
    '--enforce-eager',
    '--max-num-seqs',
    '--max-num-batched-tokens',
  ],
  repeatedLauncherToken: 'serve',
  defaultBlockSize: 16,
  missingModel: 'default-model',
};
