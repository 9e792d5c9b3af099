// Real-world container shapes (llm-d guide, llm-d-modelservice, KServe, modelplane, kimi-k2, SGLang) and the
// facts the engine model must read from them.
import { describe, expect, it } from 'vitest';
import { nixlConnectors, parseEngine, type EngineModel } from '../../src/engines/index.js';
import type { KObject } from '../../src/types.js';

interface Case {
  name: string;
  container: KObject;
  check: (m: EngineModel) => void;
}

const cases: Case[] = [
  {
    name: 'llm-d guide prefill: command vllm serve, JSON as its own list item',
    container: {
      name: 'vllm',
      image: 'docker.io/vllm/vllm-openai:v0.19.1',
      command: ['vllm', 'serve'],
      args: [
        'openai/gpt-oss-120b',
        '--tensor-parallel-size=1',
        '--block-size=128',
        '--kv-transfer-config',
        '{"kv_connector":"NixlConnector", "kv_role":"kv_producer"}',
        '--no-disable-hybrid-kv-cache-manager',
        '--gpu-memory-utilization=0.9',
      ],
      env: [{ name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
    },
    check: (m) => {
      expect(m.kind).toBe('vllm');
      expect(m.launcher).toBe('vllm serve');
      expect(m.launch?.via).toBe('command');
      expect(m.model).toMatchObject({ value: 'openai/gpt-oss-120b', path: 'args[0]' });
      expect(m.port).toEqual({ value: 8000 });
      expect(m.blockSize).toMatchObject({ value: 128, path: 'args[2]' });
      expect(m.tensorParallel).toMatchObject({ value: 1, path: 'args[1]' });
      expect(m.kvTransferConfig?.value).toEqual({ kv_connector: 'NixlConnector', kv_role: 'kv_producer' });
      expect(m.kvTransferConfig?.path).toBe('args[4]');
      expect(m.disableHybridKvCacheManager).toEqual({ value: false, path: 'args[5]' });
      expect(m.env.VLLM_NIXL_SIDE_CHANNEL_HOST).toMatchObject({ path: 'env[0]', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'llm-d guide decode: kv_both, --port=8200, TP 4',
    container: {
      name: 'vllm',
      image: 'docker.io/vllm/vllm-openai:v0.19.1',
      command: ['vllm', 'serve'],
      args: [
        'openai/gpt-oss-120b',
        '--tensor-parallel-size=4',
        '--block-size=128',
        '--kv-transfer-config',
        '{"kv_connector":"NixlConnector", "kv_role":"kv_both"}',
        '--no-disable-hybrid-kv-cache-manager',
        '--port=8200',
        '--shutdown-timeout=60',
      ],
    },
    check: (m) => {
      expect(m.port).toEqual({ value: 8200, path: 'args[6]', raw: '8200' });
      expect(m.tensorParallel.value).toBe(4);
      expect(m.kvTransferConfig?.value.kv_role).toBe('kv_both');
      expect(m.flags.get('--shutdown-timeout')?.value).toBe('60');
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'llm-d-modelservice render: --port and "8200" as two items, container vllm',
    container: {
      name: 'vllm',
      image: 'ghcr.io/llm-d/llm-d-cuda:v0.3.0',
      command: ['vllm', 'serve'],
      args: [
        'Qwen/Qwen3-0.6B',
        '--port',
        '8200',
        '--served-model-name',
        'Qwen/Qwen3-0.6B',
        '--tensor-parallel-size',
        '2',
        '--kv-transfer-config',
        '{"kv_connector":"NixlConnector","kv_role":"kv_both"}',
        '--max-model-len',
        '4096',
      ],
      env: [
        { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5600' },
        { name: 'UCX_TLS', value: 'cuda_ipc,cuda_copy,tcp' },
      ],
    },
    check: (m) => {
      expect(m.port).toEqual({ value: 8200, path: 'args[2]', raw: '8200' });
      expect(m.servedModelNames).toMatchObject({ value: ['Qwen/Qwen3-0.6B'], path: 'args[4]' });
      expect(m.tensorParallel).toMatchObject({ value: 2, path: 'args[6]' });
      expect(m.maxModelLen?.value).toBe(4096);
      expect(m.nixlSideChannelPort).toEqual({ value: 5600, path: 'env[1].value', raw: '5600' });
      expect(m.env.UCX_TLS).toMatchObject({ value: 'cuda_ipc,cuda_copy,tcp', path: 'env[2]' });
      expect(m.occurrences?.find((o) => o.name === '--port')).toMatchObject({ path: 'args[1]', valuePath: 'args[2]' });
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'KServe sample: $(VLLM_ADDITIONAL_ARGS) inside an sh -c string',
    container: {
      name: 'main',
      image: 'kserve/huggingfaceserver:latest-gpu',
      command: ['/bin/sh', '-c'],
      args: [
        'python3 -m vllm.entrypoints.openai.api_server --model /mnt/models --served-model-name llama --port 8000 $(VLLM_ADDITIONAL_ARGS)',
      ],
      env: [
        {
          name: 'VLLM_ADDITIONAL_ARGS',
          value: `--kv_transfer_config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}' --block-size 64`,
        },
      ],
    },
    check: (m) => {
      expect(m.kind).toBe('vllm');
      expect(m.launcher).toBe('python3 -m vllm.entrypoints.openai.api_server');
      expect(m.launch).toEqual({ via: 'shell', path: 'args[0]', shell: '/bin/sh' });
      expect(m.model?.value).toBe('/mnt/models');
      expect(m.blockSize?.value).toBe(64);
      expect(m.kvTransferConfig?.value).toEqual({ kv_connector: 'NixlConnector', kv_role: 'kv_both' });
      expect(m.occurrences?.find((o) => o.name === '--kv-transfer-config')?.spelling).toBe('--kv_transfer_config');
      expect(m.argvPaths?.every((p) => p === 'args[0]')).toBe(true);
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'modelplane demo: args only, container engine, = forms',
    container: {
      name: 'engine',
      image: 'docker.io/vllm/vllm-openai:v0.19.1-x86_64-cu130',
      args: [
        'Qwen/Qwen3-0.6B',
        '--served-model-name=qwen',
        '--port=8001',
        '--block-size=128',
        '--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"kv_consumer"}',
      ],
    },
    check: (m) => {
      expect(m.launcher).toBe('vllm serve');
      expect(m.launch).toEqual({ via: 'image-entrypoint' });
      expect(m.model?.value).toBe('Qwen/Qwen3-0.6B');
      expect(m.servedModelNames?.value).toEqual(['qwen']);
      expect(m.port).toMatchObject({ value: 8001, path: 'args[2]' });
      expect(m.blockSize).toMatchObject({ value: 128, path: 'args[3]' });
      expect(m.kvTransferConfig).toMatchObject({ value: { kv_role: 'kv_consumer' }, path: 'args[4]' });
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'kimi-k2: the model inside command, DP 8',
    container: {
      name: 'engine',
      image: 'vllm/vllm-openai:v0.26.0',
      command: ['vllm', 'serve', '/mnt/models'],
      args: [
        '--tensor-parallel-size=1',
        '--data-parallel-size=8',
        '--enable-expert-parallel',
        '--trust-remote-code',
        '--port=8001',
        '--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"kv_consumer"}',
      ],
    },
    check: (m) => {
      expect(m.model).toMatchObject({ value: '/mnt/models', path: 'command[2]' });
      expect(m.tensorParallel.value).toBe(1);
      expect(m.dataParallel).toMatchObject({ value: 8, path: 'args[1]' });
      expect(m.pipelineParallel).toEqual({ value: 1 });
      expect(m.flags.get('--enable-expert-parallel')?.value).toBe(true);
      expect(m.port.value).toBe(8001);
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'hand-written sh -c "vllm serve …" with setup commands',
    container: {
      name: 'server',
      image: 'nvcr.io/nvidia/pytorch:25.01',
      command: ['bash', '-c'],
      args: [
        `set -e
# install the connector
pip install nixl && \\
exec vllm serve meta-llama/Llama-3.1-8B-Instruct \\
  -tp 2 --port 8200 \\
  --kv-transfer-config '{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}' \\
  --served-model-name llama llama-8b 2>&1 | tee /tmp/vllm.log`,
      ],
    },
    check: (m) => {
      expect(m.launch?.via).toBe('shell');
      expect(m.model?.value).toBe('meta-llama/Llama-3.1-8B-Instruct');
      expect(m.tensorParallel).toMatchObject({ value: 2, path: 'args[0]' });
      expect(m.port.value).toBe(8200);
      expect(m.servedModelNames?.value).toEqual(['llama', 'llama-8b']);
      expect(m.kvTransferConfig?.value.kv_role).toBe('kv_consumer');
      expect(m.argv).not.toContain('tee');
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'SGLang decode: python3 -m sglang.launch_server with = forms',
    container: {
      name: 'sglang',
      image: 'lmsysorg/sglang:v0.5.16',
      command: ['python3', '-m', 'sglang.launch_server'],
      args: [
        '--model-path=openai/gpt-oss-120b',
        '--port=8200',
        '--host=0.0.0.0',
        '--disaggregation-mode=decode',
        '--disaggregation-transfer-backend=nixl',
        '--tensor-parallel-size=2',
        '--enable-metrics',
      ],
      env: [{ name: 'SGLANG_DISAGG_STAGING_BUFFER', value: '1' }],
    },
    check: (m) => {
      expect(m.kind).toBe('sglang');
      expect(m.launcher).toBe('python3 -m sglang.launch_server');
      expect(m.model).toMatchObject({ value: 'openai/gpt-oss-120b', path: 'args[0]' });
      expect(m.port).toMatchObject({ value: 8200, path: 'args[1]' });
      expect(m.host).toMatchObject({ value: '0.0.0.0', path: 'args[2]' });
      expect(m.tensorParallel).toMatchObject({ value: 2, path: 'args[5]' });
      expect(m.flags.has('--tp-size')).toBe(true);
      expect(m.sglang?.mode).toMatchObject({ value: 'decode', path: 'args[3]' });
      expect(m.sglang?.transferBackend).toMatchObject({ value: 'nixl', path: 'args[4]' });
      expect(m.sglang?.bootstrapPort).toEqual({ value: 8998 });
      expect(m.blockSize).toBeUndefined();
      expect(m.env.SGLANG_DISAGG_STAGING_BUFFER.value).toBe('1');
      expect(m.issues).toEqual([]);
    },
  },
  {
    name: 'SGLang defaults: sglang serve with nothing P/D-specific',
    container: { name: 'sglang', command: ['sglang', 'serve'], args: ['--model-path', 'Qwen/Qwen3-8B'] },
    check: (m) => {
      expect(m.launcher).toBe('sglang serve');
      expect(m.port).toEqual({ value: 30000 });
      expect(m.host).toEqual({ value: '127.0.0.1' });
      expect(m.sglang?.transferBackend).toEqual({ value: 'mooncake' });
      expect(m.sglang?.bootstrapPort).toEqual({ value: 8998 });
      expect(m.sglang?.mode).toBeUndefined();
    },
  },
  {
    name: 'MultiConnector: NIXL child exposed',
    container: {
      name: 'vllm',
      command: ['vllm', 'serve', 'm'],
      args: [
        '--kv-transfer-config',
        JSON.stringify({
          kv_connector: 'MultiConnector',
          kv_role: 'kv_both',
          kv_connector_extra_config: {
            connectors: [
              { kv_connector: 'NixlConnector', kv_role: 'kv_producer' },
              { kv_connector: 'OffloadingConnector', kv_role: 'kv_both', kv_connector_extra_config: { num_cpu_blocks: 1000 } },
            ],
          },
        }),
      ],
    },
    check: (m) => {
      expect(nixlConnectors(m)).toEqual([{ kv_connector: 'NixlConnector', kv_role: 'kv_producer' }]);
      expect(m.issues).toEqual([]);
    },
  },
];

describe('real-world container shapes', () => {
  it.each(cases)('$name', ({ container, check }) => {
    const m = parseEngine(container);
    expect(m).toBeDefined();
    check(m!);
  });
});
