// EndpointPickerConfig rules: what the plugin a profile handler names as its decider is, and what happens once it says
// yes. Which plugin types are deciders, and what each says yes to, is the router table's (disagg.deciders); a name
// that matches no plugin is epp-missing-plugin-ref's, a plugin of an unregistered type epp-unknown-plugin's.

import { routerTable } from '../../../router/table.js';
import type { RouterTable } from '../../../router/types.js';
import type { EppContext } from '../../context.js';
import type { Finding, Rule } from '../../registry.js';
import { defineRule } from '../../registry.js';
import { ENCODE_DECIDER_TYPE } from '../../../router/epp-config.js';
import { DISAGG_HANDLER, PD_HANDLER, PREFIX_DECIDER, type PluginEntry } from './read.js';
import { finding, pluginLabel, scope, stageOrderOf } from './helpers.js';

/** The name to propose for a stage's decider: the first declared plugin of a fitting type, else the type a declaration
 * would take (the name an unnamed plugin gets). */
function fittingDecider(t: RouterTable, plugins: PluginEntry[], kind: 'pd' | 'multimodal', fallback: string): { name: string; declared: boolean } {
  const p = plugins.find((x) => t.disagg.deciders[x.type] === kind);
  return p ? { name: p.name, declared: true } : { name: fallback, declared: false };
}

export const decidersRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-decider-not-decider',
    scope,
    severity: 'error',
    summary: 'The profile handler names as its prefill or encode decider a declared plugin that is not a decider (a filter, scorer, picker ...): the handler fails to build and the EPP does not start.',
    fix: 'Name a decider: prefix-based-pd-decider or always-disagg-pd-decider in deciders.prefill, always-disagg-multimodal-decider in deciders.encode.',
    field: 'plugins[disagg-profile-handler].parameters.deciders',
    check(ctx) {
      const handler = ctx.read.handler;
      if (!handler) return [];
      const t = routerTable(ctx.version);
      const out: Finding[] = [];
      for (const [stage, name, field] of [
        ['prefill', handler.prefillDecider, handler.deciderField],
        ['encode', handler.encodeDecider, handler.encodeDeciderField],
      ] as const) {
        // a plugin's name is always a string: an unset decider (undefined) matches none
        const p = ctx.read.plugins.find((x) => x.name === name);
        // undeclared: epp-missing-plugin-ref; an unregistered type stops the EPP before (epp-unknown-plugin)
        if (!p || !(p.type in t.plugins) || p.type in t.disagg.deciders) continue;
        const refusal =
          handler.plugin.type === PD_HANDLER
            ? `decider plugin of type: ${p.name} does not implement pdDeciderPlugin`
            : `plugin ${p.name} does not implement ${stage}DeciderPlugin`;
        const want = stage === 'encode' ? fittingDecider(t, ctx.read.plugins, 'multimodal', ENCODE_DECIDER_TYPE) : fittingDecider(t, ctx.read.plugins, 'pd', PREFIX_DECIDER);
        const fix = want.declared ? `set ${field}: ${want.name}` : `declare - type: ${want.name}${t.declarationOrderMatters ? ' above the handler' : ''} and set ${field}: ${want.name}`;
        out.push(
          finding(ctx, `${pluginLabel(handler.plugin)} ${field} names "${p.name}"${p.name === p.type ? '' : ` (type ${p.type})`}, which is not a decider: the handler fails to build and router ${ctx.version}'s EPP does not start ("${refusal}"); ${fix}`, {
            currentValue: p.name,
            proposedValue: want.name,
          }),
        );
      }
      return out;
    },
  }),

  defineRule<EppContext>({
    id: 'epp-prefill-decider-multimodal',
    scope,
    severity: 'error',
    summary: 'The prefill decider is always-disagg-multimodal-decider, which says yes only to requests with an image, video or audio part: text-only requests never take the prefill hop.',
    fix: 'Set deciders.prefill to prefix-based-pd-decider or always-disagg-pd-decider; the multimodal decider belongs in deciders.encode.',
    field: 'plugins[disagg-profile-handler].parameters.deciders.prefill',
    check(ctx) {
      const handler = ctx.read.handler;
      // prefill-first with a decider: the EPP refuses it before any request (epp-stage-order)
      if (!handler || stageOrderOf(handler) === 'prefill-first') return [];
      const t = routerTable(ctx.version);
      const name = handler.prefillDecider;
      const p = ctx.read.plugins.find((x) => x.name === name);
      if (!p || t.disagg.deciders[p.type] !== 'multimodal') return [];
      const want = fittingDecider(t, ctx.read.plugins, 'pd', PREFIX_DECIDER);
      const fix = want.declared ? `set ${handler.deciderField}: ${want.name}` : `declare - type: ${want.name}${t.declarationOrderMatters ? ' above the handler' : ''} (with nonCachedTokens) and set ${handler.deciderField}: ${want.name}`;
      return [
        finding(ctx, `${pluginLabel(handler.plugin)} ${handler.deciderField} names "${name}"${p.name === p.type ? '' : ` (type ${p.type})`}, the multimodal decider, which says yes only when the request carries an image, video or audio part: router ${ctx.version} loads it, but a text-only request never takes the prefill hop however long its prompt (it is prefilled on the decode pod) and the prefill pods serve multimodal requests only; ${fix} (${p.type} belongs in deciders.encode)`, {
          currentValue: name,
          proposedValue: want.name,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-pd-handler-extra-profile',
    scope,
    severity: 'error',
    summary: 'pd-profile-handler with a scheduling profile besides its prefill and decode profiles: every request its decider sends to prefill loops in the scheduler and is never answered.',
    fix: 'Remove the other scheduling profiles, or use disagg-profile-handler.',
    field: 'schedulingProfiles[].name',
    check(ctx) {
      const handler = ctx.read.handler;
      if (handler?.plugin.type !== PD_HANDLER) return [];
      const extras = ctx.read.profiles.map((p) => p.name).filter((n) => n !== handler.prefillProfile && n !== handler.decodeProfile);
      if (!extras.length) return [];
      const names = extras.map((n) => `"${n}"`).join(', ');
      return [
        finding(ctx, `${pluginLabel(handler.plugin)} runs only its profiles "${handler.prefillProfile}" and "${handler.decodeProfile}", but schedulingProfiles also defines ${names}: its Pick ends a request's scheduling only when every profile has a result, so each request its decider sends to prefill gets the prefill profile again and again and router ${ctx.version}'s EPP never answers it. Remove ${names} from schedulingProfiles, or use ${DISAGG_HANDLER}`, {
          currentValue: extras[0],
        }),
      ];
    },
  }),
];
