// Real-world engine pod shapes (argv from the llm-d vLLM and SGLang guides, the llm-d-modelservice render, the KServe
// sample, the modelplane demo and the kimi-k2 example) and a builder that turns them into a PairContext the way the
// planner does, with parseEngine reading the containers.
import { parseEngine } from '../../src/engines/index.js';
import type { KObject } from '../../src/types.js';
import type { EngineSide, PairContext } from '../../src/validate/context.js';
import type { Finding } from '../../src/validate/registry.js';
import { pairRules } from '../../src/validate/rules/pair.js';

const POD_IP = { valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };

export interface PodShape {
  kind?: 'Deployment' | 'StatefulSet' | 'LeaderWorkerSet';
  name?: string;
  namespace?: string;
  replicas?: number;
  labels?: Record<string, string>;
  engine: KObject;
  /** other containers of the pod (after the engine) */
  containers?: KObject[];
  initContainers?: KObject[];
  volumes?: KObject[];
  hostNetwork?: boolean;
}

// ------------------------------------------------------------------ llm-d P/D guide, vLLM (gpt-oss-120b, v0.19.1)

export function llmdPrefill(): PodShape {
  return {
    name: 'gpt-oss-prefill',
    namespace: 'llm-d',
    replicas: 8,
    labels: { 'llm-d.ai/role': 'prefill' },
    engine: {
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
      env: [{ name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', ...POD_IP }],
      volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
      resources: { limits: { 'nvidia.com/gpu': 1, memory: '64Gi' } },
    },
    volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '20Gi' } }],
  };
}

export function llmdDecode(): PodShape {
  return {
    name: 'gpt-oss-decode',
    namespace: 'llm-d',
    replicas: 2,
    labels: { 'llm-d.ai/role': 'decode' },
    engine: {
      name: 'vllm',
      image: 'docker.io/vllm/vllm-openai:v0.19.1',
      command: ['vllm', 'serve'],
      args: [
        'openai/gpt-oss-120b',
        '--tensor-parallel-size=4',
        '--block-size=128',
        '--kv-transfer-config',
        '{"kv_connector":"NixlConnector", "kv_role":"kv_consumer"}',
        '--no-disable-hybrid-kv-cache-manager',
        '--port=8200',
        '--shutdown-timeout=60',
      ],
      env: [{ name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', ...POD_IP }],
      volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
      resources: { limits: { 'nvidia.com/gpu': 4, memory: '64Gi' } },
    },
    initContainers: [
      {
        name: 'routing-proxy',
        image: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0',
        restartPolicy: 'Always',
        args: ['--port=8000', '--model-server-port=8200', '--kv-connector=nixlv2', '--zap-log-level=1', '--secure-proxy=false'],
        ports: [{ containerPort: 8000, name: 'sidecar', protocol: 'TCP' }],
      },
    ],
    volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '20Gi' } }],
  };
}

// ------------------------------------------------------------------ llm-d P/D guide, SGLang

function sglangEngine(role: 'prefill' | 'decode', port: number): KObject {
  return {
    name: 'sglang',
    image: 'lmsysorg/sglang:v0.5.16',
    command: ['python3', '-m', 'sglang.launch_server'],
    args: [
      '--model-path=openai/gpt-oss-120b',
      `--port=${port}`,
      '--host=0.0.0.0',
      `--disaggregation-mode=${role}`,
      '--disaggregation-transfer-backend=nixl',
      '--tensor-parallel-size=2',
      '--enable-metrics',
    ],
    env: [
      { name: 'SGLANG_DISAGG_STAGING_BUFFER', value: '1' },
      { name: 'SGLANG_DISAGG_STAGING_BUFFER_SIZE_MB', value: '64' },
      { name: 'SGLANG_DISAGG_STAGING_POOL_SIZE_MB', value: '4096' },
    ],
    volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
  };
}

export function sglangPrefill(): PodShape {
  return { name: 'oss-prefill', engine: sglangEngine('prefill', 8000), volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } }] };
}

export function sglangDecode(): PodShape {
  return {
    name: 'oss-decode',
    engine: sglangEngine('decode', 8200),
    initContainers: [
      {
        name: 'routing-proxy',
        image: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0',
        restartPolicy: 'Always',
        args: ['--port=8000', '--model-server-port=8200', '--kv-connector=sglang', '--secure-proxy=false'],
      },
    ],
    volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } }],
  };
}

// ------------------------------------------------------------------ llm-d-modelservice render (Qwen3-0.6B)

export function modelservice(role: 'prefill' | 'decode'): PodShape {
  return {
    name: `ms-${role}`,
    labels: { 'llm-d.ai/role': role },
    engine: {
      name: 'vllm',
      image: 'ghcr.io/llm-d/llm-d-cuda:v0.3.0',
      command: ['vllm', 'serve'],
      args: [
        'Qwen/Qwen3-0.6B',
        '--port',
        role === 'decode' ? '8200' : '8000',
        '--served-model-name',
        'Qwen/Qwen3-0.6B',
        '--tensor-parallel-size',
        '2',
        '--kv-transfer-config',
        `{"kv_connector":"NixlConnector","kv_role":"${role === 'decode' ? 'kv_consumer' : 'kv_producer'}","kv_load_failure_policy":"fail"}`,
        '--max-model-len',
        '4096',
        '--block-size',
        '128',
      ],
      env: [
        { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', ...POD_IP },
        { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5600' },
        { name: 'UCX_TLS', value: 'cuda_ipc,cuda_copy,tcp' },
      ],
      ports: [
        { containerPort: role === 'decode' ? 8200 : 8000, name: 'vllm' },
        { containerPort: 5600, name: 'nixl' },
      ],
      volumeMounts: [{ name: 'shm', mountPath: '/dev/shm' }],
    },
    volumes: [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } }],
  };
}

// ------------------------------------------------------------------ KServe sample (sh -c with $(VLLM_ADDITIONAL_ARGS))

export function kserve(role: 'prefill' | 'decode'): PodShape {
  return {
    name: `llama-${role}`,
    engine: {
      name: 'main',
      image: 'kserve/huggingfaceserver:latest-gpu',
      command: ['/bin/sh', '-c'],
      args: [
        `python3 -m vllm.entrypoints.openai.api_server --model /mnt/models --served-model-name llama --port ${role === 'decode' ? 8200 : 8000} $(VLLM_ADDITIONAL_ARGS)`,
      ],
      env: [
        {
          name: 'VLLM_ADDITIONAL_ARGS',
          value: `--kv_transfer_config '{"kv_connector":"NixlConnector","kv_role":"${role === 'decode' ? 'kv_consumer' : 'kv_producer'}"}' --block-size 64`,
        },
        { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', ...POD_IP },
      ],
    },
  };
}

// ------------------------------------------------------------------ modelplane demo (args only, vLLM image entrypoint)

export function modelplane(role: 'prefill' | 'decode'): PodShape {
  return {
    name: `qwen-pd-${role}`,
    engine: {
      name: 'engine',
      image: 'docker.io/vllm/vllm-openai:v0.19.1-x86_64-cu130',
      args: [
        '/mnt/models',
        '--served-model-name=qwen',
        ...(role === 'decode' ? ['--port=8001'] : []),
        '--max-model-len=10240',
        '--block-size=128',
        `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role === 'decode' ? 'kv_consumer' : 'kv_producer'}"}`,
      ],
      ports: [{ containerPort: role === 'decode' ? 8001 : 8000 }],
    },
  };
}

// ------------------------------------------------------------------ kimi-k2 (wide EP: DP 8 per pod, model inside command)

export function kimi(role: 'prefill' | 'decode'): PodShape {
  return {
    kind: 'LeaderWorkerSet',
    name: `kimi-${role}`,
    engine: {
      name: 'engine',
      image: 'vllm/vllm-openai:v0.26.0',
      command: ['vllm', 'serve', '/mnt/models'],
      args: [
        '--tensor-parallel-size=1',
        '--data-parallel-size=8',
        '--enable-expert-parallel',
        '--trust-remote-code',
        ...(role === 'decode' ? ['--port=8001'] : []),
        `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role === 'decode' ? 'kv_consumer' : 'kv_producer'}"}`,
      ],
    },
  };
}

// ------------------------------------------------------------------ builders

/** Deep copy and edit, so a case can start from a shape and change one thing. */
export function edit(shape: PodShape, change: (s: PodShape) => void): PodShape {
  const copy = structuredClone(shape);
  change(copy);
  return copy;
}

/** Replace (or add) an arg of the engine container: the first arg starting with `prefix`. */
export function setArg(shape: PodShape, prefix: string, value?: string): PodShape {
  return edit(shape, (s) => {
    const args: string[] = s.engine.args;
    const i = args.findIndex((a) => a.startsWith(prefix));
    if (value === undefined) {
      if (i >= 0) args.splice(i, 1);
    } else if (i >= 0) args[i] = value;
    else args.push(value);
  });
}

export function setEnv(shape: PodShape, name: string, entry: KObject | undefined): PodShape {
  return edit(shape, (s) => {
    const env: KObject[] = (s.engine.env ??= []);
    const i = env.findIndex((e) => e.name === name);
    if (entry === undefined) {
      if (i >= 0) env.splice(i, 1);
    } else if (i >= 0) env[i] = { name, ...entry };
    else env.push({ name, ...entry });
  });
}

export function engineSide(role: 'prefill' | 'decode', shape: PodShape): EngineSide {
  const kind = shape.kind ?? 'Deployment';
  const podSpec: KObject = { containers: [shape.engine, ...(shape.containers ?? [])] };
  if (shape.initContainers) podSpec.initContainers = shape.initContainers;
  if (shape.volumes) podSpec.volumes = shape.volumes;
  if (shape.hostNetwork) podSpec.hostNetwork = true;
  const template = { metadata: { labels: { app: shape.name ?? role, ...(shape.labels ?? {}) } }, spec: podSpec };
  const spec: KObject =
    kind === 'LeaderWorkerSet'
      ? { replicas: shape.replicas ?? 1, leaderWorkerTemplate: { size: 2, leaderTemplate: template, workerTemplate: structuredClone(template) } }
      : { replicas: shape.replicas ?? 1, template };
  const apiVersion = kind === 'LeaderWorkerSet' ? 'leaderworkerset.x-k8s.io/v1' : 'apps/v1';
  const name = shape.name ?? role;
  const object = { apiVersion, kind, metadata: { name, ...(shape.namespace ? { namespace: shape.namespace } : {}) }, spec };
  const templatePath = kind === 'LeaderWorkerSet' ? 'spec.leaderWorkerTemplate.leaderTemplate' : 'spec.template';
  const engine = parseEngine(shape.engine);
  if (!engine) throw new Error(`${name}: the engine container does not launch an engine`);
  return {
    role,
    resource: { apiVersion, kind, name, ...(shape.namespace ? { namespace: shape.namespace } : {}) },
    object,
    templatePath,
    containerPath: `${templatePath}.spec.containers[0]`,
    container: shape.engine,
    engine,
    replicas: shape.replicas ?? 1,
  };
}

/** A PairContext as plan() builds it: pool port 8000, the decode pod's existing sidecar (if any) or an injected one. */
export function pair(prefill: PodShape, decode: PodShape, extra: Partial<PairContext> = {}): PairContext {
  const d = engineSide('decode', decode);
  const sidecarIndex = (decode.initContainers ?? []).findIndex((c) => c.name === 'routing-proxy');
  let sidecar: PairContext['sidecar'];
  if (sidecarIndex >= 0) {
    const container = decode.initContainers![sidecarIndex]!;
    const args: string[] = container.args ?? [];
    const i = args.findIndex((a) => /^--(model-server|vllm)-port=/.test(a));
    sidecar = {
      containerPath: `${d.templatePath}.spec.initContainers[${sidecarIndex}]`,
      container,
      targetPort: i >= 0 ? Number(args[i]!.split('=')[1]) : 8200,
      targetPath: i >= 0 ? `${d.templatePath}.spec.initContainers[${sidecarIndex}].args[${i}]` : undefined,
      injected: false,
    };
  } else {
    sidecar = { containerPath: `${d.templatePath}.spec.initContainers[0]`, container: { name: 'routing-proxy' }, targetPort: d.engine.port.value, injected: true };
  }
  return {
    version: 'v0.10.0',
    prefill: engineSide('prefill', prefill),
    decode: d,
    poolPort: 8000,
    sidecar,
    eppBlockSizeTokens: d.engine.blockSize?.value ?? 16,
    sideChannelPort: {},
    ...extra,
  };
}

export function rule(id: string) {
  const r = pairRules.find((x) => x.id === id);
  if (!r) throw new Error(`no pair rule ${id}`);
  return r;
}

export function findings(id: string, ctx: PairContext): Finding[] {
  return rule(id).check(ctx);
}
