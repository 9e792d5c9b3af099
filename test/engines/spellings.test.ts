// Every spelling the engines accept reads to the same facts.
import { describe, expect, it } from 'vitest';
import { flagBool, flagValue, parseEngine, type EngineModel } from '../../src/engines/index.js';

const vllm = (...args: string[]): EngineModel => {
  const m = parseEngine({ name: 'vllm', command: ['vllm', 'serve'], args: ['my-model', ...args] });
  if (!m) throw new Error('not detected');
  return m;
};
const sglang = (...args: string[]): EngineModel => {
  const m = parseEngine({ name: 's', command: ['python3', '-m', 'sglang.launch_server'], args: ['--model-path', 'm', ...args] });
  if (!m) throw new Error('not detected');
  return m;
};

describe('vLLM flag spellings', () => {
  it.each([
    [['--tensor-parallel-size', '4']],
    [['--tensor-parallel-size=4']],
    [['--tensor_parallel_size', '4']],
    [['--tensor_parallel_size=4']],
    [['-tp', '4']],
    [['-tp=4']],
    [['--tensor-parallel-size', '2', '-tp', '4']], // repeated: the last wins
  ])('TP from %j', (args) => {
    const m = vllm(...args);
    expect(m.tensorParallel.value).toBe(4);
    expect(flagValue(m, '-tp')?.value).toBe('4');
    expect(flagValue(m, '--tensor_parallel_size')?.value).toBe('4');
  });

  it.each([
    [['-pp', '2'], 'pipelineParallel', 2],
    [['-dp', '8'], 'dataParallel', 8],
    [['--data_parallel_size=8'], 'dataParallel', 8],
    [['-dpl', '4'], 'dataParallelLocal', 4],
    [['--max-model-len', '32k'], 'maxModelLen', 32000],
    [['--max-model-len=32K'], 'maxModelLen', 32768],
    [['--max_model_len', '4096'], 'maxModelLen', 4096],
    [['--block_size=32'], 'blockSize', 32],
    [['--dtype', 'bfloat16'], 'dtype', 'bfloat16'],
    [['--kv-cache-dtype=fp8'], 'kvCacheDtype', 'fp8'],
    [['--host', '0.0.0.0'], 'host', '0.0.0.0'],
    [['--attention-backend', 'FLASHINFER'], 'attentionBackend', 'FLASHINFER'],
    [['--attention-config.backend', 'FLASH_ATTN'], 'attentionBackend', 'FLASH_ATTN'],
    [['-ac.backend=TRITON_ATTN'], 'attentionBackend', 'TRITON_ATTN'],
    [['--attention-config', '{"backend":"FLASHMLA"}'], 'attentionBackend', 'FLASHMLA'],
  ] as const)('%j sets %s', (args, field, value) => {
    const m = vllm(...args);
    expect((m[field] as { value: unknown } | undefined)?.value).toBe(value);
    expect(m.issues).toEqual([]);
  });

  it('attention backend from the env when no flag says it, flag wins otherwise', () => {
    const env = [{ name: 'VLLM_ATTENTION_BACKEND', value: 'FLASHINFER' }];
    const a = parseEngine({ command: ['vllm', 'serve', 'm'], env })!;
    expect(a.attentionBackend).toEqual({ value: 'FLASHINFER', path: 'env[0].value', raw: 'FLASHINFER' });
    const b = parseEngine({ command: ['vllm', 'serve', 'm', '--attention-backend=FLASH_ATTN'], env })!;
    expect(b.attentionBackend?.value).toBe('FLASH_ATTN');
  });

  it('defaults carry no path', () => {
    const m = vllm();
    expect(m.port).toEqual({ value: 8000 });
    expect(m.tensorParallel).toEqual({ value: 1 });
    expect(m.blockSize).toBeUndefined();
    expect(m.dtype).toEqual({ value: 'auto' });
    expect(m.host).toBeUndefined();
  });

  it.each([
    [['--disable-hybrid-kv-cache-manager'], true],
    [['--disable_hybrid_kv_cache_manager'], true],
    [['--no-disable-hybrid-kv-cache-manager'], false],
    [['--no-disable-hybrid-kv-cache-manager', '--disable-hybrid-kv-cache-manager'], true],
    [['--disable-hybrid-kv-cache-manager', '--no-disable-hybrid-kv-cache-manager'], false],
    [[], undefined],
  ] as const)('HMA switch %j → %s', (args, want) => {
    const m = vllm(...args);
    expect(m.disableHybridKvCacheManager?.value).toBe(want);
    expect(flagBool(m, '--disable-hybrid-kv-cache-manager')).toBe(want);
  });

  it('a boolean before the positional model does not swallow it', () => {
    const m = parseEngine({ command: ['vllm', 'serve', '--enforce-eager', 'org/model', '--port', '9000'] })!;
    expect(m.model?.value).toBe('org/model');
    expect(m.port.value).toBe(9000);
    expect(m.issues).toEqual([]);
  });

  it('served model names take several values (nargs +)', () => {
    const m = vllm('--served-model-name', 'a', 'b', '--port', '8001');
    expect(m.servedModelNames?.value).toEqual(['a', 'b']);
    expect(m.port.value).toBe(8001);
  });

  it('--model instead of the positional', () => {
    const m = parseEngine({ command: ['vllm', 'serve', '--port', '8001', '--model', 'org/m'] })!;
    expect(m.model).toMatchObject({ value: 'org/m', path: 'command[5]' });
    expect(m.issues).toEqual([]);
  });

  it('-O3 and -O 3 are the optimization level', () => {
    expect(flagValue(vllm('-O3'), '--optimization-level')?.value).toBe('3');
    expect(flagValue(vllm('-O', '2'), '--optimization-level')?.value).toBe('2');
    expect(flagValue(vllm('-O=1'), '-O')?.value).toBe('1');
  });

  it('api_server entrypoint with --model and interpreter options', () => {
    const m = parseEngine({ command: ['/usr/bin/python3', '-u', '-m', 'vllm.entrypoints.openai.api_server'], args: ['--model', 'x', '--port', '8100'] })!;
    expect(m.launcher).toBe('python3 -m vllm.entrypoints.openai.api_server');
    expect(m.model?.value).toBe('x');
    expect(m.port.value).toBe(8100);
  });
});

describe('vLLM --kv-transfer-config', () => {
  const json = '{"kv_connector":"NixlConnector","kv_role":"kv_producer","kv_connector_extra_config":{"backends":["UCX"]}}';

  it.each([
    [['--kv-transfer-config', json]],
    [[`--kv-transfer-config=${json}`]],
    [['--kv_transfer_config', json]],
    [[`--kv_transfer_config=${json}`]],
  ])('whole JSON from %j', (args) => {
    const m = vllm(...args);
    expect(m.kvTransferConfig?.value).toEqual(JSON.parse(json));
  });

  it('dotted keys build the object, values JSON-decoded when possible', () => {
    const m = vllm(
      '--kv-transfer-config.kv_connector',
      'NixlConnector',
      '--kv_transfer_config.kv_role=kv_consumer',
      '--kv-transfer-config.kv_connector_extra_config.num_threads',
      '8',
      '--kv-transfer-config.kv_connector_extra_config.backends+',
      'UCX,GDS',
      '--kv-transfer-config.kv_connector_extra_config.enforce_handshake_compat',
      'false',
    );
    expect(m.kvTransferConfig?.value).toEqual({
      kv_connector: 'NixlConnector',
      kv_role: 'kv_consumer',
      kv_connector_extra_config: { num_threads: 8, backends: ['UCX', 'GDS'], enforce_handshake_compat: false },
    });
    // the key part after the dot keeps its underscores
    expect(m.occurrences?.[1]).toMatchObject({ name: '--kv-transfer-config', dottedKey: ['kv_role'], spelling: '--kv_transfer_config.kv_role' });
    expect(m.issues).toEqual([]);
  });

  it.each([
    ['JSON first', ['--kv-transfer-config', json, '--kv-transfer-config.kv_role', 'kv_consumer']],
    ['JSON last', ['--kv-transfer-config.kv_role', 'kv_consumer', '--kv-transfer-config', json]],
  ])('dotted pieces REPLACE whole JSON (%s), with a warning', (_label, args) => {
    const m = vllm(...args);
    expect(m.kvTransferConfig?.value).toEqual({ kv_role: 'kv_consumer' });
    expect(m.issues.map((i) => i.code)).toEqual(['flag.dotted-replaces-json']);
    expect(m.issues[0].severity).toBe('warning');
  });

  it('repeated whole JSON: the last wins and a warning names the first', () => {
    const m = vllm('--kv-transfer-config', '{"kv_role":"kv_both"}', '--kv-transfer-config={"kv_role":"kv_consumer"}');
    expect(m.kvTransferConfig?.value).toEqual({ kv_role: 'kv_consumer' });
    expect(m.issues).toMatchObject([{ code: 'flag.repeated', path: 'args[3]', severity: 'warning' }]);
  });
});

describe('SGLang spellings (no underscore normalisation)', () => {
  it.each([
    [['--tp-size', '2']],
    [['--tp', '2']],
    [['--tensor-parallel-size=2']],
  ])('TP from %j', (args) => {
    expect(sglang(...args).tensorParallel.value).toBe(2);
  });

  it.each([
    [['--dp-size', '4'], 'dataParallel', 4],
    [['--dp', '4'], 'dataParallel', 4],
    [['--data-parallel-size=4'], 'dataParallel', 4],
    [['--pp-size', '2'], 'pipelineParallel', 2],
    [['--page-size', '64'], 'blockSize', 64],
    [['--context-length=8192'], 'maxModelLen', 8192],
    [['--kv-cache-dtype', 'fp8_e5m2'], 'kvCacheDtype', 'fp8_e5m2'],
  ] as const)('%j sets %s', (args, field, value) => {
    const m = sglang(...args);
    expect((m[field] as { value: unknown }).value).toBe(value);
  });

  it('--model is an alias of --model-path', () => {
    const m = parseEngine({ command: ['python', '-m', 'sglang.launch_server', '--model', 'x'] })!;
    expect(m.model?.value).toBe('x');
    expect(m.issues).toEqual([]);
  });

  it('underscored flags are not SGLang flags', () => {
    const m = sglang('--tp_size', '2');
    expect(m.tensorParallel).toEqual({ value: 1 });
    expect(m.flags.get('--tp_size')?.value).toBe('2');
  });

  it('bootstrap port and ib device', () => {
    const m = sglang('--disaggregation-bootstrap-port', '9000', '--disaggregation-ib-device=mlx5_0,mlx5_1');
    expect(m.sglang?.bootstrapPort).toMatchObject({ value: 9000, path: 'args[3]' });
    expect(m.sglang?.ibDevice?.value).toBe('mlx5_0,mlx5_1');
  });
});
