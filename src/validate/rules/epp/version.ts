// EndpointPickerConfig rules: apiVersion and kind, and fields the config decoder does not know.

import { routerTable } from '../../../router/table.js';
import type { EppContext } from '../../context.js';
import type { Finding, Rule } from '../../registry.js';
import { defineRule } from '../../registry.js';
import { finding, scope } from './helpers.js';

export const versionRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-api-version',
    scope,
    severity: 'error',
    summary: 'The EndpointPickerConfig apiVersion or kind is not one the router version decodes.',
    fix: 'Set the apiVersion the router version expects (llm-d.ai/v1alpha1 from v0.9.0, inference.networking.x-k8s.io/v1alpha1 before).',
    field: 'apiVersion',
    check(ctx) {
      const t = routerTable(ctx.version);
      const { apiVersion, kind } = ctx.config;
      const out: Finding[] = [];
      // a config without apiVersion/kind still decodes (the loader does not check TypeMeta when it is absent)
      if (apiVersion !== undefined && apiVersion !== t.config.apiVersion && !t.config.deprecatedApiVersions.includes(apiVersion)) {
        out.push(
          finding(ctx, `EndpointPickerConfig apiVersion ${JSON.stringify(apiVersion)} is not decoded by router ${ctx.version}, so the EPP fails to load its config; set apiVersion: ${t.config.apiVersion}`, {
            currentValue: apiVersion,
            proposedValue: t.config.apiVersion,
          }),
        );
      }
      if (kind !== undefined && kind !== t.config.kind) {
        out.push(finding(ctx, `EPP config kind ${JSON.stringify(kind)} is not EndpointPickerConfig; set kind: EndpointPickerConfig`));
      }
      return out;
    },
  }),

  defineRule<EppContext>({
    id: 'epp-api-version-deprecated',
    scope,
    severity: 'info',
    summary: 'The EndpointPickerConfig apiVersion still loads but is deprecated for the router version.',
    fix: 'Switch to the current apiVersion of the router version.',
    field: 'apiVersion',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (!t.config.deprecatedApiVersions.includes(ctx.config.apiVersion)) return [];
      return [
        finding(ctx, `EndpointPickerConfig apiVersion ${ctx.config.apiVersion} is deprecated in router ${ctx.version} (the EPP logs a DEPRECATION line); use ${t.config.apiVersion}`, {
          currentValue: ctx.config.apiVersion,
          proposedValue: t.config.apiVersion,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-unknown-field',
    scope,
    severity: 'error',
    summary: 'A top-level field the router version\'s config decoder does not know: it refuses the config (strict decoding).',
    fix: 'Remove the field or fix its spelling (plugins, schedulingProfiles, featureGates, ...).',
    field: '<top level>',
    check(ctx) {
      const t = routerTable(ctx.version);
      return Object.keys(ctx.config)
        .filter((k) => !t.config.fields.includes(k))
        .map((k) =>
          finding(ctx, `EndpointPickerConfig field ${k} is unknown to router ${ctx.version}; the EPP stops with "strict decoding error: unknown field \"${k}\"". Remove it; known fields: ${t.config.fields.join(', ')}`, { currentValue: k }),
        );
    },
  }),
];
