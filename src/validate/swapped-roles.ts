// Swapped roles: results that only make sense together. When the config names the two workloads in swapped roles, every
// role-dependent rule fires at once (kv_role inverted on both sides, ports the wrong way round, ...); the user needs
// one message saying the config has them swapped, not four that each point at a different field.

import type { PdConfig } from '../config/types.js';
import { impliedRole, type EngineCandidate } from '../discover/engines.js';
import { describe } from '../discover/workloads.js';
import type { Result } from '../types.js';

export const ROLES_SWAPPED_RULE = 'roles-swapped';

/**
 * `results` when the roles are not swapped. Otherwise one error on the config naming both workloads and the evidence
 * that each plays the other role, and nothing else: the other errors follow from the swap and would mislead (a render
 * after swapping shows any that remain). Called only when there are errors (src/process.ts), so at least one is folded.
 */
export function foldSwappedRoles(results: Result[], config: PdConfig, prefill: EngineCandidate, decode: EngineCandidate): Result[] {
  if (!config.prefill || !config.decode) return results; // discovery picked the roles from this very evidence
  const p = impliedRole(prefill);
  const d = impliedRole(decode);
  if (p?.role !== 'decode' || d?.role !== 'prefill') return results;
  const form = config.form === 'ConfigMap' ? 'data' : 'spec';
  const others = results.filter((r) => r.severity === 'error').length;
  const swapped: Result = {
    message:
      `prefill and decode are swapped in the config: ${form}.prefill names ${describe(prefill.workload.item.ref)}, which is a decode engine ` +
      `(${p.source}), and ${form}.decode names ${describe(decode.workload.item.ref)}, which is a prefill engine (${d.source}); ` +
      `set ${form}.prefill to ${decode.workload.item.ref.name} and ${form}.decode to ${prefill.workload.item.ref.name} ` +
      `(${others === 1 ? '1 error that follows' : `${others} errors that follow`} from the swap not shown)`,
    severity: 'error',
    tags: { rule: ROLES_SWAPPED_RULE },
  };
  if (config.ref) {
    swapped.resourceRef = config.ref;
    swapped.field = { path: `${form}.prefill`, currentValue: prefill.workload.item.ref.name, proposedValue: decode.workload.item.ref.name };
  }
  return [swapped, ...results.filter((r) => r.severity !== 'error')];
}
