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

// Which launch value each pair rule needs: with that value only known when the pod runs (here `$(cat /etc/v)` in the
// decode engine's sh -c script, or prefill's for the SGLang bootstrap port) each rule that reads it says it could not
// check, as a warning, and none reports the value as wrong. E/P/D rules do not run on a pair, so they say nothing.
describe('the value each pair rule needs', () => {
  const RUN = '$(cat /etc/v)';
  const dep = (name: string, role: string, image: string, script: string, env = '[]') =>
    `- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: ${name}}\n  spec:\n    template:\n      metadata: {labels: {llm-d.ai/role: ${role}}}\n` +
    `      spec:\n        containers:\n        - name: engine\n          image: ${image}\n          command: [sh, -c, ${JSON.stringify(script)}]\n          env: ${env}\n`;
  const list = (image: string, prefill: string, decode: string, decodeEnv = '[]') =>
    `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${dep('m-prefill', 'prefill', image, prefill)}${dep('m-decode', 'decode', image, decode, decodeEnv)}`;
  const kv = (role: string) => `'{"kv_connector":"NixlConnector","kv_role":"${role}"}'`;
  const VLLM_P = `vllm serve m --block-size 64 --kv-transfer-config ${kv('kv_producer')}`;
  const VLLM_D = `vllm serve m --block-size 64 --port 8200 --kv-transfer-config ${kv('kv_consumer')}`;
  const vllm = (decode: string, decodeEnv?: string) => list('vllm/vllm-openai:v0.23.0', VLLM_P, decode, decodeEnv);
  const sgl = (role: string) => `python3 -m sglang.launch_server --model-path m --host 0.0.0.0 --port ${role === 'decode' ? 8200 : 8000} --disaggregation-mode ${role} --disaggregation-transfer-backend nixl`;
  const sglang = (prefill: string, decode: string) => list('lmsysorg/sglang:v0.5.16', prefill, decode);
  const P_ENV = '[{name: VLLM_NIXL_SIDE_CHANNEL_PORT, value: "$(P)"}, {name: P, valueFrom: {configMapKeyRef: {name: c, key: p}}}]';

  it.each([
    ['vLLM pair, every value literal', vllm(VLLM_D), []],
    ['--tensor-parallel-size', vllm(`${VLLM_D} --tensor-parallel-size ${RUN}`), ['block-size-ratio', 'tp-prefill-greater', 'tp-ratio']],
    ['--pipeline-parallel-size', vllm(`${VLLM_D} --pipeline-parallel-size ${RUN}`), ['pipeline-parallel']],
    ['--port', vllm(VLLM_D.replace('--port 8200', `--port ${RUN}`)), ['decode-port-is-sidecar-port', 'nixl-side-channel-port-conflict', 'prefill-port-not-pool-port', 'sidecar-target-port'], ['sidecar-engine-port-unknown']],
    ['--block-size', vllm(VLLM_D.replace('--block-size 64', `--block-size ${RUN}`)), ['block-size-implicit', 'block-size-mismatch', 'block-size-ratio']],
    ['--max-model-len', vllm(`${VLLM_D} --max-model-len ${RUN}`), ['max-model-len-mismatch']],
    ['--dtype', vllm(`${VLLM_D} --dtype ${RUN}`), ['dtype-mismatch']],
    ['--kv-cache-dtype', vllm(`${VLLM_D} --kv-cache-dtype ${RUN}`), ['kv-cache-dtype-mismatch']],
    ['--attention-backend', vllm(`${VLLM_D} --attention-backend ${RUN}`), ['attention-backend-mismatch']],
    ['--served-model-name', vllm(`${VLLM_D} --served-model-name ${RUN}`), ['served-model-name-disjoint']],
    ['the model', vllm(VLLM_D.replace('serve m', `serve "${RUN}"`)), ['model-mismatch', 'served-model-name-disjoint']],
    [
      '--kv-transfer-config',
      vllm(VLLM_D.replace(kv('kv_consumer'), `"${RUN}"`)),
      ['kv-connector-mismatch', 'kv-role-both', 'kv-role-inverted', 'kv-role-missing', 'kv-role-required', 'kv-transfer-config-missing', 'mooncake-bootstrap-port-sidecar', 'mooncake-bootstrap-server-address', 'sidecar-kv-connector', 'sidecar-kv-connector-missing'],
    ],
    ['VLLM_NIXL_SIDE_CHANNEL_PORT', vllm(VLLM_D, P_ENV), ['nixl-side-channel-port', 'nixl-side-channel-port-conflict']],
    ['SGLang pair, every value literal', sglang(sgl('prefill'), sgl('decode')), []],
    ['--disaggregation-transfer-backend', sglang(sgl('prefill'), sgl('decode').replace('backend nixl', `backend ${RUN}`)), ['sglang-ib-device-with-nixl', 'sglang-transfer-backend-mismatch']],
    ['--disaggregation-mode', sglang(sgl('prefill'), sgl('decode').replace('mode decode', `mode ${RUN}`)), ['sglang-disaggregation-mode']],
    ['--disaggregation-ib-device', sglang(sgl('prefill'), `${sgl('decode')} --disaggregation-ib-device ${RUN}`), ['sglang-ib-device-with-nixl']],
    ['--disaggregation-bootstrap-port (prefill)', sglang(`${sgl('prefill')} --disaggregation-bootstrap-port ${RUN}`, sgl('decode')), ['sglang-bootstrap-port-sidecar']],
    ['--host', sglang(sgl('prefill'), sgl('decode').replace('--host 0.0.0.0', `--host ${RUN}`)), ['sglang-host-loopback']],
  ] as Array<[string, string, string[], string[]?]>)('%s', (_what, input, skipped, errors = []) => {
    const out = runText(input);
    const notChecked = out.results.filter((r) => r.message.startsWith('could not check'));
    expect(notChecked.map((r) => r.tags?.rule).sort()).toEqual(skipped);
    for (const r of notChecked) expect(r.severity).toBe('warning');
    expect(out.results.filter((r) => r.severity === 'error').map((r) => r.tags?.rule)).toEqual(errors);
  });

  it('a --served-model-name only the pod knows is a run-time value of the engine, not a name', () => {
    const m = parseEngine(container(`vllm serve m --served-model-name ${RUN} alias`, []))!;
    expect(m.servedModelNames).toBeUndefined();
    expect(m.unknown?.servedModelNames).toEqual({ what: '--served-model-name', path: 'args[0]' });
    expect(parseEngine(container('vllm serve m --served-model-name a b', []))!.servedModelNames).toEqual({ value: ['a', 'b'], path: 'args[0]', raw: 'a b' });
  });
});
