// Rule dp-port-range (src/validate/rules/port-range.ts): a port vLLM offsets by the local data-parallel rank must leave
// the last rank's port at or below 65535. Through the whole pipeline, at the boundary: the largest first port that
// fits is 65535 - ranks + 1; one more fails, with the whole finding (field, current value, the largest port that fits).
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/types.js';
import { lastBase } from '../../src/validate/rules/port-range.js';
import { item, resourceList, runText } from '../helpers.js';

const RULE = 'dp-port-range';
const NIXL = (role: string) => `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role}"}`;

function workload(name: string, role: string, args: string[], env: object[]): string {
  const container = { name: 'engine', image: 'vllm/vllm-openai:v0.19.1', args, ...(env.length ? { env } : {}) };
  const labels = { app: 'm', 'llm-d.ai/role': role };
  const obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: { app: 'm', w: name } }, template: { metadata: { labels }, spec: { containers: [container] } } } };
  return `- ${JSON.stringify(obj)}\n`;
}

interface Side {
  args?: string[];
  env?: object[];
  connector?: (role: string) => string;
}
function render(p: Side, d: Side = {}) {
  const kv = (s: Side, role: string) => (s.connector ?? NIXL)(role);
  return runText(
    resourceList(
      workload('m-prefill', 'prefill', ['m', kv(p, 'kv_producer'), ...(p.args ?? [])], p.env ?? []) +
        workload('m-decode', 'decode', ['m', '--port=8200', kv(d, 'kv_consumer'), ...(d.args ?? [])], d.env ?? []),
    ),
  );
}
const findings = (out: ReturnType<typeof runText>): Result[] => out.results.filter((r) => r.tags?.rule === RULE);
const sideChannel = (port: number) => [{ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: String(port) }];
const dp = (n: number) => [`--data-parallel-size-local=${n}`];
const multiPort = (n: number) => [...dp(n), '--data-parallel-multi-port-external-lb'];
const ref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });

describe('lastBase: the largest first port of n consecutive ports that fit', () => {
  it('is 65535 - n + 1', () => {
    expect([1, 2, 3, 8].map(lastBase)).toEqual([65535, 65534, 65533, 65528]);
  });
});

describe('dp-port-range: VLLM_NIXL_SIDE_CHANNEL_PORT + local DP rank', () => {
  it('two ranks: 65534 fits (both side-channel ports declared, exit 0); 65535 is an error naming the env value and 65534', () => {
    const fits = render({ args: dp(2), env: sideChannel(65534) });
    expect(fits.exitCode, fits.stderr).toBe(0);
    expect(findings(fits)).toEqual([]);
    expect(item(fits.items, 'Deployment', 'm-prefill').spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([65534, 65535]);

    const over = render({ args: dp(2), env: sideChannel(65535) });
    expect(over.exitCode).toBe(1);
    expect(findings(over)).toEqual([
      {
        message:
          "the prefill engine's VLLM_NIXL_SIDE_CHANNEL_PORT is 65535 and it runs 2 local data-parallel ranks, each with its own NIXL side channel on " +
          'VLLM_NIXL_SIDE_CHANNEL_PORT + rank (vllm PR #26338): rank 1 would need port 65536, past the last TCP port 65535, so it cannot listen; ' +
          `set VLLM_NIXL_SIDE_CHANNEL_PORT to at most 65534 (65534-65535 holds all 2) [rule ${RULE}]`,
        severity: 'error',
        resourceRef: ref('m-prefill'),
        field: { path: 'spec.template.spec.containers[0].env[0].value', currentValue: 65535, proposedValue: '65534' },
        tags: { rule: RULE },
      },
    ]);
  });

  it('three ranks on the decode side: 65533 fits, 65534 is one rank over, 65535 two', () => {
    expect(findings(render({}, { args: dp(3), env: sideChannel(65533) }))).toEqual([]);
    const one = findings(render({}, { args: dp(3), env: sideChannel(65534) }));
    expect(one.map((r) => [r.resourceRef?.name, r.field?.proposedValue])).toEqual([['m-decode', '65533']]);
    expect(one[0]!.message).toContain('rank 2 would need port 65536, past the last TCP port 65535');
    const two = findings(render({}, { args: dp(3), env: sideChannel(65535) }));
    expect(two[0]!.message).toContain('ranks 1-2 would need ports 65536-65537, past the last TCP port 65535, so they cannot listen');
    expect(two[0]!.message).toContain('set VLLM_NIXL_SIDE_CHANNEL_PORT to at most 65533 (65533-65535 holds all 3)');
  });

  it('one rank at 65535 fits; the default port (not set by the user) is not judged; a non-NIXL connector has no side channel', () => {
    expect(findings(render({ env: sideChannel(65535) }))).toEqual([]);
    expect(findings(render({ args: dp(2) }))).toEqual([]);
    const lmcache = (role: string) => `--kv-transfer-config={"kv_connector":"LMCacheConnectorV1","kv_role":"${role}"}`;
    expect(findings(render({ args: dp(2), env: sideChannel(65535), connector: lmcache }, { connector: lmcache }))).toEqual([]);
    // a port only known when the pod runs (valueFrom) is no port to count from
    const fromConfigMap = [{ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', valueFrom: { configMapKeyRef: { name: 'ports', key: 'nixl' } } }];
    expect(findings(render({ args: dp(2), env: fromConfigMap }))).toEqual([]);
  });
});

describe('dp-port-range: --port + rank with --data-parallel-multi-port-external-lb', () => {
  it('two ranks: --port=65534 fits; --port=65535 is an error on the flag, proposing --port=65534', () => {
    expect(findings(render({ args: [...multiPort(2), '--port=65534'] }))).toEqual([]);
    const over = render({ args: [...multiPort(2), '--port=65535'] });
    expect(over.exitCode).toBe(1);
    expect(findings(over)).toEqual([
      {
        message:
          "the prefill engine's --port is 65535 and it runs 2 local data-parallel ranks, each with its own HTTP server on --port + rank " +
          '(--data-parallel-multi-port-external-lb, vllm/entrypoints/openai/dp_supervisor.py): rank 1 would need port 65536, past the last TCP port 65535, ' +
          `so it cannot listen; set --port to at most 65534 (65534-65535 holds all 2) [rule ${RULE}]`,
        severity: 'error',
        resourceRef: ref('m-prefill'),
        field: { path: 'spec.template.spec.containers[0].args[4]', currentValue: 65535, proposedValue: '--port=65534' },
        tags: { rule: RULE },
      },
    ]);
  });

  it('without the multi-port flag the ranks share one HTTP port: --port=65535 with two ranks fits', () => {
    expect(findings(render({ args: [...dp(2), '--port=65535'] }))).toEqual([]);
  });
});
