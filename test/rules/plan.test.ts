// The NIXL/shm plumbing the rules rely on, through the whole pipeline: what is injected into which engine, one
// side-channel port per local DP rank, and spec.rules overrides of the pair rules end to end.
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../src/types.js';
import { item, read, runText } from '../helpers.js';
import { edit, findings, llmdDecode, llmdPrefill, pair, setEnv, type PodShape } from './shapes.js';

const engineOf = (items: KObject[], kind: string, name: string) => item(items, kind, name).spec.template.spec.containers[0];

describe('NIXL plumbing per engine', () => {
  it('injects no vLLM-only env or side-channel port into SGLang engines, but still a Memory /dev/shm', () => {
    const out = runText(read('testdata/sglang-pair/input.yaml'));
    expect(out.exitCode).toBe(0);
    for (const name of ['oss-prefill', 'oss-decode']) {
      const engine = engineOf(out.items, 'Deployment', name);
      expect((engine.env ?? []).map((e: KObject) => e.name).filter((n: string) => n.startsWith('VLLM_'))).toEqual([]);
      expect((engine.ports ?? []).filter((p: KObject) => String(p.name).startsWith('nixl'))).toEqual([]);
      const mount = engine.volumeMounts.find((m: KObject) => m.mountPath === '/dev/shm');
      const volume = item(out.items, 'Deployment', name).spec.template.spec.volumes.find((v: KObject) => v.name === mount.name);
      expect(volume.emptyDir).toEqual({ medium: 'Memory' });
    }
  });

  it('declares one side-channel port per local DP rank and keeps an existing one', () => {
    const out = runText(read('testdata/statefulset-dp/input.yaml'));
    expect(out.exitCode).toBe(0);
    const ports = (name: string) => engineOf(out.items, 'StatefulSet', name).ports.map((p: KObject) => [p.name, p.containerPort]);
    const expected = [['nixl', 5600], ['nixl-dp1', 5601], ['nixl-dp2', 5602], ['nixl-dp3', 5603]];
    // prefill: --data-parallel-size=4, all local; decode: --data-parallel-size=8 with --data-parallel-size-local=4
    expect(ports('kimi-prefill')).toEqual(expected);
    expect(ports('kimi-decode')).toEqual(expected);
  });

  it('declares no port it cannot know (VLLM_NIXL_SIDE_CHANNEL_PORT from a ConfigMap) and says so', () => {
    const input = read('testdata/statefulset-dp/input.yaml').replace(
      "          ports:\n          - {name: nixl, containerPort: 5600}\n",
      '          env:\n          - name: VLLM_NIXL_SIDE_CHANNEL_PORT\n            valueFrom: {configMapKeyRef: {name: nixl, key: port}}\n',
    );
    const out = runText(input);
    expect(out.exitCode).toBe(0);
    expect(engineOf(out.items, 'StatefulSet', 'kimi-prefill').ports).toBeUndefined();
    const warn = out.results.filter((r) => r.tags?.rule === 'nixl-side-channel-port');
    expect(warn).toMatchObject([{ severity: 'warning', resourceRef: { name: 'kimi-prefill' }, field: { path: 'spec.template.spec.containers[0].env[0]' } }]);
  });
});

describe('spec.rules overrides of pair rules', () => {
  const input = read('testdata/rules-override/input.yaml');

  it('off and info let the published llm-d guide render', () => {
    const out = runText(input);
    expect(out.exitCode).toBe(0);
    expect(out.results.filter((r) => r.tags?.rule === 'kv-role-both')).toEqual([]);
    expect(out.results.filter((r) => r.tags?.rule === 'max-model-len-mismatch').map((r) => r.severity)).toEqual(['info']);
  });

  it('without the overrides the same pair warns', () => {
    const out = runText(input.replace(/\n  spec:\n    rules:[\s\S]*$/, '\n'));
    expect(out.exitCode).toBe(0);
    expect(out.results.filter((r) => r.tags?.rule === 'kv-role-both').map((r) => r.severity)).toEqual(['warning']);
    expect(out.results.filter((r) => r.tags?.rule === 'max-model-len-mismatch').map((r) => r.severity)).toEqual(['warning']);
  });

  it('raising a warning to error fails the render and leaves the items unchanged', () => {
    const out = runText(input.replace('max-model-len-mismatch: info', 'max-model-len-mismatch: error'));
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('error: Deployment/oss-decode spec.template.spec.containers[0].args[3]: --max-model-len differs');
    expect(engineOf(out.items, 'Deployment', 'oss-decode').env).toBeUndefined();
  });
});

describe('workload-level checks end to end', () => {
  const base = read('testdata/rules-override/input.yaml').replace(/\nfunctionConfig:[\s\S]*$/, '\n');
  const config = (spec: string) =>
    `functionConfig:\n  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: oss}\n  spec:\n${spec}`;

  it('refuses workloads in different namespaces, pointing at the prefill metadata.namespace', () => {
    const input = base.replace('    name: oss-decode\n', '    name: oss-decode\n    namespace: serving\n');
    const out = runText(input);
    expect(out.exitCode).toBe(1);
    expect(out.results.filter((r) => r.tags?.rule === 'namespace-mismatch')).toMatchObject([
      { severity: 'error', resourceRef: { name: 'oss-prefill' }, field: { path: 'metadata.namespace', proposedValue: 'serving' } },
    ]);
  });

  it('names the workload and field when a named workload has no engine container', () => {
    const input = base.replace(
      /(name: oss-prefill[\s\S]*?containers:\n        - name: vllm\n)[\s\S]*?(- apiVersion)/,
      '$1          image: busybox\n          args: ["sleep", "infinity"]\n$2',
    );
    const out = runText(input + config('    prefill: {name: oss-prefill}\n    decode: {name: oss-decode}\n'));
    expect(out.exitCode).toBe(1);
    expect(out.results).toMatchObject([
      { severity: 'error', resourceRef: { kind: 'Deployment', name: 'oss-prefill' }, field: { path: 'spec.template.spec.containers' }, message: expect.stringMatching(/does not launch vLLM or SGLang/) },
    ]);
  });
});

describe('the pair the rules see is the planned one', () => {
  // the llm-d guide's pods without what pd-disagg adds: no NIXL env, no /dev/shm, no routing sidecar
  const bare = (shape: PodShape): PodShape =>
    edit(shape, (s) => {
      delete s.engine.env;
      delete s.engine.volumeMounts;
      delete s.volumes;
      delete s.initContainers;
    });
  const C0 = 'spec.template.spec.containers[0]';

  it('holds the injected env, ports, /dev/shm and routing sidecar, and marks them as the plan’s', () => {
    const ctx = pair(bare(llmdPrefill()), bare(llmdDecode()));
    for (const side of [ctx.prefill, ctx.decode]) {
      const container = side.object.spec.template.spec.containers[0];
      expect(side.container).toBe(container);
      expect(container.env).toEqual([
        { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5600' },
      ]);
      // the engine is read again from the planned container: its env is what will run
      expect(side.engine.env.VLLM_NIXL_SIDE_CHANNEL_HOST?.path).toBe('env[0]');
      expect(container.ports).toEqual([{ name: 'nixl', containerPort: 5600, protocol: 'TCP' }]);
      expect(container.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
      expect(side.object.spec.template.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
      expect(side.object.spec.template.metadata.labels['llm-d.ai/role']).toBe(side.role);
      expect([...side.planned]).toEqual(
        expect.arrayContaining([`${C0}.env[0]`, `${C0}.env[1]`, `${C0}.ports[0]`, `${C0}.volumeMounts[0]`, 'spec.template.spec.volumes[0]']),
      );
    }
    // the sidecar the plan injects is in the planned decode pod, where the context says
    expect(ctx.sidecar).toMatchObject({ injected: true, containerPath: 'spec.template.spec.initContainers[0]' });
    expect(ctx.decode.object.spec.template.spec.initContainers[0]).toBe(ctx.sidecar!.container);
    expect(ctx.prefill.object.spec.template.spec.initContainers).toBeUndefined();
  });

  it('leaves the user’s own fields unmarked, and the rules judge those', () => {
    const ctx = pair(llmdPrefill(), llmdDecode());
    expect(ctx.prefill.planned.has(`${C0}.env[0]`)).toBe(false);
    // the guide sets the host from the pod IP; the plan adds only the port after it
    expect(ctx.prefill.planned.has(`${C0}.env[1]`)).toBe(true);
    const localhost = pair(setEnv(bare(llmdPrefill()), 'VLLM_NIXL_SIDE_CHANNEL_HOST', { value: 'localhost' }), bare(llmdDecode()));
    expect(findings('nixl-side-channel-host', localhost).map((f) => f.path)).toEqual([`${C0}.env[0].value`]);
    // a bare pod gets the host from the plan: nothing to find, and nothing pointing at a field the user did not write
    expect(findings('nixl-side-channel-host', pair(bare(llmdPrefill()), bare(llmdDecode())))).toEqual([]);
    // the side-channel port the plan writes is the default: a conflict points at the launch line, not at the planned env
    const clash = pair(edit(bare(llmdPrefill()), (s) => s.engine.args.push('--port=5600')), bare(llmdDecode()));
    const conflict = findings('nixl-side-channel-port-conflict', clash);
    expect(conflict).toHaveLength(1);
    expect(conflict[0]!.path).toBe(`${C0}.args`);
  });
});
