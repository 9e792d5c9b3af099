// The decode routing sidecar follows the decode engine's KV connector, per router version (issue #16/#19 item 1:
// the rules judge the planned result). The base is testdata/error-mooncake-router-v0-8/input.yaml (a vLLM
// MooncakeConnector pair of ours after vLLM's MooncakeConnector usage guide; its header says so), rendered at each
// router version; the SGLang cases are the SGLang pair of test/rules/sidecar-wiring.test.ts with either transfer backend.
import { describe, expect, it } from 'vitest';
import { item, read, resourceList, runText } from '../helpers.js';
import type { KObject, Result } from '../../src/types.js';
import { run } from '../../src/run.js';

const PAIR = read('testdata/error-mooncake-router-v0-8/input.yaml');

function at(version: string, text = PAIR): string {
  const from = '      version: v0.8.0\n';
  expect(text.split(from).length - 1).toBe(1);
  return text.replace(from, `      version: ${version}\n`);
}

function edit(text: string, from: string, to: string): string {
  expect(text.split(from).length - 1, `exactly one "${from}" in the input`).toBe(1);
  return text.replace(from, to);
}

const sidecarOf = (items: KObject[]): KObject => item(items, 'Deployment', 'qwen-decode').spec.template.spec.initContainers[0];
const notInfo = (results: Result[]) => results.filter((r) => r.severity !== 'info');

describe('a vLLM MooncakeConnector pair', () => {
  it.each([
    ['v0.9.0', 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.9.0', '--vllm-port=8200'],
    ['v0.10.0', 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0', '--model-server-port=8200'],
  ])("%s: the injected sidecar speaks mooncake and dials the prefill's bootstrap port; nothing fails; a re-render changes nothing", (version, image, enginePort) => {
    const out = runText(at(version));
    expect(notInfo(out.results)).toEqual([]);
    expect(out.exitCode).toBe(0);
    const sidecar = sidecarOf(out.items);
    expect(sidecar.image).toBe(image);
    expect(sidecar.args).toEqual(['--port=8000', enginePort, '--kv-connector=mooncake', '--mooncake-bootstrap-port=9100', '--secure-proxy=false']);
    expect(sidecar.env).toBeUndefined();
    // no NIXL plumbing for Mooncake engines (no side channel env or port), but the Memory /dev/shm every engine gets
    for (const name of ['qwen-prefill', 'qwen-decode']) {
      const pod = item(out.items, 'Deployment', name).spec.template.spec;
      const engine = pod.containers[0];
      expect((engine.env ?? []).map((e: KObject) => e.name).filter((n: string) => n.startsWith('VLLM_NIXL_'))).toEqual([]);
      expect(engine.ports).toBeUndefined();
      expect(engine.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
      expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    }
    const again = runText(out.stdout);
    expect(again.exitCode).toBe(0);
    expect(again.items).toEqual(out.items);
  });

  it('--explain names the transport Mooncake, not NIXL', () => {
    const out = run(at('v0.10.0'), { explain: 'text' });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('  6. KV cache over Mooncake, prefill → decode\n');
    expect(out.stdout).not.toMatch(/KV cache over NIXL|NIXL side channel on port/);
  });

  it('v0.10.0: a prefill on the default bootstrap port (8998) gives the sidecar no bootstrap flag (its default is 8998)', () => {
    const text = edit(at('v0.10.0'), `          env:\n          - name: VLLM_MOONCAKE_BOOTSTRAP_PORT\n            value: "9100"\n`, '');
    const out = runText(text);
    expect(out.exitCode).toBe(0);
    expect(sidecarOf(out.items).args).toEqual(['--port=8000', '--model-server-port=8200', '--kv-connector=mooncake', '--secure-proxy=false']);
  });

  it('v0.8.0: refused with the rule id, resource, field and fix; the items come back unchanged, no sidecar written', () => {
    const out = runText(PAIR);
    expect(out.exitCode).toBe(1);
    const errors = out.results.filter((r) => r.severity === 'error');
    expect(errors.map((r) => r.tags?.rule)).toEqual(['sidecar-kv-connector-missing']);
    expect(errors[0]!.resourceRef).toMatchObject({ kind: 'Deployment', name: 'qwen-decode' });
    expect(errors[0]!.field?.path).toBe('spec.template.spec.containers[0].args[2]');
    expect(errors[0]!.message).toMatch(/Set spec\.epp\.version to v0\.9\.0 or later/);
    expect(item(out.items, 'Deployment', 'qwen-decode').spec.template.spec.initContainers).toBeUndefined();
  });

  it("v0.10.0: the user's own nixlv2 sidecar in front of MooncakeConnector engines is refused (sidecar-kv-connector)", () => {
    const text = edit(
      at('v0.10.0'),
      '        containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.19.1\n          command: [vllm, serve, Qwen/Qwen2.5-7B-Instruct]\n          args:\n          - --port=8200\n',
      '        initContainers:\n        - name: routing-proxy\n          image: ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0\n          restartPolicy: Always\n          args: [--port=8000, --model-server-port=8200, --kv-connector=nixlv2, --mooncake-bootstrap-port=9100, --secure-proxy=false]\n' +
        '        containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.19.1\n          command: [vllm, serve, Qwen/Qwen2.5-7B-Instruct]\n          args:\n          - --port=8200\n',
    );
    const out = runText(text);
    expect(out.exitCode).toBe(1);
    const errors = out.results.filter((r) => r.severity === 'error');
    expect(errors.map((r) => r.tags?.rule)).toEqual(['sidecar-kv-connector']);
    expect(errors[0]!.field?.path).toBe('spec.template.spec.initContainers[0].args[2]');
    expect(errors[0]!.field?.proposedValue).toBe('--kv-connector=mooncake');
  });
});

describe('an SGLang pair with either transfer backend', () => {
  const sglang = (name: string, role: string, backend: string, extra = '') => `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}}
  spec:
    template:
      metadata: {labels: {llm-d.ai/role: ${role}}}
      spec:
        containers:
        - name: sglang
          image: lmsysorg/sglang:v0.5.6
          command: [python3, -m, sglang.launch_server, --model-path, m, --host, 0.0.0.0, --page-size, "64", --disaggregation-mode, ${role}${backend}${extra}]
`;
  const config = (version: string) => `  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: s}\n  spec:\n    epp: {version: ${version}}\n`;
  // SGLang runs the same bootstrap server for mooncake and nixl (sglang disaggregation/{mooncake,nixl}/conn.py), which
  // the sidecar's sglang connector dials on SGLANG_BOOTSTRAP_PORT (connector_sglang.go at every tag)
  it.each(['v0.8.0', 'v0.9.0', 'v0.10.0'].flatMap((v) => [', --disaggregation-transfer-backend, mooncake', ', --disaggregation-transfer-backend, nixl', ''].map((b) => [v, b] as const)))(
    '%s, backend%s: --kv-connector=sglang and SGLANG_BOOTSTRAP_PORT=9000',
    (version, backend) => {
      const items = sglang('s-prefill', 'prefill', backend, ', --port, "8000", --disaggregation-bootstrap-port, "9000"') + sglang('s-decode', 'decode', backend, ', --port, "8200"');
      const out = runText(resourceList(items, config(version)));
      expect(out.exitCode).toBe(0);
      const sidecar = item(out.items, 'Deployment', 's-decode').spec.template.spec.initContainers[0];
      expect(sidecar.args).toContain('--kv-connector=sglang');
      expect(sidecar.args.some((a: string) => a.startsWith('--mooncake-bootstrap-port'))).toBe(false);
      expect(sidecar.env).toEqual([{ name: 'SGLANG_BOOTSTRAP_PORT', value: '9000' }]);
    },
  );
});
