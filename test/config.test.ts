import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readConfig } from '../src/config/read-config.js';
import { generate } from '../scripts/gen-config-validator.mjs';

const typed = (spec: object, name = 'qwen') => ({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name }, spec });

describe('functionConfig', () => {
  it('fills defaults when there is no functionConfig', () => {
    const { config, results } = readConfig(undefined);
    expect(results).toEqual([]);
    expect(config).toMatchObject({
      form: 'none',
      epp: { version: 'v0.10.0', decider: 'prefix-based', nonCachedTokens: 16 },
      router: { enabled: true },
      sidecar: { native: true, port: 8000 },
    });
  });

  it("treats kpt's empty function-input ConfigMap as no config", () => {
    const { config } = readConfig({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' } });
    expect(config?.form).toBe('none');
  });

  it('reads the typed form with every field', () => {
    const { config, results } = readConfig(
      typed({
        prefill: { name: 'p' },
        decode: { name: 'd', kind: 'LeaderWorkerSet' },
        epp: { version: 'v0.8.0', decider: 'always', nonCachedTokens: 32, blockSizeTokens: 64, promptTokens: 5 },
        router: { enabled: false, gateway: { name: 'gw', namespace: 'gw-ns' } },
        sidecar: { native: false, image: 'x/y:z', port: 9000 },
        rules: { 'kv-role-both': 'off' },
      }),
    );
    expect(results).toEqual([]);
    expect(config).toMatchObject({
      form: 'PrefillDecode',
      name: 'qwen',
      prefill: { name: 'p' },
      decode: { name: 'd', kind: 'LeaderWorkerSet' },
      epp: { version: 'v0.8.0', decider: 'always', nonCachedTokens: 32, blockSizeTokens: 64, promptTokens: 5 },
      router: { enabled: false, gateway: { name: 'gw', namespace: 'gw-ns' } },
      sidecar: { native: false, image: 'x/y:z', port: 9000 },
      rules: { 'kv-role-both': 'off' },
      ref: { apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', name: 'qwen' },
    });
  });

  it('names each bad field of the typed form', () => {
    const { config, results } = readConfig(typed({ epp: { version: 'v0.7.0', nonCachedTokens: 0 }, routr: {} }));
    expect(config).toBeUndefined();
    const byPath = Object.fromEntries(results.map((r) => [r.field?.path, r]));
    expect(byPath['spec.epp.version']?.message).toMatch(/must be one of "v0\.8\.0", "v0\.9\.0", "v0\.10\.0"/);
    expect(byPath['spec.epp.nonCachedTokens']?.message).toMatch(/at least 1: 0 makes the prefix-based decider never disaggregate/);
    expect(byPath['spec.routr']?.message).toMatch(/not a known field/);
    for (const r of results) {
      expect(r.severity).toBe('error');
      expect(r.resourceRef).toEqual({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', name: 'qwen' });
    }
  });

  it('rejects a bad metadata.name and a missing one', () => {
    expect(readConfig(typed({}, 'Not_A_Label')).results[0]?.field?.path).toBe('metadata.name');
    const missing = readConfig({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: {} });
    expect(missing.results[0]?.message).toMatch(/metadata\.name is required/);
  });

  it('reads the ConfigMap form as kpt fn eval -- k=v builds it', () => {
    const { config, results } = readConfig({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'function-input' },
      data: { prefill: 'p', decode: 'StatefulSet/d', eppVersion: 'v0.9.0', decider: 'always', nonCachedTokens: '32', routerEnabled: 'false', gateway: 'gw-ns/gw' },
    });
    expect(results).toEqual([]);
    expect(config).toMatchObject({
      form: 'ConfigMap',
      prefill: { name: 'p' },
      decode: { name: 'd', kind: 'StatefulSet' },
      epp: { version: 'v0.9.0', decider: 'always', nonCachedTokens: 32 },
      router: { enabled: false, gateway: { name: 'gw', namespace: 'gw-ns' } },
    });
  });

  it('names each bad ConfigMap key, including unknown ones', () => {
    const { config, results } = readConfig({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'function-input' },
      data: { nonCachedTokens: '0', eppVersion: 'latest', decode: 'Pod/x', prefil: 'p' },
    });
    expect(config).toBeUndefined();
    expect(results.map((r) => r.field?.path).sort()).toEqual(['data.decode', 'data.eppVersion', 'data.nonCachedTokens', 'data.prefil']);
    expect(results.find((r) => r.field?.path === 'data.prefil')?.message).toMatch(/accepted keys: name, prefill, decode/);
  });

  it('reads spec.encode and role in both forms', () => {
    const t = readConfig(typed({ encode: { name: 'e', kind: 'Deployment', container: 'vllm' } }));
    expect(t.results).toEqual([]);
    expect(t.config?.encode).toEqual({ name: 'e', kind: 'Deployment', container: 'vllm' });
    const cm = readConfig({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'function-input' },
      data: { encodeContainer: 'vllm', encode: 'e', prefill: 'p', decode: 'd', prefillRole: 'ctx', decodeRole: 'gen', encodeRole: 'enc' },
    });
    expect(cm.results).toEqual([]);
    expect(cm.config).toMatchObject({
      encode: { name: 'e', container: 'vllm', role: 'enc' },
      prefill: { name: 'p', role: 'ctx' },
      decode: { name: 'd', role: 'gen' },
    });
  });

  it('refuses a role on a kind that plays one role, and a role key without its workload', () => {
    const t = readConfig(typed({ prefill: { name: 'p', kind: 'Deployment', role: 'prefill' } }));
    expect(t.config).toBeUndefined();
    expect(t.results).toHaveLength(1);
    expect(t.results[0]).toMatchObject({ severity: 'error', field: { path: 'spec.prefill.role' } });
    expect(t.results[0]!.message).toMatch(/spec\.prefill\.role "prefill" names a role inside a multi-role object.*Deployment, which plays one role: remove the role/);
    const bad = readConfig(typed({ encode: { name: 'e', role: 'Not_A_Label' } }));
    expect(bad.results.map((r) => r.field?.path)).toEqual(['spec.encode.role']);
    const cm = (data: Record<string, string>) => readConfig({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data });
    expect(cm({ decodeRole: 'gen' }).results[0]?.message).toMatch(/data\.decodeRole needs data\.decode \(the multi-role object\) too/);
    expect(cm({ encodeContainer: 'c' }).results[0]?.message).toMatch(/data\.encodeContainer needs data\.encode \(the workload\) too/);
    const kinded = cm({ encode: 'StatefulSet/e', encodeRole: 'enc' }).results;
    expect(kinded.map((r) => r.field?.path)).toEqual(['data.encodeRole']);
    expect(kinded[0]!.message).toMatch(/StatefulSet, which plays one role/);
    expect(cm({ encode: 'e', encodeRole: 'Bad_Role' }).results.map((r) => r.field?.path)).toEqual(['data.encodeRole']);
  });

  it('names the accepted kinds for any other functionConfig', () => {
    const { results } = readConfig({ apiVersion: 'fn.kpt.dev/v1alpha1', kind: 'SetNamespace', metadata: { name: 'x' } });
    expect(results).toHaveLength(1);
    expect(results[0]!.message).toMatch(/PrefillDecode \(apiVersion pd-disagg\.dev\/v1alpha1\), ConfigMap \(apiVersion v1\), or none/);
  });

  it('accepts every example config in fn-config/', () => {
    for (const file of ['prefilldecode.yaml', 'configmap.yaml', 'kustomize-container.yaml']) {
      const { results } = readConfig(parse(readFileSync(`fn-config/${file}`, 'utf8')));
      expect(results, file).toEqual([]);
    }
  });

  it('keeps the precompiled schema validator in step with the schema', () => {
    expect(readFileSync('src/config/schema-validator.generated.js', 'utf8')).toBe(generate());
  });
});
