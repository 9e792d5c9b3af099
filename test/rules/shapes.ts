// Real-world engine pod shapes (argv from the llm-d vLLM and SGLang guides, the llm-d-modelservice render, the KServe
// sample, the modelplane demo and the kimi-k2 example) and a builder that turns them into a PairContext the way the
// planner does: locateEngine finds the engine container and plan() builds the context from the planned workloads.
import { readConfig } from '../../src/config/read-config.js';
import { locateEngine, type EngineCandidate } from '../../src/discover/engines.js';
import { asWorkload } from '../../src/discover/workloads.js';
import { plan } from '../../src/plan/plan.js';
import type { Item } from '../../src/read/items.js';
import type { RouterVersion } from '../../src/router/types.js';
import type { KObject, ResourceRef } from '../../src/types.js';
import type { PairContext } from '../../src/validate/context.js';
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

/** The workload object a shape describes: a Deployment, StatefulSet or LeaderWorkerSet around the engine pod. */
export function workloadObject(role: 'prefill' | 'decode', shape: PodShape): KObject {
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
  return structuredClone({ apiVersion, kind, metadata: { name, ...(shape.namespace ? { namespace: shape.namespace } : {}) }, spec });
}

function candidate(role: 'prefill' | 'decode', shape: PodShape, index: number): EngineCandidate {
  const object = workloadObject(role, shape);
  const ref: ResourceRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  const item: Item = { index, ref, object };
  const workload = asWorkload(item);
  if (!workload) throw new Error(`${ref.name}: not a workload`);
  const located = locateEngine(workload);
  if ('problem' in located) throw new Error(`${ref.name}: ${located.problem}`);
  return located.candidate;
}

/** The PairContext the rules see in a render: the shapes' engines found as discovery finds them (locateEngine) and
 * planned by plan() with the default config for router `version` (pool port 8000), i.e. with what the plan injects
 * (NIXL env and ports, /dev/shm, role and pool labels, the routing sidecar unless the decode pod has one). */
export function pair(prefill: PodShape, decode: PodShape, options: { version?: RouterVersion; sidecarPort?: number } = {}): PairContext {
  const spec = { epp: { version: options.version ?? 'v0.10.0' }, ...(options.sidecarPort ? { sidecar: { port: options.sidecarPort } } : {}) };
  const fc = { apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name: 'rules' }, spec };
  const { config, results } = readConfig(fc);
  if (!config) throw new Error(`test config refused: ${JSON.stringify(results)}`);
  return plan(config, candidate('prefill', prefill, 0), candidate('decode', decode, 1)).pair;
}

export function rule(id: string) {
  const r = pairRules.find((x) => x.id === id);
  if (!r) throw new Error(`no pair rule ${id}`);
  return r;
}

export function findings(id: string, ctx: PairContext): Finding[] {
  return rule(id).check(ctx);
}
