// EndpointPickerConfig rules: plugin parameters: unknown, ignored, mixed forms, wrong JSON types.

import { routerTable } from '../../../router/table.js';
import { isPlainObject } from '../../../types.js';
import type { EppContext } from '../../context.js';
import type { Finding, Rule } from '../../registry.js';
import { defineRule } from '../../registry.js';
import { DISAGG_HANDLER } from './read.js';
import { PARAM_TYPES, aType, finding, jsonType, pluginLabel, producerParamHint, rejectedParams, scope } from './helpers.js';

export const paramsRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-strict-params',
    scope,
    severity: 'error',
    summary: 'A plugin parameter the router version\'s strict decoder rejects: the plugin fails to build and the EPP does not start.',
    fix: 'Remove the parameter or move it to the plugin that owns it (e.g. approx-prefix-cache-producer).',
    field: 'plugins[].parameters',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (!t.strictParams) return [];
      return ctx.read.plugins.flatMap((p) => {
        const info = t.plugins[p.type];
        if (!info || !p.params || info.params.accepts === 'ignored') return [];
        return rejectedParams(info, p.params).map((param) => {
          const owner = producerParamHint(t, p, param);
          return finding(ctx, `${pluginLabel(p)} parameter ${param} is rejected by router ${ctx.version}'s strict decoder (llm-d-router #1134), so the EPP does not start${owner}. Remove ${param}`, {
            currentValue: param,
          });
        });
      });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-ignored-params',
    scope,
    severity: 'warning',
    summary: 'A plugin parameter the router version silently ignores.',
    fix: 'Remove the parameter, or move it to the plugin that reads it.',
    field: 'plugins[].parameters',
    check(ctx) {
      const t = routerTable(ctx.version);
      const plugins = ctx.read.plugins;
      // ≤ v0.8.0: with no producer declared, the loader hands the scorer's parameters to the producer it creates
      const scorerFeedsProducer = t.producer.inheritsScorerParams && !ctx.read.producer;
      return plugins.flatMap((p) => {
        const info = t.plugins[p.type];
        if (!info || !p.params) return [];
        if (t.strictParams && info.params.accepts !== 'ignored') return [];
        return rejectedParams(info, p.params).flatMap((param) => {
          const hint = producerParamHint(t, p, param);
          if (hint && scorerFeedsProducer) return [];
          const reason =
            info.params.accepts === 'ignored'
              ? `the ${p.type} factory never reads its parameters`
              : `router ${ctx.version} does not know it and drops it without a word`;
          return finding(ctx, `${pluginLabel(p)} parameter ${param} has no effect: ${reason}${hint}. Remove ${param}`, {
            currentValue: param,
          });
        });
      });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-handler-mixed-params',
    scope,
    severity: 'error',
    summary: 'disagg-profile-handler mixes the deprecated flat parameters with the nested profiles/deciders form.',
    fix: 'Use only profiles.* and deciders.*.',
    field: 'plugins[disagg-profile-handler].parameters',
    check(ctx) {
      const t = routerTable(ctx.version);
      const info = t.plugins[DISAGG_HANDLER];
      if (!info || typeof info.params.accepts !== 'object' || !info.params.legacy) return [];
      const nestedOnly = Object.keys(info.params.accepts).filter((k) => !(k in info.params.legacy!));
      const flatOnly = Object.keys(info.params.legacy).filter((k) => !(k in (info.params.accepts as object)));
      return ctx.read.plugins
        .filter((p) => p.type === DISAGG_HANDLER && p.params)
        .flatMap((p) => {
          const nested = nestedOnly.filter((k) => k in p.params!);
          const flat = flatOnly.filter((k) => k in p.params!);
          if (!nested.length || !flat.length) return [];
          return [
            finding(ctx, `${pluginLabel(p)} mixes flat parameters (${flat.join(', ')}) with nested ones (${nested.join(', ')}); the handler refuses to start. Keep only the nested form: profiles.{prefill,decode} and deciders.prefill`),
          ];
        });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-param-type',
    scope,
    severity: 'error',
    summary: 'A plugin parameter or profile weight of the wrong JSON type: the value fails to unmarshal and the EPP does not start.',
    fix: 'Write the value as the type the plugin decodes (numbers unquoted, true/false unquoted).',
    field: 'plugins[].parameters',
    check(ctx) {
      const out: Finding[] = [];
      for (const p of ctx.read.plugins) {
        if (p.badParams) {
          out.push(finding(ctx, `${pluginLabel(p)} parameters is ${aType(jsonType(ctx.config.plugins[p.index].parameters))}, not a mapping; the plugin fails to decode it. Write parameters as key: value pairs`));
          continue;
        }
        const types = PARAM_TYPES[p.type];
        if (!types || !p.params) continue;
        for (const [k, v] of Object.entries(p.params)) {
          const want = types[k];
          if (!want || v === null) continue;
          const got = jsonType(v);
          if (got === want) continue;
          out.push(finding(ctx, `${pluginLabel(p)} parameter ${k} is ${aType(got)} (${JSON.stringify(v)}) but the plugin decodes ${aType(want)}; the EPP stops with "cannot unmarshal ${got === 'integer' || got === 'number' ? 'number' : got} into ... ${k}". Write it as ${want === 'integer' ? 'a plain number' : want === 'boolean' ? 'true or false, unquoted' : `a${want === 'object' ? ' mapping' : ' string'}`}`, { currentValue: v }));
        }
      }
      const profiles = Array.isArray(ctx.config.schedulingProfiles) ? ctx.config.schedulingProfiles : [];
      for (const prof of profiles.filter(isPlainObject)) {
        for (const ref of (Array.isArray(prof.plugins) ? prof.plugins : []).filter(isPlainObject)) {
          if (ref.weight !== undefined && ref.weight !== null && typeof ref.weight !== 'number') {
            out.push(finding(ctx, `scheduling profile ${String(prof.name)} gives ${String(ref.pluginRef)} weight ${JSON.stringify(ref.weight)}, which is not a number; the EPP fails to decode its config. Write the weight as a plain number`, { currentValue: ref.weight }));
          }
        }
      }
      return out;
    },
  }),
];
