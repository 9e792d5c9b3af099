// EndpointPickerConfig rules: scheduling profiles and the profile handler that runs them.

import { routerTable } from '../../../router/table.js';
import { ROLE_LABEL } from '../../../router/types.js';
import type { EppContext } from '../../context.js';
import type { Finding, Rule } from '../../registry.js';
import { defineRule } from '../../registry.js';
import { DECIDER_TYPES, ENCODE_DECIDER_TYPE, ENCODE_FILTER_TYPE } from '../../../router/epp-config.js';
import { DISAGG_HANDLER, ENCODE_PROFILE, PD_HANDLER, str } from './read.js';
import { PROFILE_HANDLER_TYPES, ROLE_FILTER_TYPES, STAGE_ORDERS, finding, pluginLabel, reads, scope, stageOrderOf } from './helpers.js';

export const profilesRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-missing-profile',
    scope,
    severity: 'error',
    summary: 'The profile handler names a prefill or decode profile that schedulingProfiles does not define.',
    fix: 'Name the schedulingProfiles prefill and decode, or point the handler at the names used.',
    field: 'schedulingProfiles[].name',
    check(ctx) {
      const handler = ctx.read.handler;
      if (!handler) return [];
      const names = new Set(ctx.read.profiles.map((p) => p.name));
      const wanted = [['decode', handler.decodeProfile]];
      if (handler.prefillDecider) wanted.push(['prefill', handler.prefillProfile]);
      return wanted
        .filter(([, n]) => !names.has(n!))
        .map(([role, n]) =>
          finding(ctx, `${pluginLabel(handler.plugin)} runs the ${role} stage with scheduling profile "${n}", but schedulingProfiles has no profile of that name; add it (with the ${role}-filter) or set profiles.${role}`),
        );
    },
  }),

  defineRule<EppContext>({
    id: 'epp-prefill-profile-name',
    scope,
    severity: 'warning',
    summary: 'The prefill profile is not named "prefill", so the prefix producer never indexes prefill pods (GIE #2080).',
    fix: 'Name the prefill scheduling profile "prefill".',
    field: 'plugins[disagg-profile-handler].parameters.profiles.prefill',
    check(ctx) {
      const t = routerTable(ctx.version);
      const handler = ctx.read.handler;
      if (!handler?.prefillDecider || handler.prefillProfile === t.disagg.indexedPrefillProfile) return [];
      return [
        finding(ctx, `${pluginLabel(handler.plugin)} uses prefill profile "${handler.prefillProfile}", but the prefix producer only records prefill picks from a profile literally named "${t.disagg.indexedPrefillProfile}" (GIE #2080), so prefill pods never look cache-warm; rename the profile to "${t.disagg.indexedPrefillProfile}"`, {
          currentValue: handler.prefillProfile,
          proposedValue: t.disagg.indexedPrefillProfile,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-headers-handler-missing',
    scope,
    severity: 'error',
    summary: 'Router ≤ v0.8.0 needs disagg-headers-handler, or the sidecar never learns the prefill pod.',
    fix: 'Add a plugin of type disagg-headers-handler.',
    field: 'plugins[disagg-headers-handler]',
    check(ctx) {
      const t = routerTable(ctx.version);
      const plugins = ctx.read.plugins;
      const handler = ctx.read.handler;
      // the deprecated pd-profile-handler never sets the header, on any version
      if (t.disagg.headersHandler !== 'required' && handler?.plugin.type !== PD_HANDLER) return [];
      if (!handler?.prefillDecider) return [];
      if (plugins.some((p) => t.disagg.headersHandlerTypes.includes(p.type))) return [];
      return [
        finding(ctx, `router ${ctx.version}'s ${handler.plugin.type} picks a prefill pod but does not set x-prefiller-host-port itself (that came with llm-d-router #905 in v0.9.0); without disagg-headers-handler the sidecar never sends the prefill hop. Add - type: disagg-headers-handler`, {
          proposedValue: 'disagg-headers-handler',
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-headers-handler-profile',
    scope,
    severity: 'error',
    summary: 'disagg-headers-handler reads the pick of a profile other than the one the profile handler runs as prefill (router ≤ v0.8.0).',
    fix: 'Set the headers handler\'s parameters.prefillProfile to the profile handler\'s prefill profile.',
    field: 'plugins[disagg-headers-handler].parameters.prefillProfile',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (t.disagg.headersHandler !== 'required') return [];
      const plugins = ctx.read.plugins;
      const handler = ctx.read.handler;
      if (!handler?.prefillDecider) return [];
      return plugins
        .filter((p) => t.disagg.headersHandlerTypes.includes(p.type))
        .filter((p) => (str(p.params?.prefillProfile) ?? 'prefill') !== handler.prefillProfile)
        .map((p) =>
          finding(ctx, `${pluginLabel(p)} sets x-prefiller-host-port from the pick of profile "${str(p.params?.prefillProfile) ?? 'prefill'}" (its prefillProfile), but ${pluginLabel(handler.plugin)} runs the prefill stage as "${handler.prefillProfile}", so the header is never set and the sidecar never sends the prefill hop; set prefillProfile: ${handler.prefillProfile} on ${p.name}`, {
            currentValue: str(p.params?.prefillProfile) ?? 'prefill',
            proposedValue: handler.prefillProfile,
          }),
        );
    },
  }),

  defineRule<EppContext>({
    id: 'epp-profile-handlers',
    scope,
    severity: 'error',
    summary: 'More than one profile handler: the scheduler config accepts exactly one.',
    fix: 'Keep only disagg-profile-handler.',
    field: 'plugins[].type',
    check(ctx) {
      const handlers = ctx.read.plugins.filter((p) => PROFILE_HANDLER_TYPES.includes(p.type));
      if (handlers.length < 2) return [];
      return [
        finding(ctx, `${handlers.length} profile handlers are declared (${handlers.map((h) => h.name).join(', ')}); the EPP stops with "multiple profile handlers found; only one is allowed". Keep only ${DISAGG_HANDLER}`),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-stage-order',
    scope,
    severity: 'error',
    summary: 'disagg-profile-handler stageOrder is not decode-first or prefill-first, or prefill-first is combined with deciders.prefill.',
    fix: 'Use stageOrder decode-first with deciders.prefill, or prefill-first without any decider.',
    field: 'plugins[disagg-profile-handler].parameters.stageOrder',
    check(ctx) {
      const t = routerTable(ctx.version);
      const handler = ctx.read.handler;
      const order = stageOrderOf(handler);
      if (!handler || order === undefined || !reads(t.plugins[handler.plugin.type], 'stageOrder')) return [];
      if (typeof order !== 'string' || !STAGE_ORDERS.includes(order)) {
        return [finding(ctx, `${pluginLabel(handler.plugin)} stageOrder ${JSON.stringify(order)} is invalid; the EPP stops with "must be \"decode-first\" or \"prefill-first\"". Use decode-first (or remove stageOrder)`, { currentValue: order, proposedValue: 'decode-first' })];
      }
      if (order === 'prefill-first' && handler.prefillDecider) {
        return [finding(ctx, `${pluginLabel(handler.plugin)} combines stageOrder prefill-first with ${handler.deciderField}; router ${ctx.version} stops with "prefill decider is not supported in prefill-first stage order". Remove the decider (prefill-first sends every request through prefill) or use decode-first`, { currentValue: order })];
      }
      return [];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-prefill-profile-filter',
    scope,
    severity: 'error',
    summary: 'The prefill or decode profile has no role filter, so the scheduler picks between prefill and decode pods at random.',
    fix: `Reference prefill-filter in the prefill profile and decode-filter in the decode profile (or a label filter on ${ROLE_LABEL}).`,
    field: 'schedulingProfiles[].plugins',
    check(ctx) {
      const plugins = ctx.read.plugins;
      const handler = ctx.read.handler;
      if (!handler) return [];
      const byName = new Map(plugins.map((p) => [p.name, p]));
      const out: Finding[] = [];
      for (const [role, name] of [['prefill', handler.prefillProfile], ['decode', handler.decodeProfile]] as const) {
        const profile = ctx.read.profiles.find((p) => p.name === name);
        if (!profile || profile.refs.some((r) => ROLE_FILTER_TYPES[role].includes(byName.get(r)?.type ?? ''))) continue;
        out.push(
          finding(ctx, `scheduling profile ${profile.name} (the ${role} stage) has no ${role} filter, so the scheduler picks between prefill and decode pods by score and tie-break, and requests are not reliably disaggregated; add - pluginRef: ${role}-filter to it`),
        );
      }
      return out;
    },
  }),

  defineRule<EppContext>({
    id: 'epp-encode-stage',
    scope,
    severity: 'error',
    summary: 'The pair has an encode stage (E/P/D) and the EndpointPickerConfig never runs it: no encode decider, no encode profile, or one without the encode filter.',
    fix: 'Declare encode-filter and always-disagg-multimodal-decider, set deciders.encode on disagg-profile-handler, and add an "encode" profile with the encode-filter (router v0.8.0: disagg-headers-handler with the same encodeProfile).',
    field: 'plugins[disagg-profile-handler].parameters.deciders.encode',
    check(ctx) {
      const handler = ctx.read.handler;
      if (!ctx.encode || !handler) return []; // no handler at all: epp-no-prefill-decider says it
      const t = routerTable(ctx.version);
      const idle = 'the decode sidecar never gets an encode pod, the encode pods get no traffic and prefill runs the vision encoder on every image';
      if (handler.encodeProfile === undefined) {
        return [finding(ctx, `${pluginLabel(handler.plugin)} (router ${ctx.version}) has no encode stage: ${idle}; use ${DISAGG_HANDLER} with deciders.encode: ${ENCODE_DECIDER_TYPE} and an "${ENCODE_PROFILE}" profile`, { currentValue: handler.plugin.type, proposedValue: DISAGG_HANDLER })];
      }
      const out: Finding[] = [];
      if (!handler.encodeDecider) {
        out.push(
          finding(ctx, `${pluginLabel(handler.plugin)} has no deciders.encode, so encode disaggregation is off (the EPP logs "No deciders.encode configured, E disaggregation disabled"): ${idle}; declare - type: ${ENCODE_DECIDER_TYPE}${t.declarationOrderMatters ? ' above the handler' : ''} and set deciders.encode: ${ENCODE_DECIDER_TYPE}`, {
            proposedValue: ENCODE_DECIDER_TYPE,
          }),
        );
      }
      const byName = new Map(ctx.read.plugins.map((p) => [p.name, p]));
      const profile = ctx.read.profiles.find((p) => p.name === handler.encodeProfile);
      if (!profile) {
        out.push(
          finding(ctx, `${pluginLabel(handler.plugin)} runs the encode stage as scheduling profile "${handler.encodeProfile}", which schedulingProfiles does not define, so the stage is skipped: ${idle}; add a profile "${handler.encodeProfile}" with - pluginRef: ${ENCODE_FILTER_TYPE}`, {
            proposedValue: handler.encodeProfile,
          }),
        );
      } else if (!profile.refs.some((r) => ROLE_FILTER_TYPES.encode.includes(byName.get(r)?.type ?? ''))) {
        out.push(
          finding(ctx, `scheduling profile ${profile.name} (the encode stage) has no encode filter, so it picks among every pod of the pool, prefill and decode pods included, and hands the sidecar a pod that runs no encoder-only engine; declare - type: ${ENCODE_FILTER_TYPE} and add - pluginRef: ${ENCODE_FILTER_TYPE} to it`, {
            proposedValue: ENCODE_FILTER_TYPE,
          }),
        );
      }
      // router ≤ v0.8.0: the headers handler, not the profile handler, puts the encode picks in x-encoder-hosts-ports
      if (t.disagg.headersHandler === 'required') {
        for (const p of ctx.read.plugins.filter((x) => t.disagg.headersHandlerTypes.includes(x.type))) {
          const reads = str(p.params?.encodeProfile) ?? ENCODE_PROFILE;
          if (reads === handler.encodeProfile) continue;
          out.push(
            finding(ctx, `${pluginLabel(p)} sets x-encoder-hosts-ports from the pick of profile "${reads}" (its encodeProfile), but ${pluginLabel(handler.plugin)} runs the encode stage as "${handler.encodeProfile}", so router ${ctx.version}'s sidecar never learns the encode pods; set encodeProfile: ${handler.encodeProfile} on ${p.name}`, {
              currentValue: reads,
              proposedValue: handler.encodeProfile,
            }),
          );
        }
      }
      return out;
    },
  }),

  defineRule<EppContext>({
    id: 'epp-encode-decider-type',
    scope,
    severity: 'warning',
    summary: 'deciders.encode names a P/D decider (prefix-based-pd-decider, always-disagg-pd-decider), which does not look for images: text-only requests take the encode stage and images may skip it.',
    fix: `Declare a plugin of type ${ENCODE_DECIDER_TYPE} and name it in deciders.encode; keep the P/D deciders for deciders.prefill.`,
    field: 'plugins[disagg-profile-handler].parameters.deciders.encode',
    check(ctx) {
      const handler = ctx.read.handler;
      if (!handler?.encodeDecider || handler.encodeProfile === undefined) return [];
      // the stage runs only when its profile exists (otherwise epp-encode-stage says so for a trio)
      if (!ctx.read.profiles.some((p) => p.name === handler.encodeProfile)) return [];
      const decider = ctx.read.plugins.find((p) => p.name === handler.encodeDecider);
      if (!decider || !Object.values(DECIDER_TYPES).includes(decider.type)) return [];
      const t = routerTable(ctx.version);
      const field = handler.encodeDeciderField;
      const hop = 'the EPP runs the encode profile, picks an encode pod and sets x-encoder-hosts-ports, and the decode sidecar sends the request down its encoder path (no image to encode, then on to prefill or decode)';
      let what: string;
      if (decider.type === DECIDER_TYPES.always) {
        what = `which says yes to every request: every text-only request takes the encode stage too (${hop})`;
      } else {
        const n = decider.params?.nonCachedTokens;
        const prefillFirst = stageOrderOf(handler) === 'prefill-first';
        what =
          typeof n !== 'number' || n <= 0
            ? `whose nonCachedTokens is ${n === undefined ? 'unset (0)' : JSON.stringify(n)}, which means never: the encode stage never runs and prefill runs the vision encoder on every image`
            : prefillFirst
              ? 'which in stageOrder prefill-first is asked without a decode pod and says no (it logs "prefix decider: endpoint is nil"): the encode stage never runs and prefill runs the vision encoder on every image'
              : `which decides on the prompt's uncached length, not on images: a text-only request with ${n} or more uncached tokens takes the encode stage (${hop}), and an image in a shorter or cached prompt skips it (prefill runs the vision encoder itself)`;
      }
      return [
        finding(
          ctx,
          `${pluginLabel(handler.plugin)} ${field} names "${handler.encodeDecider}"${decider.name === decider.type ? '' : ` (type ${decider.type})`}, a P/D decider, ${what}; declare - type: ${ENCODE_DECIDER_TYPE}${t.declarationOrderMatters ? ' above the handler' : ''} (it says yes exactly when the request carries an image, video or audio part) and set ${field}: ${ENCODE_DECIDER_TYPE}`,
          { currentValue: handler.encodeDecider, proposedValue: ENCODE_DECIDER_TYPE },
        ),
      ];
    },
  }),
];
