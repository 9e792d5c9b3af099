import { describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ROUTER_VERSIONS, routerTable } from '../../src/router/index.js';

describe('router tables', () => {
  it('has one table per version, keyed consistently', () => {
    for (const v of ROUTER_VERSIONS) expect(routerTable(v).version).toBe(v);
    expect(ROUTER_VERSIONS).toContain('v0.9.0');
    expect(ROUTER_VERSIONS).not.toContain('v0.7.1');
    expect(() => routerTable('v0.7.1' as never)).toThrow(/unknown router version/);
  });

  it('records the facts the generator and linter rely on', () => {
    const [v8, v9, v10] = ROUTER_VERSIONS.map(routerTable);
    expect([v8, v9, v10].map((t) => t!.config.apiVersion)).toEqual([
      'inference.networking.x-k8s.io/v1alpha1', 'llm-d.ai/v1alpha1', 'llm-d.ai/v1alpha1',
    ]);
    expect([v8, v9, v10].map((t) => t!.strictParams)).toEqual([false, true, true]);
    expect([v8, v9, v10].map((t) => t!.disagg.headersHandler)).toEqual(['required', 'deprecated', 'deprecated']);
    expect([v8, v9, v10].map((t) => t!.producer.minBlockSizeTokens)).toEqual([undefined, 64, 64]);
    expect([v8, v9, v10].map((t) => t!.sidecar.defaultEnginePort)).toEqual([8001, 8001, 8200]);
    expect(v10!.sidecar.enginePortFlags).toEqual(['model-server-port', 'vllm-port']);
    expect(Object.keys(v10!.sidecar.removedFlags)).toContain('connector');
    for (const t of [v8, v9, v10]) {
      expect(t!.featureGates.registered).not.toContain('prepareDataPlugins');
      expect(t!.epp.ports).toEqual({ grpc: 9002, grpcHealth: 9003, metrics: 9090 });
      // every version guards /metrics with --metrics-endpoint-auth, default true (GIE v1.5.0 and llm-d-router
      // v0.9.0/v0.10.0 pkg/epp/server/options.go), a flag of the version's EPP
      expect(t!.epp.metricsAuth?.flag).toBe('metrics-endpoint-auth');
      expect(t!.epp.metricsAuth?.defaultOn).toBe(true);
      expect(t!.epp.flags).toContain(t!.epp.metricsAuth!.flag);
      for (const type of ['approx-prefix-cache-producer', 'prefix-cache-scorer', 'prefix-based-pd-decider', 'always-disagg-pd-decider', 'disagg-profile-handler', 'disagg-headers-handler', 'prefill-filter', 'decode-filter', 'max-score-picker', 'queue-scorer']) {
        expect(t!.plugins[type], `${t!.version} ${type}`).toBeDefined();
      }
    }
    expect(v8!.plugins['label-selector-filter']).toBeUndefined();
    expect(v8!.plugins['prefix-cache-scorer']!.params.accepts).toBe('ignored');
  });

  it('kubernetes-models validation really rejects a broken object (guards the schema tests)', () => {
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ image: 'x' } as never] } } } } as never).validate()).toThrow();
  });
});
