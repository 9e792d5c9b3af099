// The rollout screener's own config check. llm-d-router v0.10.0's disaggregatedset-rollout-screener runs
// Config.Validate in its Factory (pkg/epp/framework/plugins/requestcontrol/screener/disaggregatedsetrollout/config.go,
// plugin.go), so the EPP refuses the whole config at load when it fails. Its revisionGating part, in the order the
// router checks it: revisionGating is required; mode is one of sum|max-role|disabled; with sum or max-role,
// requireRoles is required, requireRoles.values has at least one role, none empty, none twice. A mode `disabled`
// checks nothing more. v0.8.0 and v0.9.0 have no screener (epp-unknown-plugin speaks there). pd-disagg generates a
// screener that passes (src/router/rollout-screener.ts); this judges one in a config of the user's own.
import { GATING_MODES, hasRolloutScreener, ROLLOUT_SCREENER_TYPE, SET_ROLE_LABEL } from '../../router/rollout-screener.js';
import { isPlainObject } from '../../types.js';
import type { EppContext } from '../context.js';
import { defineRule, type Rule } from '../registry.js';
import { finding, scope } from './epp/helpers.js';

/** the modes the screener's Validate accepts (config.go GatingModeSum, GatingModeMaxRole, GatingModeDisabled) */
const MODES: readonly string[] = [...GATING_MODES, 'disabled'];

/** What the router says about one screener's revisionGating (the first failing check, as Validate returns it), or
 * undefined when it passes. `at` is the field below plugins[i].parameters. */
export function gatingProblem(gating: unknown): { at: string; what: string } | undefined {
  if (gating === undefined || gating === null) return { at: 'revisionGating', what: 'is missing; the screener requires it' };
  if (!isPlainObject(gating)) return { at: 'revisionGating', what: `is ${JSON.stringify(gating)}, not a mapping` };
  const mode = gating.mode ?? '';
  if (typeof mode !== 'string' || !MODES.includes(mode)) {
    return { at: 'revisionGating.mode', what: `is ${JSON.stringify(mode)}; it must be one of ${MODES.join(', ')}` };
  }
  if (mode === 'disabled') return undefined;
  const rr = gating.requireRoles;
  if (rr === undefined || rr === null) return { at: 'revisionGating.requireRoles', what: `is missing; mode ${mode} requires it` };
  if (!isPlainObject(rr)) return { at: 'revisionGating.requireRoles', what: `is ${JSON.stringify(rr)}, not a mapping with values` };
  const values = rr.values ?? [];
  if (!Array.isArray(values)) return { at: 'revisionGating.requireRoles.values', what: `is ${JSON.stringify(values)}, not a list of role names` };
  if (values.length === 0) return { at: 'revisionGating.requireRoles.values', what: `lists no role; mode ${mode} needs at least one` };
  const seen = new Set<string>();
  for (const [i, role] of values.entries()) {
    if (typeof role !== 'string') return { at: `revisionGating.requireRoles.values[${i}]`, what: `is ${JSON.stringify(role)}, not a role name` };
    if (role === '') return { at: `revisionGating.requireRoles.values[${i}]`, what: 'is empty' };
    if (seen.has(role)) return { at: `revisionGating.requireRoles.values[${i}]`, what: `repeats role ${JSON.stringify(role)}` };
    seen.add(role);
  }
  return undefined;
}

export const screenerRules: readonly Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'dset-screener-config',
    scope,
    severity: 'error',
    summary: "The rollout screener's revisionGating fails the screener's own check: the router refuses the config at load and the EPP does not start.",
    fix: 'Give revisionGating a mode (sum, max-role or disabled) and, with sum or max-role, requireRoles.values: the role names that play the stages, each once.',
    field: 'plugins[].parameters.revisionGating',
    check(ctx) {
      if (!hasRolloutScreener(ctx.version)) return [];
      const roles = ctx.set
        ? `the roles of DisaggregatedSet/${ctx.set.resource.name} that play the stages (${ctx.set.stageRoles.join(', ')})`
        : `the role names your pods carry in ${SET_ROLE_LABEL} (or the roleLabelKey you set) for the stages`;
      return ctx.read.plugins
        .filter((p) => p.type === ROLLOUT_SCREENER_TYPE)
        .flatMap((p) => {
          const problem = gatingProblem(p.params?.revisionGating);
          if (!problem) return [];
          return [
            finding(
              ctx,
              `plugin ${ROLLOUT_SCREENER_TYPE} (plugins[${p.index}]): parameters.${problem.at} ${problem.what}, so router ${ctx.version} refuses ` +
                `the config at load and the EPP does not start. Set revisionGating.mode to sum (or max-role) with requireRoles.values listing ${roles}, ` +
                `each once; or mode disabled to turn revision gating off`,
            ),
          ];
        });
    },
  }),
];
