// The llm-d router's DisaggregatedSet support: the disaggregatedset-rollout-screener plugin (llm-d-router v0.10.0,
// pkg/epp/framework/plugins/requestcontrol/screener/disaggregatedsetrollout: README.md, config.go, plugin.go,
// screener.go; registered with fwkplugin.StabilityAlpha in cmd/epp/runner/runner.go, so the EPP loads it only with
// --allow-experimental-plugins). It watches the pods in its scope, counts Ready pods per revision and role, drops every
// revision that lacks a Ready pod of a required role, picks one of the others at random (weighted) and hands only that
// revision's endpoints to the scheduling profiles: one request never pairs a prefill pod of one revision with a decode
// pod of another. A required role no pod carries leaves no revision, and every request fails with HTTP 503.
//
// The labels are the ones the LWS DisaggregatedSet controller sets on every pod template of the LeaderWorkerSets it
// creates (kubernetes-sigs/lws v0.10.0 pkg/utils/disaggregatedset/utils.go GenerateLabels, merged over the user's
// labels in pkg/controllers/disaggregatedset/lws_manager.go; v0.9.0 sets the same keys but the slice).
import type { KObject } from '../types.js';
import { routerTable } from './table.js';
import type { RouterVersion } from './types.js';

export const ROLLOUT_SCREENER_TYPE = 'disaggregatedset-rollout-screener';
/** the revisionGating modes that gate a revision on its roles (screener README; pd-disagg generates `sum`) */
export const GATING_MODES = ['sum', 'max-role'] as const;
export const SET_NAME_LABEL = 'disaggregatedset.x-k8s.io/name';
export const SET_ROLE_LABEL = 'disaggregatedset.x-k8s.io/role';
export const SET_REVISION_LABEL = 'disaggregatedset.x-k8s.io/revision';
/** the slice index (lws v0.10.0 SliceLabelKey; v0.9.0 has no slices) */
export const SET_SLICE_LABEL = 'disaggregatedset.x-k8s.io/slice';
/** set by the LWS pod webhook on every pod, "0" on the leader (lws v0.10.0 pkg/webhooks/pod_webhook.go,
 * pkg/utils/pod/pod_utils.go LeaderPod) */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';

/** What the generated config screens on: the pods it counts and the roles a revision needs. */
export interface RolloutScreening {
  /** a label selector (`k=v,k=v`) for the pods whose readiness is counted: the pool's own pods */
  scope: Record<string, string>;
  /** the set's role names that must each have a Ready pod in a revision, in stage order */
  requireRoles: string[];
}

/** The versions whose EPP has the screener. */
export function hasRolloutScreener(version: RouterVersion): boolean {
  return Object.hasOwn(routerTable(version).plugins, ROLLOUT_SCREENER_TYPE);
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The plugin entry: revision gating by the sum of Ready pods over the required roles (the README's general mode). */
export function rolloutScreenerPlugin(screening: RolloutScreening): KObject {
  return {
    type: ROLLOUT_SCREENER_TYPE,
    parameters: {
      scope: { labelSelector: selectorString(screening.scope) },
      revisionGating: {
        mode: GATING_MODES[0],
        revisionLabelKey: SET_REVISION_LABEL,
        roleLabelKey: SET_ROLE_LABEL,
        requireRoles: { values: [...screening.requireRoles] },
      },
    },
  };
}

/** The plugin types of an EndpointPickerConfig that the version loads only with --allow-experimental-plugins. */
export function alphaPlugins(version: RouterVersion, config: unknown): string[] {
  const plugins = config !== null && typeof config === 'object' ? (config as KObject).plugins : undefined;
  if (!Array.isArray(plugins)) return [];
  const table = routerTable(version);
  const types = plugins
    .map((p: unknown) => (p !== null && typeof p === 'object' ? (p as KObject).type : undefined))
    .filter((t): t is string => typeof t === 'string' && Object.hasOwn(table.plugins, t) && table.plugins[t]!.alpha === true);
  return [...new Set(types)];
}
