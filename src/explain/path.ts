// The request path of one P/D pair, read off the plan: Gateway → InferencePool → EPP → decode sidecar → prefill →
// KV over NIXL → decode, with the real names, ports, block size and decider of this render.

import type { PdConfig } from '../config/types.js';
import type { Plan } from '../plan/types.js';
import { isPlainObject, type KObject } from '../types.js';
import type { StageSide } from '../plan/context.js';
import { injectedKvConnector } from '../plan/plan.js';

export interface PathStep {
  id: 'gateway' | 'pool' | 'epp' | 'sidecar' | 'encode' | 'prefill' | 'kv' | 'decode';
  /** one line: what it is, with its real name */
  title: string;
  details: string[];
  /** the flowchart node's text, one item per line */
  node: string[];
}

export function requestPath(plan: Plan, config: PdConfig): PathStep[] {
  const find = (kind: string) => plan.generated.find((o) => o.kind === kind);
  const pool = find('InferencePool');
  const route = find('HTTPRoute');
  const eppDeployment = plan.generated.find((o) => o.kind === 'Deployment');
  const eppService = find('Service');
  const { prefill, decode, sidecar, poolPort, encode, ec } = plan.pair;
  const engines = encode ? 'all three engines' : 'both engines';
  const poolName = pool?.metadata?.name ?? plan.name;
  const steps: PathStep[] = [];

  // Gateway
  const gateway = config.router.gateway;
  if (gateway && route) {
    const timeout = route.spec?.rules?.[0]?.timeouts?.request;
    steps.push({
      id: 'gateway',
      title: `Gateway ${gateway.namespace ? `${gateway.namespace}/` : ''}${gateway.name} → HTTPRoute ${route.metadata.name}`,
      details: [`every path (/) goes to InferencePool ${poolName}${timeout ? `, request timeout ${timeout}` : ''}`],
      node: [`Gateway ${gateway.name}`, `HTTPRoute ${route.metadata.name}${timeout ? `, timeout ${timeout}` : ''}`],
    });
  } else {
    steps.push({
      id: 'gateway',
      title: 'Gateway: none named, so no HTTPRoute is generated',
      details: [
        pool
          ? `point an HTTPRoute of your Gateway at InferencePool ${poolName}, or set spec.router.gateway (ConfigMap key gateway)`
          : 'the routing stack is off (spec.router.enabled: false): your own Gateway, InferencePool and EPP do the routing',
      ],
      node: ['Gateway', gateway ? gateway.name : '(yours: none named)'],
    });
  }

  // InferencePool
  if (pool) {
    const selector = pool.spec?.selector?.matchLabels ?? {};
    steps.push({
      id: 'pool',
      title: `InferencePool ${poolName}`,
      details: [
        `selects pods with ${Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`).join(', ')} (${engines}) and sends them traffic on port ${poolPort}`,
        `asks the EPP (Service ${pool.spec?.endpointPickerRef?.name}:${pool.spec?.endpointPickerRef?.port?.number}) which pods to use, failure mode ${pool.spec?.endpointPickerRef?.failureMode ?? 'default'}`,
      ],
      node: [`InferencePool ${poolName}`, `port ${poolPort}`],
    });
  } else {
    steps.push({
      id: 'pool',
      title: 'InferencePool: not generated (routing stack off)',
      details: [`yours must select ${engines} and target port ${poolPort}, where ${encode ? 'encode and ' : ''}prefill serve${encode ? '' : 's'} and the decode sidecar listens`],
      node: ['InferencePool (yours)', `port ${poolPort}`],
    });
  }

  // EPP
  const deciders = plugins(plan.epp.object).filter((p) => /decider$/.test(p.type));
  const deciderText = deciders.length
    ? deciders.map((d) => `${d.type}${d.params ? ` (${d.params})` : ''}`).join(', ')
    : 'none: this config never disaggregates';
  const grpc = eppService?.spec?.ports?.[0]?.port;
  steps.push({
    id: 'epp',
    title: `EPP ${eppDeployment ? `Deployment ${eppDeployment.metadata.name}` : '(yours)'}${eppService && grpc ? `, Service ${eppService.metadata.name}:${grpc}` : ''}`,
    details: [
      `config: ConfigMap ${plan.epp.configMap.metadata.name}, key ${plan.epp.key} (${plan.epp.generated ? `generated for router ${plan.pair.version}` : 'your spec.epp.config'})`,
      `decider: ${deciderText}`,
      ...deciders.map((d) => deciderMeaning(d.type, d.raw)).filter((s): s is string => Boolean(s)),
      ...screenerMeaning(plan.epp.object),
      `prefix cache in blocks of ${plan.pair.eppBlockSizeTokens} tokens (${blockSizeSource(plan, config)})`,
      'picks a decode pod for every request, and a prefill pod when the decider says disaggregate (header x-prefiller-host-port)',
      ...(encode ? ['and an encode pod for a request with images, audio or video (header x-encoder-hosts-ports)'] : []),
    ],
    node: [
      `EPP ${eppDeployment?.metadata.name ?? '(yours)'}`,
      ...deciders.map((d) => `${d.type}${d.params ? ` ${d.params}` : ''}`),
      `block ${plan.pair.eppBlockSizeTokens} tokens`,
    ],
  });

  // decode sidecar
  if (sidecar) {
    const name = sidecar.container.name ?? 'routing sidecar';
    const native = /initContainers/.test(sidecar.containerPath);
    steps.push({
      id: 'sidecar',
      title: `routing sidecar ${name} in ${workload(decode)} (${sidecar.injected ? 'injected' : 'yours, kept'}${native ? ', native sidecar' : ''})`,
      details: [
        `listens on ${poolPort}; sends the prefill hop to the prefill pod the EPP picked, then forwards to the decode engine on ${sidecar.targetPort}`,
        ...(encode && ec ? [`first sends each image to the encode pod the EPP picked (--ec-connector=${ec.sidecarConnector})`] : []),
      ],
      node: [`sidecar ${name}`, `:${poolPort} → :${sidecar.targetPort}`],
    });
  }

  if (encode && ec) {
    const how =
      ec.mode === 'nixl'
        ? `hands its output to prefill over NIXL (ECCPUConnector, EC side channel on port ${ec.sideChannelPort ?? '?'})`
        : ec.mode === 'shared-storage'
          ? 'writes its output to the storage prefill reads (ECExampleConnector)'
          : `EC connector ${String(encode.engine.ecTransferConfig?.value.ec_connector ?? '(none)')}`;
    steps.push(engineStep('encode', encode, `runs the vision encoder on each image; ${how}`));
  }
  steps.push(engineStep('prefill', prefill, 'computes the prompt\'s KV cache (the prefill hop)'));

  // KV transfer
  const kvP = prefill.engine.kvTransferConfig?.value;
  const kvD = decode.engine.kvTransferConfig?.value;
  const sc = plan.pair.sideChannelPort;
  const kvDetails: string[] = [];
  if (kvP || kvD) {
    kvDetails.push(`connector ${kvP?.kv_connector ?? '?'} → ${kvD?.kv_connector ?? '?'}, kv_role ${kvP?.kv_role ?? '(unset)'} → ${kvD?.kv_role ?? '(unset)'}`);
  }
  // the transport: what the sidecar's connector drives (SGLang's own backend, vLLM's Mooncake, else NIXL)
  const sglangBackend = (decode.engine.sglang ?? prefill.engine.sglang)?.transferBackend?.value ?? 'mooncake';
  const transport = decode.engine.kind === 'sglang' ? (sglangBackend === 'nixl' ? 'NIXL' : sglangBackend === 'mooncake' ? 'Mooncake' : sglangBackend) : injectedKvConnector(decode.engine) === 'mooncake' ? 'Mooncake' : 'NIXL';
  if (transport === 'NIXL' && (sc.prefill !== undefined || sc.decode !== undefined)) {
    kvDetails.push(`NIXL side channel on port ${sc.prefill ?? '?'} (prefill) and ${sc.decode ?? '?'} (decode), advertised at the pod IP`);
  }
  const sg = decode.engine.sglang ?? prefill.engine.sglang;
  if (sg?.transferBackend || sg?.bootstrapPort) {
    kvDetails.push(
      `SGLang transfer backend ${sg.transferBackend?.value ?? 'default'}${sg.bootstrapPort ? `, bootstrap port ${sg.bootstrapPort.value}` : ''}`,
    );
  }
  steps.push({
    id: 'kv',
    title: `KV cache over ${transport}, prefill → decode`,
    details: kvDetails.length ? kvDetails : ['the engines\' own KV transfer settings'],
    node: [`KV over ${transport}`, ...(transport === 'NIXL' && sc.prefill !== undefined ? [`side channel :${sc.prefill}`] : [])],
  });

  steps.push(engineStep('decode', decode, 'reads the KV cache and generates the answer'));
  return steps;
}

function engineStep(role: 'encode' | 'prefill' | 'decode', side: StageSide, does: string): PathStep {
  const e = side.engine;
  const kind = e.kind === 'vllm' ? 'vLLM' : 'SGLang';
  const block = e.blockSize ? `, block size ${e.blockSize.value}` : '';
  const tp = e.tensorParallel.value > 1 ? `, TP ${e.tensorParallel.value}` : '';
  return {
    id: role,
    title: `${role} ${workload(side)}: ${kind} on port ${e.port.value}, ${side.replicas} replica${side.replicas === 1 ? '' : 's'}${tp}${block}`,
    details: [`${does}${e.model ? `; model ${e.model.value}` : ''}`],
    node: [`${role} ${side.resource.name}${side.setRole ? `/${side.setRole}` : ''}`, `${kind} :${e.port.value}`],
  };
}

function workload(side: StageSide): string {
  return `${side.resource.kind} ${side.resource.namespace ? `${side.resource.namespace}/` : ''}${side.resource.name}${side.setRole ? ` role ${side.setRole}` : ''}`;
}

/** The DisaggregatedSet rollout screener, when the config has one (v0.10.0). */
function screenerMeaning(config: KObject): string[] {
  const list = Array.isArray(config.plugins) ? config.plugins : [];
  const screener = list.find((p: unknown) => isPlainObject(p) && p.type === 'disaggregatedset-rollout-screener');
  const roles = screener?.parameters?.revisionGating?.requireRoles?.values;
  if (!Array.isArray(roles)) return [];
  return [`keeps each request on one DisaggregatedSet revision with a Ready pod of every role (${roles.join(', ')}): disaggregatedset-rollout-screener, alpha, so the EPP runs with --allow-experimental-plugins`];
}

function plugins(config: KObject): { type: string; params?: string; raw?: KObject }[] {
  const list = Array.isArray(config.plugins) ? config.plugins : [];
  return list.filter(isPlainObject).map((p) => {
    const raw = isPlainObject(p.parameters) ? p.parameters : undefined;
    const scalars = raw ? Object.entries(raw).filter(([, v]) => typeof v !== 'object' || v === null) : [];
    return { type: String(p.type ?? p.name ?? '?'), params: scalars.length ? scalars.map(([k, v]) => `${k}=${String(v)}`).join(', ') : undefined, raw };
  });
}

function deciderMeaning(type: string, params: KObject | undefined): string | undefined {
  if (type === 'prefix-based-pd-decider') {
    const n = params?.nonCachedTokens;
    const p = params?.promptTokens;
    const parts = [
      typeof n === 'number' ? `a request goes to prefill first only when at least ${n} of its prompt tokens are not already cached on the decode pod` : undefined,
      typeof p === 'number' && p > 0 ? `prompts shorter than ${p} tokens never do` : undefined,
    ].filter(Boolean);
    return parts.length ? `  ${parts.join('; ')}` : undefined;
  }
  if (type === 'always-disagg-pd-decider') return '  every request goes to prefill first';
  if (type === 'always-disagg-multimodal-decider') return '  every request with images, audio or video goes to an encode pod first';
  return undefined;
}

function blockSizeSource(plan: Plan, config: PdConfig): string {
  if (config.epp.blockSizeTokens !== undefined) return 'spec.epp.blockSizeTokens';
  const b = plan.pair.decode.engine.blockSize;
  if (b) return `the decode engine's ${plan.pair.decode.engine.kind === 'sglang' ? '--page-size' : '--block-size'}`;
  return 'default: the decode engine sets no block size';
}

/** The path as a Mermaid flowchart (left to right); node texts are quoted and stripped of what Mermaid would parse. */
export function mermaidFlowchart(steps: readonly PathStep[]): string[] {
  const text = (lines: readonly string[]) => `"${lines.map((l) => l.replace(/["<>{}[\]|#]/g, ' ').trim()).join('<br/>')}"`;
  const node = (id: string) => steps.find((s) => s.id === id);
  const out = ['flowchart LR', '  client([client])'];
  for (const s of steps) {
    if (s.id === 'kv') continue; // an edge, not a box
    const shape = s.id === 'epp' ? ['{{', '}}'] : s.id === 'prefill' || s.id === 'decode' || s.id === 'encode' ? ['[(', ')]'] : ['[', ']'];
    out.push(`  ${s.id}${shape[0]}${text(s.node)}${shape[1]}`);
  }
  const kv = node('kv');
  const edge = (label: string) => `|${text([label])}|`;
  out.push('  client --> gateway');
  out.push('  gateway --> pool');
  out.push(`  pool -.->${edge('which pods?')} epp`);
  if (node('sidecar')) {
    out.push(`  pool -->${edge('decode pod')} sidecar`);
    if (node('encode')) {
      out.push(`  sidecar -->${edge('0. encode hop')} encode`);
      out.push(`  encode ==>${edge('encoder output')} prefill`);
    }
    out.push(`  sidecar -->${edge('1. prefill hop')} prefill`);
    out.push(`  prefill ==>${edge(kv ? kv.node.join(', ') : 'KV')} decode`);
    out.push(`  sidecar -->${edge('2. decode')} decode`);
  } else {
    out.push('  pool --> decode');
    out.push(`  prefill ==>${edge(kv ? kv.node.join(', ') : 'KV')} decode`);
  }
  return out;
}
