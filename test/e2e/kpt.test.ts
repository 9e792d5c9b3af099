// Exec mode under the real kpt: `kpt fn render --allow-exec` on the bundled example package (twice: the second
// render must change nothing), `kpt fn eval --exec` with `-- key=value`, and a failing package left untouched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { gitCommit, gitDiff, gitPackage, scratch, sh, toolbox } from './harness.js';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const docs = (path: string) => parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS());

describe('kpt fn render --allow-exec', () => {
  it('wires the example package, keeps comments, and a second render changes nothing', () => {
    const pkg = gitPackage('examples/qwen-pd');
    const results = scratch('results');
    const first = sh('kpt', ['fn', 'render', pkg, '--allow-exec', '--results-dir', results], { env: tools.env });
    expect(first.stderr).toContain('[PASS]');
    expect(first.code).toBe(0);

    const diff = gitDiff(pkg);
    expect(diff).toContain('+++ b/qwen-pd-disagg.yaml');
    // the engines were wired in place, comments kept
    const decodeText = readFileSync(join(pkg, 'decode.yaml'), 'utf8');
    expect(decodeText).toContain('# Decode engine: the routing sidecar takes the public port 8000');
    const [decode] = docs(join(pkg, 'decode.yaml'));
    const podSpec = decode.spec.template.spec;
    expect(decode.spec.template.metadata.labels['llm-d.ai/role']).toBe('decode');
    expect(podSpec.initContainers.map((c: { name: string }) => c.name)).toEqual(['routing-proxy']);
    expect(podSpec.containers[0].env).toContainEqual({ name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(readFileSync(join(pkg, 'prefill.yaml'), 'utf8')).toContain('# ships NIXL');
    // kpt plumbing untouched
    expect(diff).not.toContain('Kptfile');
    expect(diff).not.toContain('a/pd-disagg.yaml');
    const generated = docs(join(pkg, 'qwen-pd-disagg.yaml'));
    expect(generated.map((o) => o.kind)).toContain('ConfigMap');
    expect(generated.find((o) => o.kind === 'ConfigMap').data['epp-config.yaml']).toContain('blockSizeTokens: 128');
    expect(readFileSync(join(results, 'results.yaml'), 'utf8')).toContain('exitCode: 0');

    gitCommit(pkg, 'rendered');
    const second = sh('kpt', ['fn', 'render', pkg, '--allow-exec'], { env: tools.env });
    expect(second.code).toBe(0);
    expect(gitDiff(pkg)).toBe('');
  });

  it('fails, prints the error and leaves the files alone when the pair is inconsistent', () => {
    const pkg = gitPackage('examples/qwen-pd');
    const decode = join(pkg, 'decode.yaml');
    writeFileSync(decode, readFileSync(decode, 'utf8').replace('"kv_role":"kv_consumer"', '"kv_role":"kv_producer"'));
    gitCommit(pkg, 'break it');
    const r = sh('kpt', ['fn', 'render', pkg, '--allow-exec'], { env: tools.env });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('kv_role kv_producer');
    expect(gitDiff(pkg)).toBe('');
  });
});

describe('kpt fn eval --exec', () => {
  it('takes the ConfigMap config from -- key=value', () => {
    const pkg = gitPackage('examples/qwen-pd');
    const r = sh(
      'kpt',
      ['fn', 'eval', pkg, '--exec', 'pd-disagg', '--', 'prefill=qwen-prefill', 'decode=qwen-decode', 'eppVersion=v0.9.0', 'decider=always', 'name=qwen'],
      { env: tools.env },
    );
    expect(r.stderr).toContain('[PASS]');
    expect(r.code).toBe(0);
    const configMap = docs(join(pkg, 'qwen-pd-disagg.yaml')).find((o) => o.kind === 'ConfigMap');
    expect(configMap.data['epp-config.yaml']).toContain('apiVersion: llm-d.ai/v1alpha1');
    expect(configMap.data['epp-config.yaml']).toContain('always-disagg-pd-decider');
  });
});
