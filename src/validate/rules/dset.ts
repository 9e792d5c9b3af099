// Rules for a pair taken from an LWS DisaggregatedSet, on the EndpointPickerConfig that routes it. The facts: the
// controller rolls every role of the set out as one revision and labels each pod with its revision and role
// (kubernetes-sigs/lws pkg/utils/disaggregatedset/utils.go GenerateLabels); llm-d-router v0.10.0's
// disaggregatedset-rollout-screener keeps a request on one revision that has a Ready pod of every required role
// (pkg/epp/framework/plugins/requestcontrol/screener/disaggregatedsetrollout/screener.go) and fails it with HTTP 503
// when none has; v0.8.0 and v0.9.0 have no such plugin.
import { GATING_MODES, hasRolloutScreener, ROLLOUT_SCREENER_TYPE, SET_NAME_LABEL, SET_ROLE_LABEL, SET_SLICE_LABEL } from '../../router/rollout-screener.js';
import { routerTable } from '../../router/table.js';
import { isPlainObject, type KObject } from '../../types.js';
import type { EppContext, PairContext } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { finding, scope, versionsRegistering } from './epp/helpers.js';

/** The screener entries of the config, as the epp-config rules read it once (rules/epp/read.ts). */
function screeners(ctx: EppContext): Array<{ index: number; params: KObject }> {
  return ctx.read.plugins.filter((p) => p.type === ROLLOUT_SCREENER_TYPE).map((p) => ({ index: p.index, params: p.params ?? {} }));
}

function gating(params: KObject): { mode?: unknown; roles: unknown[]; roleLabelKey?: unknown } {
  const g = isPlainObject(params.revisionGating) ? params.revisionGating : {};
  const rr = isPlainObject(g.requireRoles) ? g.requireRoles : {};
  return { mode: g.mode, roles: Array.isArray(rr.values) ? rr.values : [], roleLabelKey: g.roleLabelKey };
}

const gates = (mode: unknown) => (GATING_MODES as readonly unknown[]).includes(mode);

export const dsetRules: readonly Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'dset-rollout-unscreened',
    scope,
    severity: 'warning',
    summary: 'A DisaggregatedSet pair whose EPP does not screen revisions: during a rollout a request can pair a prefill pod of one revision with a decode pod of another.',
    fix: 'Use router v0.10.0 (its disaggregatedset-rollout-screener), or, with a config of your own, add that plugin with the set\'s role names.',
    field: 'plugins',
    check(ctx) {
      if (!ctx.set) return [];
      const set = `DisaggregatedSet/${ctx.set.resource.name}`;
      const risk =
        `during a rollout of ${set} the EPP can send a request's prefill hop to a pod of one revision and its decode to a pod of ` +
        `another, whose KV cache format, transfer protocol or driver may differ`;
      if (!hasRolloutScreener(ctx.version)) {
        const first = versionsRegistering(ROLLOUT_SCREENER_TYPE)[0];
        return [
          finding(
            ctx,
            `router ${ctx.version} has no ${ROLLOUT_SCREENER_TYPE} (added in llm-d-router ${first}): ${risk}; ` +
              `use router ${first} (${ctx.knobs?.fieldPrefix === 'data.' ? 'data.eppVersion' : 'spec.epp.version'}), or roll the set out only while it serves no traffic`,
          ),
        ];
      }
      const active = screeners(ctx).some((s) => gates(gating(s.params).mode));
      if (active) return [];
      return [
        finding(
          ctx,
          `the EndpointPickerConfig has no ${ROLLOUT_SCREENER_TYPE} with revisionGating mode sum or max-role: ${risk}; add it to plugins ` +
            `(scope.labelSelector: ${SET_NAME_LABEL}=${ctx.set.resource.name}, revisionGating: {mode: sum, requireRoles: {values: [${ctx.set.stageRoles.join(', ')}]}}) ` +
            `and start the EPP with --${routerTable(ctx.version).epp.experimentalPluginsFlag}, or leave spec.epp.config out to have it generated`,
        ),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'dset-screener-roles',
    scope,
    severity: 'error',
    summary: 'The rollout screener requires a role the DisaggregatedSet does not have: no revision is ever complete, and every request fails with HTTP 503.',
    fix: "List in revisionGating.requireRoles.values the set's own role names (spec.roles[].name) that play the stages.",
    field: 'plugins[].parameters.revisionGating.requireRoles.values',
    check(ctx) {
      if (!ctx.set) return [];
      const set = ctx.set;
      const out: Finding[] = [];
      for (const s of screeners(ctx)) {
        const g = gating(s.params);
        if (!gates(g.mode)) continue;
        // another role label (llm-d.ai/role, which pd-disagg sets too) has other values: not checked here
        if (g.roleLabelKey !== undefined && g.roleLabelKey !== SET_ROLE_LABEL) continue;
        const missing = g.roles.filter((r) => typeof r !== 'string' || !set.roles.includes(r));
        if (missing.length > 0) {
          out.push(
            finding(
              ctx,
              `plugin ${ROLLOUT_SCREENER_TYPE} (plugins[${s.index}]) requires role${missing.length > 1 ? 's' : ''} ${missing.map((r) => JSON.stringify(r)).join(', ')}, ` +
                `which DisaggregatedSet/${set.resource.name} does not have (its roles: ${set.roles.join(', ')}): no revision ever has a Ready pod of it, ` +
                `and every request fails with HTTP 503; require the roles that play the stages: ${set.stageRoles.join(', ')}`,
            ),
          );
        }
      }
      return out;
    },
  }),
];

/** spec.placementPolicy types that tie each slice's roles to one topology domain (lws v0.10.0
 * api/disaggregatedset/v1/disaggregatedset_types.go PlacementExclusiveSlice, PlacementExclusiveTopology). */
const SLICE_PLACEMENTS = ['ExclusiveSlice', 'ExclusiveTopology'];

/** Pair rules of a DisaggregatedSet pair that read the set itself (spec.slices, spec.placementPolicy). */
export const dsetPairRules: readonly Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'dset-slice-crossing',
    scope: 'pair',
    severity: 'warning',
    summary: "A DisaggregatedSet with several slices placed one per topology domain: the pool spans every slice and nothing keeps a request's prefill and decode pods in one slice.",
    fix: "Accept KV transfers across domains, or keep a request in one slice with the router's slice affinity (the screener's headerSelectors slice, mode prefer, and header-label-affinity-scorer on x-disagg-slice) in a config of your own, or use one set (slices: 1) per domain.",
    field: 'spec.placementPolicy',
    check(ctx) {
      if (!ctx.set) return [];
      const spec = ctx.decode.object.spec;
      const slices = isPlainObject(spec) && typeof spec.slices === 'number' ? spec.slices : 1;
      const placement = isPlainObject(spec) && isPlainObject(spec.placementPolicy) ? spec.placementPolicy.type : undefined;
      if (slices <= 1 || typeof placement !== 'string' || !SLICE_PLACEMENTS.includes(placement)) return [];
      return [
        {
          message:
            `DisaggregatedSet/${ctx.set.resource.name} runs ${slices} slices with placementPolicy ${placement}, which puts each slice's roles in one topology domain ` +
            `so that the KV cache moves inside it; but the InferencePool selects the pods of every slice (by ${SET_NAME_LABEL}) and the EPP picks the prefill ` +
            `and decode pods of a request independently, so a request can pair a prefill pod of one slice with a decode pod of another and move its KV cache ` +
            `across domains (the generated config screens revisions, not slices). Accept that, or keep requests in one slice with the router's slice ` +
            `affinity (${ROLLOUT_SCREENER_TYPE} headerSelectors on ${SET_SLICE_LABEL} in mode prefer, and header-label-affinity-scorer on its header, ` +
            `llm-d-router v0.10.0) in a config of your own, or deploy one set with slices: 1 per domain`,
          resource: ctx.decode.resource,
          path: 'spec.placementPolicy.type',
          currentValue: placement,
        },
      ];
    },
  }),
];
