// Plan, for a pair taken from an LWS DisaggregatedSet: what the pool selects and what the EPP screens on.
//
// The controller (kubernetes-sigs/lws v0.10.0 pkg/controllers/disaggregatedset/lws_manager.go Create) creates one
// LeaderWorkerSet per slice, revision and role, named <set>-<slice>-<revision>-<role> (v0.9.0: <set>-<revision>-<role>),
// and merges into the role's leader and worker pod templates the labels of pkg/utils/disaggregatedset/utils.go
// GenerateLabels: app=<set>-<slice>-<role> (overwriting the user's app), disaggregatedset.x-k8s.io/name, /role,
// /slice (v0.10.0) and /revision. The user's other template labels are kept, so the role and pool labels pd-disagg
// sets on the role templates reach the pods. The pool selects by the pool label, the set's name label (the same on
// every revision and slice) and the LWS leader label worker-index=0; never by app (rewritten per slice and role) or
// the revision label (changes on every rollout).
import type { EngineCandidate } from '../discover/engines.js';
import { getIn } from '../paths.js';
import type { Op } from './types.js';
import { LWS_WORKER_INDEX_LABEL, SET_NAME_LABEL, type RolloutScreening } from '../router/rollout-screener.js';

// Discovery pairs a set's role only with roles of the same set (src/discover/engines.ts mixedSet): either every stage is
// a role of one DisaggregatedSet or none is, so the decode stage says which.

/** The labels the pool adds for a DisaggregatedSet pair ({} otherwise). */
export function setPoolSelector(decode: EngineCandidate): Record<string, string> {
  if (!decode.workload.setRole) return {};
  return { [SET_NAME_LABEL]: decode.workload.item.ref.name, [LWS_WORKER_INDEX_LABEL]: '0' };
}

/** The EPP knob that arms the rollout screener: the pool's pods, and the set's roles that play the stages. */
export function setScreening(poolSelector: Record<string, string>, decode: EngineCandidate, stages: readonly EngineCandidate[]): { rollout?: RolloutScreening } {
  if (!decode.workload.setRole) return {};
  const requireRoles = [...new Set(stages.map((c) => c.workload.setRole!.name))];
  return { rollout: { scope: { ...poolSelector }, requireRoles } };
}

/** Notes of edits inside a set's role say which role (`env X (role ctx)`): both stages live in one object. */
export function noteRoles(ops: readonly Op[]): Op[] {
  return ops.map((op) => {
    if (op.op === 'upsert' || op.item.ref.kind !== 'DisaggregatedSet' || op.path[1] !== 'roles' || typeof op.path[2] !== 'number') return op;
    // an op inside spec.roles[i] edits a discovered role, and discovery takes only roles with a name
    return { ...op, note: `${op.note} (role ${String(getIn(op.item.object, ['spec', 'roles', op.path[2], 'name']))})` };
  });
}
