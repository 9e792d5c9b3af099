// Pair rules about the KV transfer configuration: which connector each engine loads and the role it declares.
// Every connector of a MultiConnector is read on its own: a child does not inherit the parent's kv_role.

import type { KvTransferConfig } from '../../engines/types.js';
import { isNixl } from '../../engines/index.js';
import type { EngineSide, PairContext } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { RIGHT_ROLE, at, connectorsOf, normaliseConnector, sides } from './helpers.js';

/** `connectors[1] (NixlConnector)` inside a MultiConnector, `NixlConnector` otherwise. */
function connectorLabel(side: EngineSide, c: KvTransferConfig): string {
  const top = side.engine.kvTransferConfig?.value;
  if (top?.kv_connector !== 'MultiConnector') return String(c.kv_connector);
  const children = top.kv_connector_extra_config?.connectors;
  const i = Array.isArray(children) ? children.indexOf(c) : -1;
  return `MultiConnector child connectors[${i}] (${String(c.kv_connector)})`;
}

/** Connectors whose kv_role decides who runs the bootstrap/sender: a wrong role breaks the transfer (vLLM docs). */
const ROLE_STRICT = new Set(['MooncakeConnector', 'P2pNcclConnector']);

const WRONG_ROLE = { prefill: 'kv_consumer', decode: 'kv_producer' } as const;

export const roleRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'engine-kind-mismatch',
    scope: 'pair',
    severity: 'error',
    summary: 'one engine is vLLM and the other SGLang',
    fix: 'run the same engine (vLLM or SGLang) on both sides',
    field: 'engine container command/args',
    check(ctx) {
      const { prefill: p, decode: d } = ctx;
      if (p.engine.kind === d.engine.kind) return [];
      return [
        at(
          d,
          d.engine.launch?.path,
          `the prefill engine runs ${p.engine.kind} and the decode engine ${d.engine.kind}; their KV transfer protocols cannot talk to each other, ` +
            `so decode would recompute every prompt; run ${p.engine.kind} on both sides`,
          { currentValue: d.engine.launcher, proposedValue: p.engine.launcher },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'kv-transfer-config-missing',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'a vLLM engine has no --kv-transfer-config (or one without a kv_connector)',
    fix: 'add --kv-transfer-config with the same connector on both engines',
    field: 'engine container args: --kv-transfer-config',
    check(ctx) {
      return sides(ctx)
        .filter((s) => s.engine.kind === 'vllm' && connectorsOf(s.engine).length === 0 && !(s.engine.configFile && !s.engine.kvTransferConfig))
        .map((s) => {
          const role = RIGHT_ROLE[s.role];
          const proposed = `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role}"}`;
          const has = s.engine.kvTransferConfig;
          return at(
            s,
            has?.path,
            (has ? `the ${s.role} engine's --kv-transfer-config names no kv_connector, so vLLM loads none` : `the ${s.role} engine has no --kv-transfer-config`) +
              `: it cannot hand KV over, and the decode side logs "Got kv_transfer_params, but no KVConnector found" and silently recomputes every prompt (kserve#5987); ` +
              `add ${proposed}`,
            { currentValue: has ? JSON.stringify(has.value) : undefined, proposedValue: proposed },
          );
        });
    },
  }),
  defineRule<PairContext>({
    id: 'kv-role-missing',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'a KV connector without a kv_role',
    fix: 'add "kv_role":"kv_producer" on prefill and "kv_role":"kv_consumer" on decode (each MultiConnector child needs its own)',
    field: 'engine container args: --kv-transfer-config kv_role',
    check(ctx) {
      return sides(ctx).flatMap((s) =>
        connectorsOf(s.engine)
          .filter((c) => c.kv_role === undefined)
          .map((c) =>
            at(
              s,
              s.engine.kvTransferConfig!.path,
              `the ${s.role} engine's ${connectorLabel(s, c)} has no kv_role; vLLM refuses to start ("Please specify kv_role when kv_connector is set"). ` +
                `Add "kv_role":"${RIGHT_ROLE[s.role]}"`,
              { proposedValue: RIGHT_ROLE[s.role] },
            ),
          ),
      );
    },
  }),
  defineRule<PairContext>({
    id: 'kv-role-inverted',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'the prefill engine is a kv_consumer, or the decode engine a kv_producer',
    fix: 'give prefill kv_role kv_producer and decode kv_role kv_consumer in --kv-transfer-config',
    field: 'engine container args: --kv-transfer-config kv_role',
    check(ctx) {
      return sides(ctx).flatMap((s) =>
        connectorsOf(s.engine)
          .filter((c) => c.kv_role === WRONG_ROLE[s.role])
          .map((c) =>
            at(
              s,
              s.engine.kvTransferConfig!.path,
              `the ${s.role} engine's ${connectorLabel(s, c)} has kv_role ${WRONG_ROLE[s.role]}, the other side's role: KV would never flow prefill→decode; ` +
                `set "kv_role":"${RIGHT_ROLE[s.role]}" in --kv-transfer-config`,
              { currentValue: WRONG_ROLE[s.role], proposedValue: RIGHT_ROLE[s.role] },
            ),
          ),
      );
    },
  }),
  defineRule<PairContext>({
    id: 'kv-role-both',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'warning',
    summary: 'kv_both with a NIXL connector',
    fix: 'use kv_producer on prefill and kv_consumer on decode',
    field: 'engine container args: --kv-transfer-config kv_role',
    check(ctx) {
      return sides(ctx).flatMap((s) =>
        connectorsOf(s.engine)
          .filter((c) => c.kv_role === 'kv_both' && isNixl(c.kv_connector))
          .map((c) =>
            at(
              s,
              s.engine.kvTransferConfig!.path,
              `the ${s.role} engine's ${connectorLabel(s, c)} uses kv_role kv_both, which vLLM deprecates for NIXL (RFC vllm#43807) and will remove; ` +
                `set "kv_role":"${RIGHT_ROLE[s.role]}"`,
              { currentValue: 'kv_both', proposedValue: RIGHT_ROLE[s.role] },
            ),
          ),
      );
    },
  }),
  defineRule<PairContext>({
    id: 'kv-role-required',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'kv_both with a connector whose role decides the transfer (MooncakeConnector, P2pNcclConnector)',
    fix: 'use kv_producer on prefill and kv_consumer on decode',
    field: 'engine container args: --kv-transfer-config kv_role',
    check(ctx) {
      return sides(ctx).flatMap((s) =>
        connectorsOf(s.engine)
          .filter((c) => c.kv_role === 'kv_both' && ROLE_STRICT.has(String(c.kv_connector)))
          .map((c) =>
            at(
              s,
              s.engine.kvTransferConfig!.path,
              `the ${s.role} engine's ${connectorLabel(s, c)} uses kv_role kv_both; this connector sets up its sender/bootstrap by role ` +
                `(MooncakeConnector runs the bootstrap server on the producer only), so set "kv_role":"${RIGHT_ROLE[s.role]}"`,
              { currentValue: 'kv_both', proposedValue: RIGHT_ROLE[s.role] },
            ),
          ),
      );
    },
  }),
  defineRule<PairContext>({
    id: 'kv-connector-mismatch',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'prefill and decode load KV connectors that cannot talk to each other (e.g. NixlConnector/NixlPullConnector vs NixlPushConnector)',
    fix: 'use the same transfer connector on both engines',
    field: 'engine container args: --kv-transfer-config kv_connector',
    check(ctx) {
      const { prefill: p, decode: d } = ctx;
      if (p.engine.kind !== 'vllm' || d.engine.kind !== 'vllm') return [];
      const pc = connectorsOf(p.engine);
      const dc = connectorsOf(d.engine);
      if (pc.length === 0 || dc.length === 0) return []; // kv-transfer-config-missing
      const names = (cs: KvTransferConfig[]) => new Set(cs.map((c) => normaliseConnector(c.kv_connector)!));
      const pn = names(pc);
      const dn = names(dc);
      const pNixl = [...pn].filter(isNixl);
      const dNixl = [...dn].filter(isNixl);
      let problem: string | undefined;
      let proposed: string | undefined;
      if (pNixl.length > 0 && dNixl.length > 0) {
        if (!pNixl.some((n) => dNixl.includes(n))) {
          problem =
            `the prefill engine uses ${pNixl.join(', ')} and the decode engine ${dNixl.join(', ')}; pull (NixlConnector = NixlPullConnector) ` +
            `and push (NixlPushConnector) are different protocols and every transfer fails (the mode is part of the NIXL compatibility hash, vllm PR #50620)`;
          proposed = pNixl[0] === 'NixlPullConnector' ? 'NixlConnector' : pNixl[0];
        }
      } else if (![...pn].some((n) => dn.has(n))) {
        problem = `the prefill engine uses ${[...pn].join(', ')} and the decode engine ${[...dn].join(', ')}; with no connector in common no KV is handed over`;
        proposed = [...pn][0];
      }
      if (!problem) return [];
      const finding: Finding = at(d, d.engine.kvTransferConfig!.path, `${problem}; use the same kv_connector on both engines`, {
        currentValue: [...dn].join(', '),
        proposedValue: proposed,
      });
      return [finding];
    },
  }),
];
