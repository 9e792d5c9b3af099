// --explain: what the render did, for people, built from the pipeline's own decisions (src/explain).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { resourceListFromDir } from '../scripts/resource-list.mjs';
import { run } from '../src/run.js';
import { runStream } from '../src/stream/stream.js';

const qwen: string = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });
const HELM = 'examples/pd-disagg-helm-post-renderer';

describe('pd-disagg --explain (function mode)', () => {
  // rendered before each test, not while the tests are collected: a render outside a test escapes `npm run mutate`
  let out: ReturnType<typeof run>;
  beforeEach(() => {
    out = run(qwen, { explain: 'text' });
  });

  it('prints the explanation instead of the ResourceList, with the exit status of the render', () => {
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).not.toContain('kind: ResourceList');
    expect(out.stdout).toMatch(/^pd-disagg render, llm-d router v0\.10\.0, namespace llm, config: PrefillDecode qwen\n/);
  });

  it('walks the request path with the real names, ports, block size and decider threshold', () => {
    const path = out.stdout.slice(out.stdout.indexOf('Request path'), out.stdout.indexOf('Changes to your workloads'));
    const steps = path.split('\n').filter((l) => /^ {2}\d\. /.test(l));
    expect(steps).toEqual([
      '  1. Gateway: none named, so no HTTPRoute is generated',
      '  2. InferencePool qwen',
      '  3. EPP Deployment qwen-epp, Service qwen-epp:9002',
      '  4. routing sidecar routing-proxy in Deployment llm/qwen-decode (injected, native sidecar)',
      '  5. prefill Deployment llm/qwen-prefill: vLLM on port 8000, 1 replica, block size 128',
      '  6. KV cache over NIXL, prefill → decode',
      '  7. decode Deployment llm/qwen-decode: vLLM on port 8001, 1 replica, block size 128',
    ]);
    expect(path).toContain('decider: prefix-based-pd-decider (nonCachedTokens=16)');
    expect(path).toContain('at least 16 of its prompt tokens are not already cached');
    expect(path).toContain("prefix cache in blocks of 128 tokens (the decode engine's --block-size)");
    expect(path).toContain('listens on 8000; sends the prefill hop to the prefill pod the EPP picked, then forwards to the decode engine on 8001');
    expect(path).toContain('kv_role kv_producer → kv_consumer');
    expect(path).toContain('NIXL side channel on port 5600 (prefill) and 5600 (decode)');
    expect(path).toContain('selects pods with pd-disagg.dev/pool=qwen (both engines) and sends them traffic on port 8000');
  });

  it('says what was injected where, and why', () => {
    const changes = out.stdout.slice(out.stdout.indexOf('Changes to your workloads'), out.stdout.indexOf('Generated resources'));
    const decode = changes.slice(changes.indexOf('Deployment/llm/qwen-decode:'));
    expect(changes).toContain('  Deployment/llm/qwen-prefill:\n    + set label llm-d.ai/role=prefill: ');
    expect(decode).toMatch(/\+ added env VLLM_NIXL_SIDE_CHANNEL_HOST: .*advertises localhost/);
    expect(decode).toMatch(/\+ added routing sidecar routing-proxy \(v0\.10\.0\): .*decode engine on port 8001/);
    expect(decode).toMatch(/\+ added volume dshm \(Memory\): .*64Mi default/);
    const generated = out.stdout.slice(out.stdout.indexOf('Generated resources'), out.stdout.indexOf('Removed'));
    expect(generated).toContain('  added ConfigMap/llm/qwen-epp-config: the EPP config (key epp-config.yaml), written for router v0.10.0');
    expect(generated.match(/^ {2}added /gm)).toHaveLength(9);
    expect(generated).toMatch(/^ {2}added ClusterRoleBinding\/pd-disagg:llm:qwen-epp: /m);
    expect(out.stdout).toContain('Removed\n  nothing');
    expect(out.stdout).toContain('Findings (none)');
  });

  it('on a re-render of its own output: nothing injected, everything generated unchanged', () => {
    const once = run(qwen);
    const again = run(once.stdout, { explain: 'text' });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Changes to your workloads\n  none (everything pd-disagg adds is already there)');
    expect(again.stdout.match(/^ {2}unchanged /gm)).toHaveLength(9);
  });

  it('offers the path as a Mermaid flowchart, the one the README shows', () => {
    const mermaid = run(qwen, { explain: 'mermaid' });
    expect(mermaid.exitCode).toBe(0);
    expect(mermaid.stdout).toMatch(/^```mermaid\nflowchart LR\n/);
    for (const edge of ['client --> gateway', 'gateway --> pool', 'pool -.->|"which pods?"| epp', 'pool -->|"decode pod"| sidecar',
      'sidecar -->|"1. prefill hop"| prefill', 'prefill ==>|"KV over NIXL, side channel :5600"| decode', 'sidecar -->|"2. decode"| decode']) {
      expect(mermaid.stdout).toContain(`  ${edge}\n`);
    }
    expect(mermaid.stdout).toContain('epp{{"EPP qwen-epp<br/>prefix-based-pd-decider nonCachedTokens=16<br/>block 128 tokens"}}');
    expect(out.stdout).toContain(mermaid.stdout);
    const readme = readFileSync('README.md', 'utf8');
    const block = readme.slice(readme.indexOf('<!-- explain-example -->\n') + '<!-- explain-example -->\n'.length, readme.indexOf('<!-- /explain-example -->'));
    expect(block).toBe(mermaid.stdout);
  });

  it('lists every finding with its rule id and says nothing was changed when the render is refused', () => {
    const swapped = qwen
      .replace(/(prefill:\n\s+name: )qwen-prefill/g, '$1SWAP')
      .replace(/(decode:\n\s+name: )qwen-decode/g, '$1qwen-prefill')
      .replace(/SWAP/g, 'qwen-decode');
    const r = run(swapped, { explain: 'text' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^pd-disagg refused this render/);
    expect(r.stdout).toContain('Changes it would make once the errors are fixed (nothing was changed)');
    expect(r.stdout).toContain('Findings (1 error)\n  error: PrefillDecode/qwen spec.prefill: prefill and decode are swapped in the config');
    expect(r.stdout).toContain('Exit status 1: the items are written back unchanged.');
  });
});

describe('pd-disagg --explain (stream mode and the binary)', () => {
  const stream = readFileSync(`${HELM}/helm-template.yaml`, 'utf8');
  const config = readFileSync(`${HELM}/pd-disagg.yaml`, 'utf8');

  it('explains a plain stream with --config, Gateway and HTTPRoute included', () => {
    const r = runStream(stream, config, 'pd-disagg.yaml', { explain: 'text' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('  1. Gateway inference-gateway → HTTPRoute qwen\n     every path (/) goes to InferencePool qwen, request timeout 300s\n');
    expect(r.stdout).not.toContain('pd-disagg-stream-index');
  });

  it('takes --explain and --explain=mermaid on the command line; PD_DISAGG_EXPLAIN=1 renders and explains on stderr', () => {
    const bin = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ['dist/pd-disagg.js', ...args], { input: stream, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    const text = bin(['--explain', '--config', `${HELM}/pd-disagg.yaml`]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^pd-disagg render, llm-d router/);
    const mermaid = bin(['--config', `${HELM}/pd-disagg.yaml`, '--explain=mermaid']);
    expect(mermaid.stdout).toMatch(/^```mermaid\nflowchart LR\n/);
    const both = bin(['--config', `${HELM}/pd-disagg.yaml`], { PD_DISAGG_EXPLAIN: '1' });
    expect(both.status).toBe(0);
    expect(both.stdout).toContain('kind: InferencePool');
    expect(both.stderr).toMatch(/^pd-disagg render, llm-d router v0\.10\.0/);
    const bad = bin(['--explain=json']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('pd-disagg: error: --explain=json: --explain takes no value, or =mermaid for the flowchart only; see pd-disagg --help\n');
  });
});
