import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  ROUTER_VERSIONS,
  buildEppConfig,
  buildRoutingStack,
  buildSidecarContainer,
  routerTable,
  type RouterVersion,
  type RoutingStackInput,
} from '../../src/router/index.js';
import { configChecksum, eppConfigYaml } from '../../src/plan/epp-text.js';
import type { KObject } from '../../src/types.js';
import { ecConnectorSince, sidecarFlagProblems } from '../../src/router/sidecar.js';

const input = (version: RouterVersion, extra: Partial<RoutingStackInput> = {}): RoutingStackInput => ({
  version,
  name: 'qwen',
  namespace: 'ml',
  poolSelector: { 'pd-disagg.dev/pool': 'qwen' },
  targetPort: 8000,
  configMapName: 'qwen-epp',
  configKey: 'epp-config.yaml',
  configText: eppConfigYaml(version, { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 128 }),
  configChecksum: configChecksum(buildEppConfig(version, { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 128 })),
  ...extra,
});
const byKind = (objs: KObject[], kind: string) => objs.filter((o) => o.kind === kind);
const one = (objs: KObject[], kind: string) => {
  const found = byKind(objs, kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

const MODELS: Record<string, (o: KObject) => { validate(): void }> = {
  Deployment: (o) => new Deployment(o as never),
  ConfigMap: (o) => new ConfigMap(o as never),
  Service: (o) => new Service(o as never),
  ServiceAccount: (o) => new ServiceAccount(o as never),
  Role: (o) => new Role(o as never),
  RoleBinding: (o) => new RoleBinding(o as never),
  ClusterRole: (o) => new ClusterRole(o as never),
  ClusterRoleBinding: (o) => new ClusterRoleBinding(o as never),
};
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding']);

function checkInferencePool(pool: KObject): void {
  expect(pool.apiVersion).toBe('inference.networking.k8s.io/v1');
  const spec = pool.spec;
  expect(Object.keys(spec).sort()).toEqual(['endpointPickerRef', 'selector', 'targetPorts']);
  expect(Object.keys(spec.selector)).toEqual(['matchLabels']);
  const labels = Object.keys(spec.selector.matchLabels);
  expect(labels.length).toBeGreaterThanOrEqual(1);
  expect(labels.length).toBeLessThanOrEqual(64);
  expect(spec.targetPorts.length).toBeGreaterThanOrEqual(1);
  expect(spec.targetPorts.length).toBeLessThanOrEqual(8);
  for (const p of spec.targetPorts) expect(Number.isInteger(p.number) && p.number > 0 && p.number < 65536).toBe(true);
  const ref = spec.endpointPickerRef;
  expect(ref.kind).toBe('Service');
  expect(typeof ref.name).toBe('string');
  expect(Number.isInteger(ref.port.number)).toBe(true);
  expect(['FailOpen', 'FailClose']).toContain(ref.failureMode);
}

describe('buildRoutingStack', () => {
  for (const version of ROUTER_VERSIONS) {
    it(`${version}: every object passes schema validation and is labelled`, () => {
      const objs = buildRoutingStack(input(version, { gateway: { name: 'inference-gateway', namespace: 'gw' } }));
      expect(objs.map((o) => o.kind)).toEqual([
        'InferencePool', 'ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'ClusterRole', 'ClusterRoleBinding', 'HTTPRoute',
      ]);
      for (const o of objs) {
        expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('pd-disagg');
        expect(o.metadata.labels['app.kubernetes.io/part-of']).toBe('qwen');
        expect(o.metadata.namespace).toBe(CLUSTER_SCOPED.has(o.kind) ? undefined : 'ml');
        expect(Object.keys(o.metadata.annotations ?? {})).toEqual([]);
        expect(MODELS[o.kind] !== undefined || ['InferencePool', 'HTTPRoute'].includes(o.kind)).toBe(true);
        MODELS[o.kind]?.(o).validate();
      }
      checkInferencePool(one(objs, 'InferencePool'));
    });
  }

  it('wires the pool to the EPP service', () => {
    const objs = buildRoutingStack(input('v0.10.0'));
    const pool = one(objs, 'InferencePool');
    expect(pool.metadata.name).toBe('qwen');
    expect(pool.spec).toEqual({
      selector: { matchLabels: { 'pd-disagg.dev/pool': 'qwen' } },
      targetPorts: [{ number: 8000 }],
      endpointPickerRef: { group: '', kind: 'Service', name: 'qwen-epp', port: { number: 9002 }, failureMode: 'FailOpen' },
    });
    const svc = one(objs, 'Service');
    expect(svc.metadata.name).toBe('qwen-epp');
    expect(svc.spec.ports).toEqual([
      { name: 'grpc-ext-proc', port: 9002, targetPort: 9002, protocol: 'TCP', appProtocol: 'http2' },
      { name: 'grpc-health', port: 9003, targetPort: 9003, protocol: 'TCP' },
      { name: 'http-metrics', port: 9090, targetPort: 9090, protocol: 'TCP' },
    ]);
    const dep = one(objs, 'Deployment');
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
  });

  it('runs the version image with flags, probes, config mount and checksum', () => {
    for (const version of ROUTER_VERSIONS) {
      const inp = input(version);
      const dep = one(buildRoutingStack(inp), 'Deployment');
      const pod = dep.spec.template;
      const c = pod.spec.containers[0];
      const images: Record<RouterVersion, string> = {
        'v0.8.0': 'ghcr.io/llm-d/llm-d-inference-scheduler:v0.8.0',
        'v0.9.0': 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0',
        'v0.10.0': 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0',
      };
      expect(c.image).toBe(images[version]);
      expect(c.args).toEqual([
        '--pool-name=qwen',
        '--pool-namespace=$(NAMESPACE)',
        '--pool-group=inference.networking.k8s.io',
        '--config-file=/config/epp-config.yaml',
        '--grpc-port=9002',
        '--grpc-health-port=9003',
        '--metrics-port=9090',
      ]);
      expect(c.env[0]).toEqual({ name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } });
      expect(c.livenessProbe.grpc).toEqual({ port: 9003, service: 'inference-extension' });
      expect(c.readinessProbe.grpc).toEqual({ port: 9003, service: 'inference-extension' });
      expect(c.volumeMounts).toEqual([{ name: 'epp-config', mountPath: '/config', readOnly: true }]);
      expect(pod.spec.volumes).toEqual([{ name: 'epp-config', configMap: { name: 'qwen-epp' } }]);
      expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
      expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
      expect(pod.metadata.annotations['pd-disagg.dev/epp-config-checksum']).toBe(inp.configChecksum);
      expect(inp.configChecksum).toBe(
        createHash('sha256').update(JSON.stringify(buildEppConfig(version, { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 128 }))).digest('hex'),
      );
      const cm = one(buildRoutingStack(inp), 'ConfigMap');
      expect(cm.data).toEqual({ 'epp-config.yaml': inp.configText });
    }
  });

  it('changes the checksum when the config changes, not when only its text does (comments)', () => {
    const config = buildEppConfig('v0.9.0', { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 128 });
    expect(configChecksum({ ...config, plugins: [] })).not.toBe(configChecksum(config));
    // the checksum is of the data; the text is only printed from it
    const a = one(buildRoutingStack(input('v0.9.0')), 'Deployment');
    const b = one(buildRoutingStack(input('v0.9.0', { configChecksum: configChecksum({ ...config, plugins: [] }) })), 'Deployment');
    const c = one(buildRoutingStack(input('v0.9.0', { configText: `# another comment\n${input('v0.9.0').configText}` })), 'Deployment');
    expect(a.spec.template.metadata.annotations).not.toEqual(b.spec.template.metadata.annotations);
    expect(a.spec.template.metadata.annotations).toEqual(c.spec.template.metadata.annotations);
  });

  it('grants what the version watches', () => {
    const rules = (v: RouterVersion) => one(buildRoutingStack(input(v)), 'Role').rules;
    expect(rules('v0.8.0')).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(rules('v0.10.0').map((r: KObject) => r.apiGroups[0])).toEqual(['', 'inference.networking.k8s.io', 'llm-d.ai', 'inference.networking.x-k8s.io']);
    const rb = one(buildRoutingStack(input('v0.10.0')), 'RoleBinding');
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'qwen-epp', namespace: 'ml' }]);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: one(buildRoutingStack(input('v0.10.0')), 'Role').metadata.name });
    expect(one(buildRoutingStack(input('v0.10.0')), 'Deployment').spec.template.spec.serviceAccountName).toBe('qwen-epp');
  });

  // what the Pod Security "restricted" level asks of a pod and its containers (kubernetes.io/docs/concepts/security/
  // pod-security-standards): a namespace enforcing it admits the EPP
  it('runs the EPP as the restricted Pod Security level requires: non-root, RuntimeDefault seccomp, no escalation, no capabilities', () => {
    for (const version of ROUTER_VERSIONS) {
      const pod = one(buildRoutingStack(input(version)), 'Deployment').spec.template.spec;
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it('adds an HTTPRoute only with a gateway', () => {
    expect(byKind(buildRoutingStack(input('v0.9.0')), 'HTTPRoute')).toEqual([]);
    const route = one(buildRoutingStack(input('v0.9.0', { gateway: { name: 'gw' } })), 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen' }]);
    expect(route.spec.rules[0].timeouts).toEqual({ request: '300s' });
    const custom = one(buildRoutingStack(input('v0.9.0', { gateway: { name: 'gw', requestTimeout: '0s' } })), 'HTTPRoute');
    expect(custom.spec.rules[0].timeouts).toEqual({ request: '0s' });
    // a Gateway in another namespace is named with it; without one the route's own namespace applies (no key at all)
    const elsewhere = one(buildRoutingStack(input('v0.9.0', { gateway: { name: 'gw', namespace: 'infra' } })), 'HTTPRoute');
    expect(elsewhere.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'infra' }]);
    expect(Object.keys(route.spec.parentRefs[0])).toEqual(['group', 'kind', 'name']);
    expect(route.metadata).toEqual({ name: 'qwen', namespace: 'ml', labels: { 'app.kubernetes.io/managed-by': 'pd-disagg', 'app.kubernetes.io/part-of': 'qwen' } });
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
  });

  it('omits namespaces when unknown', () => {
    const objs = buildRoutingStack(input('v0.10.0', { namespace: undefined }));
    // no key at all (not a key holding undefined): the objects are plain data other code walks and hashes
    for (const o of objs) expect(Object.keys(o.metadata)).not.toContain('namespace');
    expect(Object.keys(one(objs, 'RoleBinding').subjects[0])).toEqual(['kind', 'name']);
  });
});

describe("the EPP's /metrics auth (issue 13, item 8)", () => {
  // testdata/upstream/metrics-auth-clusterrole-rules.yaml: the charts' ClusterRole rules (GIE v1.5.0, llm-d-router
  // v0.9.0 and v0.10.0), the same at every supported version
  const upstreamRules = parse(readFileSync('testdata/upstream/metrics-auth-clusterrole-rules.yaml', 'utf8')).rules;

  for (const version of ROUTER_VERSIONS) {
    it(`${version}: auth on (the EPP's default) gets the charts' ClusterRole, bound to the EPP's ServiceAccount`, () => {
      const objs = buildRoutingStack(input(version));
      const role = one(objs, 'ClusterRole');
      const binding = one(objs, 'ClusterRoleBinding');
      expect(role.rules).toEqual(upstreamRules);
      expect(role.metadata.name).toBe('pd-disagg:ml:qwen-epp');
      expect(binding.metadata.name).toBe('pd-disagg:ml:qwen-epp');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pd-disagg:ml:qwen-epp' });
      const sa = one(objs, 'ServiceAccount');
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'ml' }]);
      expect(one(objs, 'Deployment').spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
      // auth stays on: the flag is not passed (its default is true)
      expect(one(objs, 'Deployment').spec.template.spec.containers[0].args.some((a: string) => a.startsWith('--metrics-endpoint-auth'))).toBe(false);
    });

    it(`${version}: auth off passes --metrics-endpoint-auth=false and generates nothing cluster-scoped`, () => {
      const objs = buildRoutingStack(input(version, { metricsAuth: false }));
      expect(objs.filter((o) => CLUSTER_SCOPED.has(o.kind))).toEqual([]);
      expect(one(objs, 'Deployment').spec.template.spec.containers[0].args).toContain('--metrics-endpoint-auth=false');
    });
  }

  it('names differ per namespace and per pair, and cannot be forged by names with dashes', () => {
    const name = (n: string, ns: string | undefined) => one(buildRoutingStack(input('v0.10.0', { name: n, namespace: ns })), 'ClusterRole').metadata.name;
    const names = [name('qwen', 'ml'), name('qwen', 'prod'), name('llama', 'ml'), name('qwen-a', 'b'), name('qwen', 'a-b'), name('qwen', undefined)];
    expect(new Set(names).size).toBe(names.length);
  });

  it('without a namespace: the subject names namespace default, which set-namespace and kustomize rewrite', () => {
    const objs = buildRoutingStack(input('v0.10.0', { namespace: undefined }));
    const binding = one(objs, 'ClusterRoleBinding');
    expect(binding.metadata.name).toBe('pd-disagg:qwen-epp');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'qwen-epp', namespace: 'default' }]);
    new ClusterRoleBinding(binding as never).validate();
  });

  it('rejects an empty selector', () => {
    expect(() => buildRoutingStack(input('v0.10.0', { poolSelector: {} }))).toThrow(/poolSelector/);
  });
});

describe('sidecar in a pod', () => {
  it('is a valid native sidecar', () => {
    for (const version of ROUTER_VERSIONS) {
      const sidecar = buildSidecarContainer(version, { enginePort: 8200, listenPort: 8000, connector: 'nixlv2', native: true });
      new Pod({
        metadata: { name: 'decode' },
        spec: { initContainers: [sidecar as never], containers: [{ name: 'vllm', image: 'vllm/vllm-openai' }] },
      }).validate();
    }
  });
});

describe('InferencePool targetPorts for data-parallel ranks (issue 13, item 2)', () => {
  it('lists every rank port, at most 8', () => {
    const pool = buildRoutingStack(input('v0.10.0', { targetPortCount: 8 })).find((o) => o.kind === 'InferencePool')!;
    expect(pool.spec.targetPorts).toEqual([8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007].map((number) => ({ number })));
    expect(() => buildRoutingStack(input('v0.10.0', { targetPortCount: 9 }))).toThrow(/1 to 8 ports/);
  });
  it('one port by default; no port range past 65535, no empty range', () => {
    const ports = (extra: Partial<RoutingStackInput>) =>
      (one(buildRoutingStack(input('v0.10.0', extra)), 'InferencePool').spec.targetPorts as Array<{ number: number }>).map((p) => p.number);
    expect(ports({})).toEqual([8000]);
    // the last rank may sit on 65535 itself
    expect(ports({ targetPort: 65535 })).toEqual([65535]);
    expect(ports({ targetPort: 65528, targetPortCount: 8 })).toEqual([65528, 65529, 65530, 65531, 65532, 65533, 65534, 65535]);
    expect(ports({ targetPort: 1, targetPortCount: 2 })).toEqual([1, 2]);
    // one rank past it is refused, not wrapped or cut
    expect(() => buildRoutingStack(input('v0.10.0', { targetPort: 65529, targetPortCount: 8 }))).toThrow(/targetPortCount must be 1 to 8 ports from targetPort, got 8/);
    expect(() => buildRoutingStack(input('v0.10.0', { targetPort: 65535, targetPortCount: 2 }))).toThrow(/targetPortCount/);
    for (const count of [0, -1, 1.5]) {
      expect(() => buildRoutingStack(input('v0.10.0', { targetPortCount: count }))).toThrow(`got ${count}`);
    }
  });
  it('refuses a target port that is no TCP port', () => {
    for (const targetPort of [0, 65536, 80.5, Number.NaN]) {
      expect(() => buildRoutingStack(input('v0.10.0', { targetPort }))).toThrow(`targetPort must be a TCP port, got ${targetPort}`);
    }
  });
});

describe('the EPP flag for alpha plugins comes from the version table (epp.experimentalPluginsFlag)', () => {
  const args = (version: RouterVersion, allow: boolean) =>
    one(buildRoutingStack(input(version, { allowExperimentalPlugins: allow })), 'Deployment').spec.template.spec.containers[0].args as string[];
  it('v0.10.0 passes it when asked, and only then; the flag is one the EPP registers', () => {
    expect(args('v0.10.0', true)).toContain('--allow-experimental-plugins');
    expect(args('v0.10.0', false).some((a) => a.includes('experimental'))).toBe(false);
    expect(routerTable('v0.10.0').epp.flags).toContain(routerTable('v0.10.0').epp.experimentalPluginsFlag);
  });
  it('v0.8.0 and v0.9.0 have no such flag (no plugin stability levels): never passed, it would stop the EPP', () => {
    for (const v of ['v0.8.0', 'v0.9.0'] as const) {
      expect(routerTable(v).epp.experimentalPluginsFlag).toBeUndefined();
      expect(args(v, true).some((a) => a.includes('experimental'))).toBe(false);
    }
  });
});

describe('ecConnectorSince: the first version whose sidecar takes an --ec-connector value, from the tables', () => {
  it('ec-example from v0.8.0, ec-nixl from v0.9.0 (llm-d-router #1444), an unknown one never', () => {
    expect(ecConnectorSince('ec-example')).toBe('v0.8.0');
    expect(ecConnectorSince('ec-nixl')).toBe('v0.9.0');
    expect(ecConnectorSince('ec-lmcache')).toBeUndefined();
  });
  it('names it in the sidecar flag problem of an older version', () => {
    const problems = sidecarFlagProblems('v0.8.0', { name: 'routing-proxy', args: ['--port=8000', '--vllm-port=8200', '--ec-connector=ec-nixl'] });
    expect(problems.find((p) => p.flag === 'ec-connector')?.message).toContain('ec-nixl exists from router v0.9.0');
  });
});
