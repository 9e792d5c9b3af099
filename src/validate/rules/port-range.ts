// A port range one per local data-parallel rank that runs past the last TCP port. vLLM derives a port per local DP
// rank from one setting: with --data-parallel-multi-port-external-lb each rank serves --port + rank
// (vllm/entrypoints/openai/dp_supervisor.py), and the NIXL side channel of each rank listens on
// VLLM_NIXL_SIDE_CHANNEL_PORT + local rank (vllm PR #26338, src/plan/nixl.ts). The setting itself is checked to be a
// port (src/engines/values.ts); the last rank's port is not, so 65535 with two ranks rendered with exit 0 while rank 1
// can never bind 65536 (and the plan declares container ports only up to 65535).
import { httpPortCount, nixlConnectors } from '../../engines/index.js';
import { localDataParallel, NIXL_BY_ENGINE, sideChannelBasePort } from '../../plan/nixl.js';
import type { PairContext, StageSide } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { at, sides } from './helpers.js';

const MAX_PORT = 65535;

/** The largest first port of `count` consecutive ports that all fit: 65535 - count + 1. */
export function lastBase(count: number): number {
  return MAX_PORT - count + 1;
}

/** A finding when [base, base + count) runs past 65535, else none. */
function overflow(
  s: StageSide,
  base: number,
  count: number,
  path: string | undefined,
  what: { setting: string; listener: string; source: string },
  proposed: (port: number) => string,
): Finding[] {
  const last = base + count - 1;
  if (last <= MAX_PORT) return [];
  const fits = lastBase(count);
  const first = MAX_PORT - base + 1;
  const beyond = first === count - 1 ? `rank ${first} would need port ${last}` : `ranks ${first}-${count - 1} would need ports ${MAX_PORT + 1}-${last}`;
  return [
    at(
      s,
      path,
      `the ${s.role} engine's ${what.setting} is ${base} and it runs ${count} local data-parallel ranks, each with its own ${what.listener} on ` +
        `${what.setting} + rank (${what.source}): ${beyond}, past the last ` +
        `TCP port ${MAX_PORT}, so ${first === count - 1 ? 'it cannot' : 'they cannot'} listen; set ${what.setting} to at most ${fits} (${fits}-${MAX_PORT} holds all ${count})`,
      { currentValue: base, proposedValue: proposed(fits) },
    ),
  ];
}

export const portRangeRules: readonly Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'dp-port-range',
    // no `needs`: a port only known at run time is no overflow it can see, and other rules already say they could
    // not check it (a needs entry here would add such a line to every render with an unknown port)
    scope: 'pair',
    severity: 'error',
    summary: 'a port that vLLM offsets by the local data-parallel rank (HTTP --port with --data-parallel-multi-port-external-lb, VLLM_NIXL_SIDE_CHANNEL_PORT) leaves the last ranks past port 65535',
    fix: 'lower the port to at most 65536 minus the number of local data-parallel ranks, so every rank\'s port fits',
    field: 'engine container args: --port; engine container env: VLLM_NIXL_SIDE_CHANNEL_PORT',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        const e = s.engine;
        const out: Finding[] = [];
        const http = httpPortCount(e).value;
        out.push(
          ...overflow(
            s,
            e.port.value,
            http,
            e.port.path,
            { setting: '--port', listener: 'HTTP server', source: '--data-parallel-multi-port-external-lb, vllm/entrypoints/openai/dp_supervisor.py' },
            (p) => `--port=${p}`,
          ),
        );
        if (e.kind === 'vllm' && nixlConnectors(e).length > 0) {
          const base = sideChannelBasePort(e);
          // (the default, 5600, which the plan writes when the user sets none, always fits; then there is no path)
          if (base !== undefined) {
            out.push(
              ...overflow(
                s,
                base,
                Math.max(1, localDataParallel(e).value),
                e.nixlSideChannelPort?.path,
                { setting: NIXL_BY_ENGINE.vllm.portEnv!.name, listener: 'NIXL side channel', source: 'vllm PR #26338' },
                String,
              ),
            );
          }
        }
        return out;
      });
    },
  }),
];
