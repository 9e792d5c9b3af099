// The foundation's behaviours, one at a time, through the whole pipeline (run() on a ResourceList).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { item, resourceList, runText } from './helpers.js';

interface EngineOpts {
  name: string;
  role?: 'prefill' | 'decode';
  container?: string;
  command?: string[];
  args?: string[];
  env?: object[];
  mounts?: object[];
  volumes?: object[];
  ports?: object[];
  initContainers?: object[];
  extraContainers?: object[];
  kind?: string;
}

const kv = (role: string) => `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role}"}`;

function workload(o: EngineOpts): string {
  const container: Record<string, unknown> = { name: o.container ?? 'engine', image: 'vllm/vllm-openai:v0.19.1' };
  if (o.command) container.command = o.command;
  container.args = o.args ?? [];
  if (o.env) container.env = o.env;
  if (o.mounts) container.volumeMounts = o.mounts;
  if (o.ports) container.ports = o.ports;
  const spec: Record<string, unknown> = { containers: [container, ...(o.extraContainers ?? [])] };
  if (o.volumes) spec.volumes = o.volumes;
  if (o.initContainers) spec.initContainers = o.initContainers;
  const labels: Record<string, string> = { app: 'm' };
  if (o.role) labels['llm-d.ai/role'] = o.role;
  const obj = {
    apiVersion: 'apps/v1',
    kind: o.kind ?? 'Deployment',
    metadata: { name: o.name },
    spec: { selector: { matchLabels: { app: 'm', w: o.name } }, template: { metadata: { labels }, spec } },
  };
  return `- ${JSON.stringify(obj)}\n`;
}

const prefill = (o: Partial<EngineOpts> = {}) => workload({ name: 'm-prefill', role: 'prefill', args: ['m', kv('kv_producer')], ...o });
const decode = (o: Partial<EngineOpts> = {}) => workload({ name: 'm-decode', role: 'decode', args: ['m', '--port=8200', kv('kv_consumer')], ...o });
const typed = (spec: object) => `  ${JSON.stringify({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name: 'm' }, spec })}\n`;

const podSpec = (items: Record<string, any>[], name: string) => item(items, 'Deployment', name).spec.template.spec;
const eppConfig = (items: Record<string, any>[]) => parse(item(items, 'ConfigMap', 'm-epp-config').data['epp-config.yaml']);

describe('discovering the engines', () => {
  it('takes the container named engine, vllm or sglang, else the one container that launches an engine', () => {
    for (const container of ['engine', 'vllm', 'server']) {
      const out = runText(
        resourceList(
          prefill({ container, extraContainers: [{ name: 'logger', image: 'busybox', args: ['tail', '-f', '/dev/null'] }] }) +
            decode({ container }),
        ),
      );
      expect(out.exitCode, container).toBe(0);
      expect(podSpec(out.items, 'm-prefill').containers[0].env.map((e: { name: string }) => e.name)).toContain('VLLM_NIXL_SIDE_CHANNEL_HOST');
      expect(podSpec(out.items, 'm-prefill').containers[1]).toEqual({ name: 'logger', image: 'busybox', args: ['tail', '-f', '/dev/null'] });
    }
  });

  it('reads roles from the llm-d.ai/role label before kv_role (--disaggregation-mode: testdata/sglang-pair)', () => {
    const byKvRole = runText(resourceList(prefill({ role: undefined }) + decode({ role: undefined })));
    expect(byKvRole.exitCode).toBe(0);
    expect(item(byKvRole.items, 'Deployment', 'm-decode').spec.template.metadata.labels['llm-d.ai/role']).toBe('decode');
    // the label wins over kv_role: labelled the other way round, the kv roles are then inverted
    const swapped = runText(resourceList(prefill({ role: 'decode' }) + decode({ role: 'prefill' })));
    expect(swapped.exitCode).toBe(1);
    expect(swapped.results.filter((r) => r.tags?.rule === 'kv-role-inverted')).toHaveLength(2);
  });

  it('lists the candidates when a role has none or several', () => {
    const none = runText(resourceList(decode()));
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/no prefill engine found \(engine workloads seen: Deployment\/m-decode\); label its pod template llm-d.ai\/role: prefill/);
    const two = runText(resourceList(prefill() + prefill({ name: 'm-prefill-2' }) + decode()));
    expect(two.stderr).toMatch(/several prefill candidates: Deployment\/m-prefill \(label llm-d.ai\/role=prefill\), Deployment\/m-prefill-2 \(label llm-d.ai\/role=prefill\)/);
  });

  it('takes the workloads the config names, by name and kind, and says when one is missing', () => {
    const named = runText(resourceList(prefill({ role: undefined, args: ['m', kv('kv_producer')] }) + decode({ role: undefined }), typed({ prefill: { name: 'm-prefill' }, decode: { name: 'm-decode', kind: 'Deployment' } })));
    expect(named.exitCode).toBe(0);
    const missing = runText(resourceList(prefill() + decode(), typed({ decode: { name: 'nope' } })));
    expect(missing.exitCode).toBe(1);
    expect(missing.results[0]).toMatchObject({ severity: 'error', field: { path: 'spec.decode' } });
    expect(missing.results[0]!.message).toMatch(/names workload "nope", which is not among the items \(workloads: Deployment\/m-prefill, Deployment\/m-decode\)/);
  });
});

describe('the EPP config', () => {
  it('derives blockSizeTokens from the decode engine, in command or args, in both spellings, default 16', () => {
    const cases: [Partial<EngineOpts>, number][] = [
      [{ args: ['m', '--port=8200', '--block-size=32', kv('kv_consumer')] }, 32],
      [{ args: ['m', '--port=8200', '--block-size', '64', kv('kv_consumer')] }, 64],
      [{ command: ['vllm', 'serve', 'm', '--block-size=128'], args: ['--port=8200', kv('kv_consumer')] }, 128],
      [{}, 16],
    ];
    for (const [o, expected] of cases) {
      const p = prefill({ args: ['m', ...(expected !== 16 ? [`--block-size=${expected}`] : []), kv('kv_producer')] });
      const out = runText(resourceList(p + decode(o), typed({ epp: { version: 'v0.8.0' } })));
      expect(out.exitCode, JSON.stringify(o)).toBe(0);
      const producer = eppConfig(out.items).plugins.find((p: { type: string }) => p.type === 'approx-prefix-cache-producer');
      expect(producer.parameters).toMatchObject({ autoTune: false, blockSizeTokens: expected });
    }
  });

  it('is armed: producer pinned, nonCachedTokens > 0, no prepareDataPlugins, in the chosen version dialect', () => {
    for (const [version, apiVersion] of [['v0.8.0', 'inference.networking.x-k8s.io/v1alpha1'], ['v0.9.0', 'llm-d.ai/v1alpha1'], ['v0.10.0', 'llm-d.ai/v1alpha1']]) {
      const out = runText(resourceList(prefill() + decode(), typed({ epp: { version, nonCachedTokens: 24 } })));
      const config = eppConfig(out.items);
      expect(config.apiVersion).toBe(apiVersion);
      expect(config.featureGates ?? []).not.toContain('prepareDataPlugins');
      const decider = config.plugins.find((p: { type: string }) => p.type === 'prefix-based-pd-decider');
      expect(decider.parameters.nonCachedTokens).toBe(24);
      expect(config.plugins.some((p: { type: string }) => p.type === 'disagg-headers-handler')).toBe(version === 'v0.8.0');
      expect(out.results.filter((r) => r.severity !== 'info')).toEqual([]);
    }
  });

  it('uses spec.epp.config as given, and lints it', () => {
    const own = { apiVersion: 'llm-d.ai/v1alpha1', kind: 'EndpointPickerConfig', featureGates: ['prepareDataPlugins'], plugins: [{ type: 'queue-scorer' }], schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'queue-scorer' }] }] };
    const out = runText(resourceList(prefill() + decode(), typed({ epp: { config: own } })));
    expect(out.exitCode).toBe(1);
    const gate = out.results.find((r) => r.tags?.rule === 'epp-unknown-feature-gate');
    expect(gate).toMatchObject({ severity: 'error', resourceRef: { kind: 'PrefillDecode', name: 'm' }, field: { path: 'spec.epp.config' } });
  });

  it('lints an EndpointPickerConfig the user keeps in a v1 ConfigMap among the items, at its data key; a key that is no valid YAML is an error', () => {
    const own = 'apiVersion: llm-d.ai/v1alpha1\nkind: EndpointPickerConfig\nfeatureGates: [prepareDataPlugins]\nplugins:\n- type: queue-scorer\nschedulingProfiles:\n- name: default\n  plugins:\n  - pluginRef: queue-scorer\n';
    const cm = (apiVersion: string, name: string, data: object) => `- ${JSON.stringify({ apiVersion, kind: 'ConfigMap', metadata: { name }, data })}\n`;
    // the kind quoted either way, or after more than one blank, is still the kind
    const quoted = (kind: string) => `apiVersion: llm-d.ai/v1alpha1\nkind:${kind}\nplugins:\n- type: queue-scorer\n`;
    const data = { 'epp.yaml': own, 'bad.yaml': 'kind: EndpointPickerConfig\nplugins: [', 'list.yaml': '- kind: EndpointPickerConfig\n', note: 'no config here', replicas: 5, 'dq.yaml': quoted(' "EndpointPickerConfig"'), 'sq.yaml': quoted("   'EndpointPickerConfig'") };
    const out = runText(resourceList(prefill() + decode() + cm('v1', 'mine', data) + cm('example.com/v1', 'not-core', { 'epp.yaml': own })));
    expect(out.exitCode).toBe(1);
    const onConfigMaps = out.results.filter((r) => r.resourceRef?.kind === 'ConfigMap' && r.resourceRef.name !== 'm-epp-config');
    // only the core ConfigMap's two keys that hold a config: the parsed one is linted like spec.epp.config, the broken one
    // is refused; a key whose text only mentions the kind (a YAML list) and the other keys are left alone
    expect(onConfigMaps.map((r) => [r.resourceRef?.name, r.field?.path, r.tags?.rule, r.severity])).toEqual([
      ['mine', 'data.epp.yaml', 'epp-unknown-feature-gate', 'error'],
      ['mine', 'data.epp.yaml', 'epp-no-prefill-decider', 'error'],
      ['mine', 'data.bad.yaml', 'epp-config-yaml', 'error'],
      ['mine', 'data.dq.yaml', 'epp-no-prefill-decider', 'error'],
      ['mine', 'data.sq.yaml', 'epp-no-prefill-decider', 'error'],
    ]);
    expect(onConfigMaps[2]!.message).toMatch(/^data\.bad\.yaml holds an EndpointPickerConfig that is not valid YAML \(Flow sequence .*\); the EPP would fail to start\. Fix the YAML of data\.bad\.yaml \(the EPP reads it as its config file\) \[rule epp-config-yaml\]$/);
    expect(onConfigMaps[2]!.message).not.toContain('\n');
  });

  it('writes only the ConfigMap when the router is disabled, the whole stack otherwise', () => {
    const off = runText(resourceList(prefill() + decode(), typed({ router: { enabled: false } })));
    const generated = (items: Record<string, any>[]) => items.filter((i) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg').map((i) => i.kind).sort();
    expect(generated(off.items)).toEqual(['ConfigMap']);
    const on = runText(resourceList(prefill() + decode()));
    expect(generated(on.items)).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'InferencePool', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
  });
});

describe('NIXL plumbing', () => {
  it('injects the side-channel host from the pod IP and the port, declared as a container port, on both engines', () => {
    const out = runText(resourceList(prefill() + decode()));
    for (const name of ['m-prefill', 'm-decode']) {
      const c = podSpec(out.items, name).containers[0];
      expect(c.env).toEqual([
        { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5600' },
      ]);
      expect(c.ports).toContainEqual({ name: 'nixl', containerPort: 5600, protocol: 'TCP' });
    }
  });

  it("keeps the user's side-channel values and declares the user's port", () => {
    const env = [{ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5557' }, { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }];
    const out = runText(resourceList(prefill({ env, ports: [{ containerPort: 5557 }] }) + decode({ env })));
    expect(podSpec(out.items, 'm-prefill').containers[0].env).toEqual(env);
    expect(podSpec(out.items, 'm-prefill').containers[0].ports).toEqual([{ containerPort: 5557 }]);
    expect(podSpec(out.items, 'm-decode').containers[0].ports).toEqual([{ name: 'nixl', containerPort: 5557, protocol: 'TCP' }]);
  });

  it('declares one side-channel port per local data-parallel rank, named nixl and nixl-dp<rank>, up to 65535', () => {
    const env = (port: string) => [{ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: port }];
    const dp = (...args: string[]) => [...args, '--data-parallel-size-local=2', '--data-parallel-multi-port-external-lb'];
    const render = (port: string, fc?: string) =>
      runText(resourceList(prefill({ env: env(port), args: dp('m', kv('kv_producer')) }) + decode({ env: env(port), args: dp('m', '--port=8200', kv('kv_consumer')) }), fc));
    const top = render('65534');
    expect(top.exitCode, top.stderr).toBe(0);
    for (const name of ['m-prefill', 'm-decode']) {
      expect(podSpec(top.items, name).containers[0].ports).toEqual([
        { name: 'nixl', containerPort: 65534, protocol: 'TCP' },
        { name: 'nixl-dp1', containerPort: 65535, protocol: 'TCP' },
      ]);
    }
    // rank 1 would listen past 65535: an error on both engines (rule dp-port-range, test/rules/port-range.test.ts)
    const over = render('65535');
    expect(over.exitCode).toBe(1);
    expect(over.results.filter((r) => r.severity === 'error').map((r) => `${r.tags?.rule} ${r.resourceRef?.name}`)).toEqual(['dp-port-range m-prefill', 'dp-port-range m-decode']);
    // with the rule switched off, only rank 0's port is declared (Kubernetes refuses a containerPort of 65536)
    const off = render('65535', typed({ rules: { 'dp-port-range': 'off' } }));
    expect(off.exitCode, off.stderr).toBe(0);
    expect(podSpec(off.items, 'm-prefill').containers[0].ports).toEqual([{ name: 'nixl', containerPort: 65535, protocol: 'TCP' }]);
  });

  it('a TP 4 engine with two local DP ranks gets two side-channel ports, not eight (one listener per DP rank since vllm PR #26338, docs/nixl-side-channel.md)', () => {
    const env = [{ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5600' }];
    const args = (...a: string[]) => [...a, '--tensor-parallel-size=4', '--data-parallel-size-local=2', '--data-parallel-multi-port-external-lb'];
    // another container of the prefill pod on 5602: free, since TP workers do not listen (base + dp * tp + tp_rank was the layout before vllm PR #26338)
    const metrics = { name: 'metrics', image: 'busybox', ports: [{ name: 'metrics', containerPort: 5602 }] };
    const out = runText(
      resourceList(prefill({ env, args: args('m', kv('kv_producer')), extraContainers: [metrics] }) + decode({ env, args: args('m', '--port=8200', kv('kv_consumer')) })),
    );
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.results.filter((r) => r.severity === 'error')).toEqual([]);
    for (const name of ['m-prefill', 'm-decode']) {
      expect(podSpec(out.items, name).containers[0].ports).toEqual([
        { name: 'nixl', containerPort: 5600, protocol: 'TCP' },
        { name: 'nixl-dp1', containerPort: 5601, protocol: 'TCP' },
      ]);
    }
  });

  it('a side-channel port name another container of the pod already uses is left off (port names are unique in a pod)', () => {
    const metrics = { name: 'metrics', image: 'busybox', ports: [{ name: 'nixl', containerPort: 9999 }] };
    const out = runText(resourceList(prefill({ extraContainers: [metrics] }) + decode()));
    expect(out.exitCode, out.stderr).toBe(0);
    expect(podSpec(out.items, 'm-prefill').containers[0].ports).toEqual([{ containerPort: 5600, protocol: 'TCP' }]);
    expect(podSpec(out.items, 'm-decode').containers[0].ports).toEqual([{ name: 'nixl', containerPort: 5600, protocol: 'TCP' }]);
  });

  it('reuses an existing /dev/shm mount and never adds an unmounted volume', () => {
    const mounts = [{ name: 'shm', mountPath: '/dev/shm' }];
    const volumes = [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '20Gi' } }];
    const out = runText(resourceList(prefill({ mounts, volumes }) + decode()));
    const p = podSpec(out.items, 'm-prefill');
    expect(p.volumes).toEqual(volumes);
    expect(p.containers[0].volumeMounts).toEqual(mounts);
    const d = podSpec(out.items, 'm-decode');
    expect(d.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    expect(d.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    for (const spec of [p, d]) {
      const mounted = new Set(spec.containers.flatMap((c: { volumeMounts?: { name: string }[] }) => (c.volumeMounts ?? []).map((m) => m.name)));
      for (const v of spec.volumes) expect(mounted.has(v.name), v.name).toBe(true);
    }
  });

  it('picks a free volume name when dshm is taken', () => {
    const out = runText(resourceList(prefill({ volumes: [{ name: 'dshm', emptyDir: {} }], mounts: [{ name: 'dshm', mountPath: '/cache' }] }) + decode()));
    const p = podSpec(out.items, 'm-prefill');
    expect(p.volumes.map((v: { name: string }) => v.name)).toEqual(['dshm', 'pd-disagg-shm']);
    expect(p.containers[0].volumeMounts).toContainEqual({ name: 'pd-disagg-shm', mountPath: '/dev/shm' });
  });

  it('with dshm and pd-disagg-shm taken, picks the first pd-disagg-shm-N no volume has (a second volume of one name is refused by Kubernetes)', () => {
    const volumes = ['dshm', 'pd-disagg-shm', 'pd-disagg-shm-3'].map((name) => ({ name, emptyDir: {} }));
    const out = runText(resourceList(prefill({ volumes, mounts: [{ name: 'dshm', mountPath: '/cache' }] }) + decode()));
    expect(out.exitCode).toBe(0);
    const p = podSpec(out.items, 'm-prefill');
    expect(p.volumes.map((v: { name: string }) => v.name)).toEqual(['dshm', 'pd-disagg-shm', 'pd-disagg-shm-3', 'pd-disagg-shm-2']);
    expect(p.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/cache' }, { name: 'pd-disagg-shm-2', mountPath: '/dev/shm' }]);
  });
});

describe('the decode side', () => {
  it('data-parallel ranks on their own HTTP ports: the pool targets each rank\'s port behind the sidecar; at the top of the port range, a rule result, no crash', () => {
    const dp = (...args: string[]) => [...args, '--data-parallel-size-local=2', '--data-parallel-multi-port-external-lb'];
    const out = runText(resourceList(prefill({ args: dp('m', kv('kv_producer')) }) + decode({ args: dp('m', '--port=8200', kv('kv_consumer')) })));
    expect(out.exitCode, out.stderr).toBe(0);
    expect(item(out.items, 'InferencePool', 'm').spec.targetPorts).toEqual([{ number: 8000 }, { number: 8001 }]);
    expect(podSpec(out.items, 'm-decode').initContainers[0].args).toContain('--data-parallel-size=2');
    // the sidecar on 65535: no second pool port fits above it; the one-port prefill is the mismatch the rule names
    const top = runText(resourceList(prefill({ args: ['m', '--port=65535', kv('kv_producer')] }) + decode({ args: dp('m', '--port=8200', kv('kv_consumer')) }), typed({ sidecar: { port: 65535 } })));
    expect(top.exitCode, top.stderr).toBe(1);
    expect(top.results.filter((r) => r.severity === 'error').map((r) => r.tags?.rule)).toEqual(['dp-ports-mismatch']);
  });

  it('adds a native sidecar to decode only, for the chosen version, pointing at the engine port', () => {
    const out = runText(resourceList(prefill() + decode(), typed({ epp: { version: 'v0.9.0' } })));
    const d = podSpec(out.items, 'm-decode');
    expect(d.initContainers).toHaveLength(1);
    expect(d.initContainers[0]).toMatchObject({ name: 'routing-proxy', restartPolicy: 'Always', image: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.9.0' });
    expect(d.initContainers[0].args).toEqual(expect.arrayContaining(['--port=8000', '--vllm-port=8200', '--kv-connector=nixlv2']));
    const p = podSpec(out.items, 'm-prefill');
    expect(p.initContainers).toBeUndefined();
    expect(p.containers).toHaveLength(1);
  });

  it('adds a plain container when sidecar.native is false', () => {
    const out = runText(resourceList(prefill() + decode(), typed({ sidecar: { native: false } })));
    const d = podSpec(out.items, 'm-decode');
    expect(d.initContainers).toBeUndefined();
    expect(d.containers.map((c: { name: string }) => c.name)).toEqual(['engine', 'routing-proxy']);
    expect(d.containers[1].restartPolicy).toBeUndefined();
  });

  it('a decode pod with init containers of its own (a model download) still gets the routing sidecar, after them', () => {
    const fetch = { name: 'fetch-model', image: 'busybox', command: ['sh', '-c', 'cp -r /src /models'] };
    const out = runText(resourceList(prefill() + decode({ initContainers: [fetch] })));
    expect(out.exitCode, out.stderr).toBe(0);
    const init = podSpec(out.items, 'm-decode').initContainers;
    expect(init.map((c: { name: string }) => c.name)).toEqual(['fetch-model', 'routing-proxy']);
    expect(init[0]).toEqual(fetch);
  });

  it('keeps an existing sidecar, adds no second one, and checks its target port', () => {
    const sidecar = { name: 'proxy', image: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0', restartPolicy: 'Always', args: ['--port=8000', '--model-server-port=8200'] };
    const ok = runText(resourceList(prefill() + decode({ initContainers: [sidecar] })));
    expect(ok.exitCode).toBe(0);
    expect(podSpec(ok.items, 'm-decode').initContainers).toEqual([sidecar]);
    const wrong = runText(resourceList(prefill() + decode({ initContainers: [{ ...sidecar, args: ['--port=8000', '--model-server-port=8001'] }] })));
    expect(wrong.exitCode).toBe(1);
    expect(wrong.results.find((r) => r.tags?.rule === 'sidecar-target-port')).toMatchObject({
      severity: 'error',
      resourceRef: { kind: 'Deployment', name: 'm-decode' },
      field: { path: 'spec.template.spec.initContainers[0].args[1]', currentValue: 8001, proposedValue: 8200 },
    });
  });

  it('refuses a decode engine on the sidecar port, pointing at the arg', () => {
    const out = runText(resourceList(prefill() + decode({ args: ['m', '--port', '8000', kv('kv_consumer')] })));
    expect(out.exitCode).toBe(1);
    expect(out.results.find((r) => r.tags?.rule === 'decode-port-is-sidecar-port')).toMatchObject({
      severity: 'error',
      // `--port` and `8000` are two items: the result points at the value to change
      field: { path: 'spec.template.spec.containers[0].args[2]', proposedValue: '--port=8200' },
    });
  });

  // issue 13 item 7: the pool selects by pd-disagg's own label on both templates, never by labels they happen to share
  it('labels both pod templates with their role and the pool label the InferencePool selects on', () => {
    const out = runText(resourceList(prefill({ role: undefined }) + decode({ role: undefined })));
    expect(item(out.items, 'Deployment', 'm-prefill').spec.template.metadata.labels).toEqual({ app: 'm', 'llm-d.ai/role': 'prefill', 'pd-disagg.dev/pool': 'm' });
    expect(item(out.items, 'Deployment', 'm-decode').spec.template.metadata.labels['pd-disagg.dev/pool']).toBe('m');
    expect(item(out.items, 'InferencePool', 'm').spec.selector.matchLabels).toEqual({ 'pd-disagg.dev/pool': 'm' });
    // the selectors of the workloads are never touched
    expect(item(out.items, 'Deployment', 'm-prefill').spec.selector).toEqual({ matchLabels: { app: 'm', w: 'm-prefill' } });
  });
});

describe('exit status and overrides', () => {
  it('turns a rule off or changes its severity through spec.rules', () => {
    const both = (role: string) => kv('kv_both').replace('kv_both', role);
    const input = resourceList(prefill({ args: ['m', both('kv_both')] }) + decode({ args: ['m', '--port=8200', both('kv_both')] }));
    expect(runText(input).results.filter((r) => r.tags?.rule === 'kv-role-both').map((r) => r.severity)).toEqual(['warning', 'warning']);
    const off = runText(input.replace(/$/, '') + `functionConfig:\n${typed({ rules: { 'kv-role-both': 'off' } })}`);
    expect(off.results.filter((r) => r.tags?.rule === 'kv-role-both')).toEqual([]);
    const err = runText(`${input}functionConfig:\n${typed({ rules: { 'kv-role-both': 'error' } })}`);
    expect(err.exitCode).toBe(1);
  });

  it("an engine's launch-line problems are results on the arg, tagged parse-<code>, naming the side", () => {
    const out = runText(resourceList(prefill() + decode({ args: ['m', '--port=abc', '--max-model-len=lots', kv('kv_consumer')] })));
    expect(out.exitCode).toBe(1);
    expect(out.results.filter((r) => r.tags?.rule?.startsWith('parse-'))).toStrictEqual([
      {
        message: 'decode engine: --port "abc" is not a port number; the engine will refuse it. Use a value like 8000. [rule parse-flag.bad-value]',
        severity: 'error',
        resourceRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm-decode' },
        field: { path: 'spec.template.spec.containers[0].args[1]' },
        tags: { rule: 'parse-flag.bad-value' },
      },
      {
        message: 'decode engine: --max-model-len "lots" is not a whole number (like 4096 or 32k) or auto; the engine will refuse it. Use a value like 4096. [rule parse-flag.bad-value]',
        severity: 'error',
        resourceRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm-decode' },
        field: { path: 'spec.template.spec.containers[0].args[2]' },
        tags: { rule: 'parse-flag.bad-value' },
      },
    ]);
  });

  it('an override of a rule id that does not exist is an error on spec.rules.<id> naming the nearest id', () => {
    const out = runText(resourceList(prefill() + decode(), typed({ rules: { 'kv-role-bth': 'off', 'tp-ratio': 'off' } })));
    expect(out.exitCode).toBe(1);
    expect(out.results.filter((r) => r.tags?.rule === 'config-invalid')).toStrictEqual([
      {
        message: 'spec.rules: kv-role-bth is not a rule id; did you mean kv-role-both? (rules that can be overridden are listed in docs/rules.md) [rule config-invalid]',
        severity: 'error',
        resourceRef: { apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', name: 'm' },
        field: { path: 'spec.rules.kv-role-bth' },
        tags: { rule: 'config-invalid' },
      },
    ]);
  });
});
