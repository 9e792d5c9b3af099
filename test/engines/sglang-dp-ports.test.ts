// Issue 13 item 2 for SGLang: its data-parallel ranks do not serve HTTP ports of their own (one HTTP server per
// process dispatches to the ranks over ZMQ; evidence in src/engines/index.ts httpPortCount), so a SGLang DP pod is
// one target port of the InferencePool and the sidecar gets no data-parallel flag.
import { describe, expect, it } from 'vitest';
import { read, runText } from '../helpers.js';
import type { KObject } from '../../src/types.js';

const base = read('testdata/sglang-pair/input.yaml');

function withDp(extra: string[]): string {
  // both engines of the llm-d SGLang guide pair, with data parallelism added to their args
  return base.replace(/^( *)- --page-size=64\n/gm, (m, indent: string) => m + extra.map((a) => `${indent}- ${a}\n`).join(''));
}

describe('SGLang data parallel: one HTTP port per pod', () => {
  for (const [name, args] of [
    ['--dp-size 4', ['--dp-size=4']],
    ['--data-parallel-size 4 with --enable-dp-attention', ['--data-parallel-size=4', '--enable-dp-attention']],
    ['--dp 8, --enable-dp-attention, --load-balance-method round_robin', ['--dp=8', '--enable-dp-attention', '--load-balance-method=round_robin']],
  ] as const) {
    it(`${name}: the pool targets exactly the sidecar port, and the sidecar has no data-parallel flag`, () => {
      const input = withDp([...args]);
      expect(input.match(new RegExp(args[0].replace(/[-=]/g, (c) => `\\${c}`), 'g'))).toHaveLength(2);
      const out = runText(input);
      expect(out.exitCode).toBe(0);
      const pool = out.items.find((i: KObject) => i.kind === 'InferencePool')!;
      expect(pool.spec.targetPorts).toEqual([{ number: 8000 }]);
      const decode = out.items.find((i: KObject) => i.kind === 'Deployment' && /decode/.test(i.metadata.name) && !i.metadata.name.endsWith('-epp'))!;
      const sidecars = [...(decode.spec.template.spec.initContainers ?? []), ...decode.spec.template.spec.containers].filter((c: KObject) => c.name === 'routing-proxy');
      expect(sidecars).toHaveLength(1);
      expect((sidecars[0].args as string[]).some((a) => a.startsWith('--data-parallel-size'))).toBe(false);
    });
  }

  it('vLLM with the same ranks on their own ports gets one target port per rank (the contrast)', () => {
    const pool = runText(read('testdata/wide-ep-lws-multi-port/input.yaml')).items.find((i: KObject) => i.kind === 'InferencePool')!;
    expect(pool.spec.targetPorts.length).toBeGreaterThan(1);
  });
});
