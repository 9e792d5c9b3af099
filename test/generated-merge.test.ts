// mergeGenerated (src/apply/generated-merge.ts): what a user added to a generated object survives its refresh, and
// "what pd-disagg ever generates" is measured from the routing stack only when a merge needs it.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoutingStackInput } from '../src/router/types.js';

const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/router/stack.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/router/stack.js')>();
  return {
    ...actual,
    buildRoutingStack: (input: RoutingStackInput) => {
      built.count++;
      return actual.buildRoutingStack(input);
    },
  };
});

const { mergeGenerated } = await import('../src/apply/generated-merge.js');
const { buildRoutingStack, EPP_CONFIG_KEY } = await import('../src/router/stack.js');
const { ROUTER_VERSIONS } = await import('../src/router/types.js');

function eppDeployment() {
  const stack = buildRoutingStack({
    version: 'v0.9.0',
    name: 'qwen',
    namespace: 'llm',
    poolSelector: { 'pd-disagg.dev/pool': 'qwen' },
    targetPort: 8000,
    configMapName: 'qwen-epp-config',
    configKey: EPP_CONFIG_KEY,
    configText: 'x',
    configChecksum: 'c',
  });
  const deployment = stack.find((o) => o.kind === 'Deployment')!;
  // as the plan hands it over: every generated object carries its pair (src/plan/plan.ts)
  deployment.metadata.annotations = { ...(deployment.metadata.annotations ?? {}), 'pd-disagg.dev/pair': 'Deployment/llm/qwen-decode' };
  return deployment;
}

const TOOL = { 'config.kubernetes.io/path': 'engines/qwen-pd-disagg.yaml', 'config.kubernetes.io/index': '3' };

describe('mergeGenerated', () => {
  let desired: ReturnType<typeof eppDeployment>;
  beforeEach(() => {
    desired = eppDeployment();
    built.count = 0;
  });

  it('a refresh that only brings pd-disagg fields to the plan builds no routing stack', () => {
    const existing = structuredClone(desired);
    existing.metadata.annotations = { ...(existing.metadata.annotations ?? {}), ...TOOL };
    existing.spec.replicas = 7; // a field pd-disagg generates: the plan's value wins
    const merged = mergeGenerated(desired, existing);
    expect(merged.spec.replicas).toBe(desired.spec.replicas);
    expect(merged.metadata.annotations).toMatchObject(TOOL);
    expect(built.count).toBe(0);
  });

  it('measures the stack once, for every version and option, when a field the plan lacks must be judged', () => {
    const existing = structuredClone(desired);
    existing.spec.template.spec.nodeSelector = { pool: 'gpu' }; // never generated: the user's, kept
    existing.spec.template.spec.containers.push({ name: 'user-sidecar', image: 'busybox' }); // a named entry of the user
    const merged = mergeGenerated(desired, existing);
    expect(merged.spec.template.spec.nodeSelector).toEqual({ pool: 'gpu' });
    expect(merged.spec.template.spec.containers.map((c: { name: string }) => c.name)).toContain('user-sidecar');
    const measured = built.count;
    // at least every router version (0 would mean the user's fields were judged without measuring what pd-disagg owns)
    expect(measured).toBeGreaterThanOrEqual(ROUTER_VERSIONS.length);
    mergeGenerated(desired, existing);
    expect(built.count).toBe(measured);
  });
});
