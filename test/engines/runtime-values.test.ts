// Launch scripts read as the shell would as far as the manifest tells: arithmetic on known values is computed, an empty
// unquoted expansion disappears, and what only the running pod knows is unknown: never reported as wrong; the rules
// that need such a value say they could not check. The scripts are those of the llm-d wide-ep-lws guide
// (testdata/wide-ep-lws cites the files).
import { describe, expect, it } from 'vitest';
import { parseEngine } from '../../src/engines/index.js';
import { runText } from '../helpers.js';

const WIDE_EP_SCRIPT = `find /dev/shm -type f -delete
START_RANK=$(( \${LWS_WORKER_INDEX:-0} * DP_SIZE_LOCAL ))
exec vllm serve \\
  deepseek-ai/DeepSeek-R1-0528 \\
  --port 8200 \\
  --tensor-parallel-size $TP_SIZE \\
  --data-parallel-size $((LWS_GROUP_SIZE * DP_SIZE_LOCAL)) \\
  --data-parallel-size-local $DP_SIZE_LOCAL \\
  --data-parallel-address \${LWS_LEADER_ADDRESS} \\
  --data-parallel-start-rank $START_RANK \\
  --kv_transfer_config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}' \\
  $EXTRA_ARGS \\
  --kv-cache-memory-bytes=\${KV_CACHE_MEMORY_BYTES-}`;

const container = (script: string, env: Array<{ name: string; value?: string }>) => ({
  name: 'vllm',
  image: 'ghcr.io/llm-d/llm-d-cuda:v0.4.0',
  command: ['/bin/bash', '-c'],
  args: [script],
  env,
});
const LWS = { LWS_GROUP_SIZE: '2', LWS_LEADER_ADDRESS: null, LWS_WORKER_INDEX: null };

describe('launch scripts with run-time values', () => {
  it('computes $((LWS_GROUP_SIZE * DP_SIZE_LOCAL)) from the LWS size and the env, drops an empty $EXTRA_ARGS', () => {
    const m = parseEngine(container(WIDE_EP_SCRIPT, [{ name: 'DP_SIZE_LOCAL', value: '8' }, { name: 'TP_SIZE', value: '1' }, { name: 'EXTRA_ARGS', value: '' }]), LWS)!;
    expect(m.issues).toEqual([]);
    expect(m.dataParallel.value).toBe(16);
    expect(m.dataParallelLocal?.value).toBe(8);
    expect(m.tensorParallel.value).toBe(1);
    expect(m.port.value).toBe(8200);
    expect(m.unknown).toBeUndefined();
    expect(m.flags.get('--kv-cache-memory-bytes')?.value).toBe('');
  });
  it('a value only the pod knows is unknown, not wrong', () => {
    // without the LWS context LWS_GROUP_SIZE is not known here; DP_SIZE_LOCAL comes from the downward API
    const m = parseEngine(container(WIDE_EP_SCRIPT.replace('--port 8200', '--port $(cat /etc/port)'), [{ name: 'TP_SIZE', value: '1' }]))!;
    expect(m.issues).toEqual([]);
    expect(Object.keys(m.unknown ?? {}).sort()).toEqual(['dataParallel', 'dataParallelLocal', 'port']);
    expect(m.unknown?.port).toEqual({ what: '--port', path: 'args[0]' });
  });
  it('a literal that is wrong is still an error', () => {
    const m = parseEngine(container(WIDE_EP_SCRIPT.replace('$((LWS_GROUP_SIZE * DP_SIZE_LOCAL))', '$((DP_SIZE_LOCAL - 8))'), [{ name: 'DP_SIZE_LOCAL', value: '8' }, { name: 'TP_SIZE', value: '1' }]), LWS)!;
    expect(m.issues.map((i) => i.message)).toEqual([expect.stringContaining('--data-parallel-size "0" must be at least 1')]);
  });
});

const pair = (decodePort: string) => `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: m-prefill}
  spec:
    template:
      metadata: {labels: {llm-d.ai/role: prefill}}
      spec:
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.23.0
          command: [sh, -c, 'vllm serve m --block-size 64 --tensor-parallel-size $((TP * 2)) --kv-transfer-config ''{"kv_connector":"NixlConnector","kv_role":"kv_producer"}''']
          env: [{name: TP, valueFrom: {configMapKeyRef: {name: c, key: tp}}}]
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: m-decode}
  spec:
    template:
      metadata: {labels: {llm-d.ai/role: decode}}
      spec:
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.23.0
          command: [sh, -c, 'vllm serve m --block-size 64 --port ${decodePort} --kv-transfer-config ''{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}''']
`;

describe('rules that need a run-time value', () => {
  it('say they could not check, as warnings naming the rule, the value and where it is', () => {
    const out = runText(pair('8200'));
    expect(out.exitCode).toBe(0);
    const skipped = out.results.filter((r) => r.message.startsWith('could not check'));
    expect(skipped.map((r) => r.tags?.rule).sort()).toEqual(['block-size-ratio', 'tp-prefill-greater', 'tp-ratio']);
    for (const r of skipped) {
      expect(r.severity).toBe('warning');
      expect(r.message).toContain("the prefill engine's --tensor-parallel-size is only known when the pod runs");
      expect(r.field?.path).toBe('spec.template.spec.containers[0].command[2]');
    }
    expect(skipped.find((r) => r.tags?.rule === 'tp-ratio')?.message).toBe(
      'could not check tp-ratio (prefill and decode tensor parallelism without an integer ratio): the prefill engine\'s --tensor-parallel-size is only known ' +
        'when the pod runs. Write it as a literal value (or an env value of the container) to have it checked [rule tp-ratio]',
    );
    expect(skipped.find((r) => r.tags?.rule === 'tp-ratio')?.resourceRef?.name).toBe('m-prefill');
  });
  it('an injected sidecar cannot be wired to a port only the pod knows: error with the fix, items unchanged', () => {
    const input = pair('$(cat /etc/port)');
    const out = runText(input);
    expect(out.exitCode).toBe(1);
    const err = out.results.find((r) => r.tags?.rule === 'sidecar-engine-port-unknown');
    expect(err?.severity).toBe('error');
    expect(err?.message).toContain('write --port as a literal number');
    expect(err?.resourceRef?.name).toBe('m-decode');
    // port rules that need the value do not claim it is wrong
    expect(out.results.filter((r) => r.severity === 'error').map((r) => r.tags?.rule)).toEqual(['sidecar-engine-port-unknown']);
  });
});
