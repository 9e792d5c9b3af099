// The existing-sidecar rules and the EPP knob rule as the pipeline runs them: results with the rule id, the resource
// and the field, and the exit code they imply (issue 13, item 3).
import { describe, expect, it } from 'vitest';
import { resourceList, runText } from '../helpers.js';

const prefill = `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: m-prefill}
  spec:
    template:
      metadata: {labels: {llm-d.ai/role: prefill}}
      spec:
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.23.0
          command: [vllm, serve, m]
          args: [--block-size=64, --kv-transfer-config, '{"kv_connector":"NixlConnector","kv_role":"kv_producer"}']
`;
// the routing-proxy args of llm-d-modelservice v0.4.12 (templates/_helpers.tpl, examples/output-pd.yaml)
const decode = (sidecarImage: string) => `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: m-decode}
  spec:
    template:
      metadata: {labels: {llm-d.ai/role: decode}}
      spec:
        initContainers:
        - name: routing-proxy
          args: [--port=8000, --vllm-port=8200, --connector=nixlv2, --zap-encoder=json, --zap-log-level=debug, --secure-proxy=false]
          image: ${sidecarImage}
          restartPolicy: Always
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.23.0
          command: [vllm, serve, m]
          args: [--block-size=64, --port=8200, --kv-transfer-config, '{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}']
`;
const config = (extra: string) => `  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: m}\n  spec:\n${extra}`;

describe('an existing routing sidecar against the router version', () => {
  it('v0.10.0: --connector is an error (the sidecar exits), --vllm-port a warning, the v0.8-era image a warning naming both', () => {
    const input = resourceList(prefill + decode('ghcr.io/llm-d/llm-d-routing-sidecar:v0.7.1'), config('    epp: {version: v0.10.0}\n'));
    const out = runText(input);
    expect(out.exitCode).toBe(1);
    const by = (rule: string) => out.results.filter((r) => r.tags?.rule === rule);
    expect(by('sidecar-flag-unknown')).toEqual([
      expect.objectContaining({ severity: 'error', resourceRef: expect.objectContaining({ name: 'm-decode' }), field: expect.objectContaining({ path: 'spec.template.spec.initContainers[0].args[2]', currentValue: '--connector=nixlv2' }) }),
    ]);
    expect(by('sidecar-flag-deprecated').map((r) => [r.severity, r.field?.path])).toEqual([['warning', 'spec.template.spec.initContainers[0].args[1]']]);
    const image = by('sidecar-image-version');
    expect(image.map((r) => r.severity)).toEqual(['warning']);
    expect(image[0]!.message).toContain('ghcr.io/llm-d/llm-d-routing-sidecar:v0.7.1');
    expect(image[0]!.message).toContain('ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0');
    // the contract of bad input: items unchanged, the error on stderr with resource and field
    expect(out.stderr).toContain('pd-disagg: error: Deployment/m-decode spec.template.spec.initContainers[0].args[2]: routing sidecar routing-proxy: routing sidecar v0.10.0 no longer has --connector');
  });
  it('v0.9.0 accepts --connector as a deprecated alias: a warning with the new spelling, exit 0', () => {
    const out = runText(resourceList(prefill + decode('ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.9.0'), config('    epp: {version: v0.9.0}\n')));
    expect(out.exitCode).toBe(0);
    const dep = out.results.filter((r) => r.tags?.rule === 'sidecar-flag-deprecated');
    expect(dep.map((r) => r.message)).toEqual([expect.stringContaining('accepts --connector only as a deprecated alias; use --kv-connector')]);
    expect(out.results.some((r) => r.tags?.rule === 'sidecar-image-version')).toBe(false);
  });
});

describe('EPP knobs the version does not have', () => {
  it('promptTokens under v0.9.0: a warning on spec.epp.promptTokens, and the EPP config goes without it', () => {
    const out = runText(resourceList(prefill + decode('ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.9.0').replace('--connector', '--kv-connector'), config('    epp: {version: v0.9.0, promptTokens: 256}\n')));
    expect(out.exitCode).toBe(0);
    const knob = out.results.find((r) => r.tags?.rule === 'epp-knob-unsupported');
    expect(knob).toMatchObject({ severity: 'warning', resourceRef: { kind: 'PrefillDecode', name: 'm' }, field: { path: 'spec.epp.promptTokens', currentValue: 256 } });
    const cm = out.items.find((i) => i.kind === 'ConfigMap')!;
    expect(cm.data['epp-config.yaml']).not.toContain('promptTokens');
  });
  it('promptTokens under v0.10.0: no warning, the decider gets it', () => {
    const out = runText(resourceList(prefill + decode('ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0').replace('--connector', '--kv-connector').replace('--vllm-port', '--model-server-port'), config('    epp: {promptTokens: 256}\n')));
    expect(out.exitCode).toBe(0);
    expect(out.results.some((r) => r.tags?.rule === 'epp-knob-unsupported')).toBe(false);
    expect(out.items.find((i) => i.kind === 'ConfigMap')!.data['epp-config.yaml']).toContain('promptTokens: 256');
  });
});

describe('SGLang behind llm-d (issue 13, item 6) and the pool selector (item 7)', () => {
  const sglang = (name: string, role: string, extra: string) => `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}}
  spec:
    template:
      metadata: {labels: {llm-d.ai/role: ${role}, app: shared}}
      spec:
        containers:
        - name: sglang
          image: lmsysorg/sglang:v0.5.6
          command: [python3, -m, sglang.launch_server, --model-path, m, --host, 0.0.0.0, --page-size, "64", --disaggregation-mode, ${role}, --disaggregation-transfer-backend, nixl${extra}]
`;
  const items = sglang('s-prefill', 'prefill', ', --port, "8000", --disaggregation-bootstrap-port, "9000"') + sglang('s-decode', 'decode', ', --port, "8200"');
  it.each([
    ['v0.8.0', 'inference.networking.k8s.io/engine-type'],
    ['v0.9.0', 'llm-d.ai/engine-type'],
    ['v0.10.0', 'llm-d.ai/engine-type'],
  ])('%s: both templates get %s=sglang, the injected sidecar SGLANG_BOOTSTRAP_PORT=9000, the pool selects pd-disagg.dev/pool', (version, label) => {
    const out = runText(resourceList(items, config(`    epp: {version: ${version}}\n`)));
    expect(out.exitCode).toBe(0);
    for (const name of ['s-prefill', 's-decode']) {
      const labels = out.items.find((i) => i.metadata.name === name)!.spec.template.metadata.labels;
      expect(labels[label]).toBe('sglang');
      expect(labels['pd-disagg.dev/pool']).toBe('m');
    }
    const decode = out.items.find((i) => i.metadata.name === 's-decode')!;
    expect(decode.spec.template.spec.initContainers[0].env).toEqual([{ name: 'SGLANG_BOOTSTRAP_PORT', value: '9000' }]);
    // not the label the two templates happen to share (app: shared)
    expect(out.items.find((i) => i.kind === 'InferencePool')!.spec.selector.matchLabels).toEqual({ 'pd-disagg.dev/pool': 'm' });
  });
});
