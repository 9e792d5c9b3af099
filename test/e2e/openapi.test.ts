// Fallback for where kube-apiserver is not built (.ci/tools.sh builds it; apiserver.test.ts is the real check): every
// object pd-disagg writes validated against the published OpenAPI v3 schemas of Kubernetes v1.32.13
// (k8s.io/kubernetes api/openapi-spec/v3, from the module proxy) and the CRDs' openAPIV3Schema (.tools/crds), with
// unknown fields refused as the API server's strict field validation refuses them. What this cannot see, the real
// server does: defaulting, the built-in validation code beyond the schema, and the CRDs' CEL rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, toolbox } from './harness.js';
import { EXAMPLES, golden, GOLDEN_CASES, OTHER_CASES, type Obj } from './outputs.js';

const CRDS = resolve('.tools/crds');
const ci = /^(1|true)$/i.test(process.env.CI ?? '');

/** Object schemas with properties refuse other fields, unless they say they keep unknown fields. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'x-kubernetes-validations' ? v : strict(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

describe.runIf(ci || (existsSync(CRDS) && hasCommand('go')))('OpenAPI schema validation (fallback without kube-apiserver)', () => {
  const validators = new Map<string, ValidateFunction>();
  let tools: ReturnType<typeof toolbox>;

  beforeAll(() => {
    tools = toolbox();
    const dir = JSON.parse(execFileSync('go', ['mod', 'download', '-json', 'k8s.io/kubernetes@v1.32.13'] /* pinned in .ci/tools.sh (KUBE_VERSION) */, { encoding: 'utf8', cwd: CRDS })).Dir as string;
    const specs = join(dir, 'api/openapi-spec/v3');
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    for (const file of ['api__v1_openapi.json', 'apis__apps__v1_openapi.json', 'apis__rbac.authorization.k8s.io__v1_openapi.json']) {
      const doc = JSON.parse(readFileSync(join(specs, file), 'utf8'));
      const id = `k8s:${file}`;
      ajv.addSchema({ $id: id, components: strict(doc.components) }, id);
      for (const [name, schema] of Object.entries(doc.components.schemas as Record<string, { 'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }> }>)) {
        for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
          const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`;
          if (!validators.has(key)) validators.set(key, ajv.compile({ $ref: `${id}#/components/schemas/${name}` }));
        }
      }
    }
    for (const f of readdirSync(CRDS).filter((n) => n.endsWith('.yaml'))) {
      const crd = parse(readFileSync(join(CRDS, f), 'utf8'));
      for (const v of crd.spec.versions as Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>) {
        if (!v.served) continue;
        const schema = strict(v.schema.openAPIV3Schema) as { properties: Record<string, unknown> };
        // metadata is ObjectMeta on the server, whatever the CRD says
        schema.properties.metadata = { type: 'object' };
        validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  });

  function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }

  function validate(label: string, objects: Obj[]): void {
    expect(objects.length, label).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const o of objects) {
      const v = validators.get(`${o.apiVersion}/${o.kind}`);
      if (!v) {
        problems.push(`${o.apiVersion} ${o.kind}: no published schema loaded`);
        continue;
      }
      // The API server decodes JSON the way Go does: a null field is the field left out (a nil slice, map or
      // pointer), so `env:` with no value (as the llm-d-modelservice chart renders it) is valid there although the
      // published schemas, which have no nullable marks, say "must be array". Validate what the server would see.
      const valid: boolean = v(withoutNulls(o) as unknown);
      if (!valid) for (const e of v.errors ?? []) problems.push(`${o.kind}/${o.metadata.name}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
    }
    expect(problems, `${label}: the schemas reject pd-disagg's output`).toEqual([]);
  }

  it('the validators refuse what the API server refuses: an unknown field, a wrong type, a missing required field', () => {
    const [deployment] = golden(GOLDEN_CASES[0]!).filter((o) => o.kind === 'Deployment') as Array<Obj & { spec: Record<string, unknown> }>;
    const v = validators.get('apps/v1/Deployment')!;
    expect(v(deployment)).toBe(true);
    expect(v({ ...deployment, spec: { ...deployment!.spec, replica: 1 } })).toBe(false);
    expect(v({ ...deployment, spec: { ...deployment!.spec, replicas: 'one' } })).toBe(false);
    const { template: _t, ...noTemplate } = deployment!.spec;
    expect(v({ ...deployment, spec: noTemplate })).toBe(false);
    const [pool] = golden(GOLDEN_CASES[0]!).filter((o) => o.kind === 'InferencePool') as Array<Obj & { spec: Record<string, unknown> }>;
    const p = validators.get('inference.networking.k8s.io/v1/InferencePool')!;
    expect(p(pool)).toBe(true);
    expect(p({ ...pool, spec: { ...pool!.spec, targetPort: 8000 } })).toBe(false);
    expect(p({ ...pool, spec: { ...pool!.spec, targetPorts: [{ number: 'http' }] } })).toBe(false);
    // the DisaggregatedSet CRD (lws v0.9.0): a role's pod template is checked down to its containers
    const [set] = golden('dset-wide-ep').filter((o) => o.kind === 'DisaggregatedSet') as Array<Obj & { spec: { roles: Array<{ spec: Record<string, unknown> }> } }>;
    const d = validators.get('disaggregatedset.x-k8s.io/v1/DisaggregatedSet')!;
    expect(d(set)).toBe(true);
    const bad = structuredClone(set!);
    (bad.spec.roles[1]!.spec.leaderWorkerTemplate as { workerTemplate: { spec: { initContainers: Array<Record<string, unknown>> } } }).workerTemplate.spec.initContainers[0]!.restartPolicy = 7;
    expect(d(bad)).toBe(false);
    expect(d({ ...set, spec: { ...set!.spec, role: [] } })).toBe(false);
  });

  it.each(GOLDEN_CASES)('golden testdata/%s/expected.yaml', (name) => validate(name, golden(name)));
  it.each(OTHER_CASES)('golden %s/expected.yaml', (name) => validate(name, golden(name)));
  it.each(Object.keys(EXAMPLES))('example %s', (name) => validate(name, EXAMPLES[name]!(tools)));
});
