// EndpointPickerConfig rules: plugin types against the version's registry, feature gates, names and references.

import { routerTable } from '../../../router/table.js';
import type { EppContext } from '../../context.js';
import type { Finding, Rule } from '../../registry.js';
import { defineRule } from '../../registry.js';
import { ENCODE_DECIDER_TYPE } from '../../../router/epp-config.js';
import { PICKER_TYPES, decidersInUse, finding, pluginLabel, reads, scope, versionsRegistering } from './helpers.js';

/** what Go's strconv.ParseBool accepts, lower-cased (the loader lower-cases the value first) */
const PARSE_BOOL = ['1', 't', 'true', '0', 'f', 'false'];

export const pluginsRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-unknown-plugin',
    scope,
    severity: 'error',
    summary: 'A plugin type the router version does not register: the EPP refuses the config.',
    fix: 'Use a plugin type the version registers, or pick the router version that has it.',
    field: 'plugins[].type',
    check(ctx) {
      const t = routerTable(ctx.version);
      return ctx.read.plugins
        .filter((p) => !(p.type in t.plugins))
        .map((p) => {
          if (p.type === '') return finding(ctx, `plugins[${p.index}] has no type; every EPP plugin needs one`);
          const elsewhere = versionsRegistering(p.type);
          const hint = elsewhere.length
            ? ` (it is registered in ${elsewhere.join(', ')})`
            : '';
          return finding(ctx, `plugins[${p.index}] type ${p.type} is not registered in router ${ctx.version}${hint}; the EPP exits with "plugin type is not registered". Remove it or change the type`, {
            currentValue: p.type,
          });
        });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-deprecated-plugin',
    scope,
    severity: 'info',
    summary: 'A plugin the router version still registers but has deprecated.',
    fix: 'Move to the replacement plugin before the removal version.',
    field: 'plugins[].type',
    check(ctx) {
      const t = routerTable(ctx.version);
      return ctx.read.plugins.flatMap((p) => {
        const dep = t.plugins[p.type]?.deprecated;
        if (!dep) return [];
        const removal = dep.removal ? `, removal planned in ${dep.removal}` : '';
        const use = dep.use ? `; use ${dep.use} instead` : '';
        const issue = dep.issue ? ` (${dep.issue})` : '';
        return [finding(ctx, `${pluginLabel(p)} is deprecated since ${dep.since}${removal}${issue}${use}`)];
      });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-experimental-plugin',
    scope,
    severity: 'error',
    summary: 'An alpha plugin: the EPP refuses it unless started with --allow-experimental-plugins.',
    fix: 'Remove the plugin or add --allow-experimental-plugins to the EPP arguments.',
    field: 'plugins[].type',
    check(ctx) {
      const t = routerTable(ctx.version);
      // the EPP pd-disagg generates for this config is started with the flag (src/router/stack.ts)
      if (ctx.experimentalAllowed) return [];
      return ctx.read.plugins
        .filter((p) => t.plugins[p.type]?.alpha)
        .map((p) =>
          finding(ctx, `${pluginLabel(p)} is alpha in router ${ctx.version}: the EPP stops at start ("has Alpha stability level, but command line flag --${t.epp.experimentalPluginsFlag} is not set"), and pd-disagg does not pass that flag; remove the plugin`),
        );
    },
  }),

  defineRule<EppContext>({
    id: 'epp-unknown-feature-gate',
    scope,
    severity: 'error',
    summary: 'A feature gate the router version does not register, or (v0.10.0+) a gate=value whose value is not a boolean: the EPP fails to load its config and crashloops.',
    fix: 'Remove the gate from featureGates, or write its value as true or false.',
    field: 'featureGates',
    check(ctx) {
      const t = routerTable(ctx.version);
      const gates = Array.isArray(ctx.config.featureGates) ? ctx.config.featureGates : [];
      return gates.flatMap((g: unknown, i: number) => {
        const raw = String(g);
        // v0.10+ (loader/validation.go validateFeatureGates): the name is the text before the first "=", untrimmed;
        // a value after it must pass strconv.ParseBool once trimmed and lower-cased
        const [name, value] = t.featureGates.acceptsAssignments ? raw.split('=') : [raw];
        if (t.featureGates.registered.includes(name!)) {
          if (value === undefined || PARSE_BOOL.includes(value.trim().toLowerCase())) return [];
          return [
            finding(ctx, `featureGates[${i}] "${raw}" sets ${name} to a value that is not a boolean; the EPP exits with "${value} is not a valid value for the feature gate ${name}" and crashloops. Write ${name}=true or ${name}=false`, { currentValue: raw }),
          ];
        }
        const why = t.featureGates.removed[name!];
        return [
          finding(ctx, `featureGates[${i}] "${raw}" is not registered in router ${ctx.version}; the EPP exits with "feature gate '${name}' is unknown or unregistered" and crashloops${why ? ` (${why})` : ''}. Remove it; known gates: ${t.featureGates.registered.join(', ')}`, {
            currentValue: raw,
          }),
        ];
      });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-plugin-order',
    scope,
    severity: 'error',
    summary: 'The profile handler is declared before its decider, and this router version builds plugins in order.',
    fix: 'Move the decider plugin above the profile handler.',
    field: 'plugins',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (!t.declarationOrderMatters) return [];
      const plugins = ctx.read.plugins;
      const handler = ctx.read.handler;
      if (!handler) return [];
      return decidersInUse(plugins, handler)
        .filter((d) => d.index > handler.plugin.index)
        .map((d) =>
          finding(ctx, `${pluginLabel(handler.plugin)} (plugins[${handler.plugin.index}]) comes before its decider ${d.name} (plugins[${d.index}]); router ${ctx.version} builds plugins in list order, so the handler fails with "deciders.${d.stage} plugin not found". Move ${d.name} above the handler`),
        );
    },
  }),

  defineRule<EppContext>({
    id: 'epp-duplicate-plugin-name',
    scope,
    severity: 'error',
    summary: 'Two plugins share a name (a missing name defaults to the type).',
    fix: 'Give each plugin instance a distinct name.',
    field: 'plugins[].name',
    check(ctx) {
      const seen = new Map<string, number>();
      const out: Finding[] = [];
      for (const p of ctx.read.plugins) {
        const first = seen.get(p.name);
        if (first !== undefined) {
          out.push(finding(ctx, `plugins[${p.index}] and plugins[${first}] are both named "${p.name}" (an unnamed plugin takes its type as name); the EPP rejects duplicate plugin names. Set a distinct name on one of them`, { currentValue: p.name }));
        } else seen.set(p.name, p.index);
      }
      return out;
    },
  }),

  defineRule<EppContext>({
    id: 'epp-missing-plugin-ref',
    scope,
    severity: 'error',
    summary: 'A profile pluginRef or a handler decider name that matches no declared plugin.',
    fix: 'Declare the plugin under plugins, or fix the name.',
    field: 'schedulingProfiles[].plugins[].pluginRef',
    check(ctx) {
      const plugins = ctx.read.plugins;
      const names = new Set(plugins.map((p) => p.name));
      // with no picker declared the loader registers one named max-score-picker (system defaults)
      if (!plugins.some((p) => PICKER_TYPES.includes(p.type))) names.add('max-score-picker');
      const out: Finding[] = [];
      for (const profile of ctx.read.profiles) {
        for (const ref of profile.refs) {
          if (!names.has(ref)) {
            out.push(finding(ctx, `scheduling profile ${profile.name} refers to plugin "${ref}", which is not declared under plugins; declare it or remove the pluginRef`, { currentValue: ref }));
          }
        }
      }
      const handler = ctx.read.handler;
      if (handler?.prefillDecider && !names.has(handler.prefillDecider)) {
        out.push(finding(ctx, `${pluginLabel(handler.plugin)} ${handler.deciderField} names "${handler.prefillDecider}", which is not declared under plugins; the handler fails to build. Declare a plugin of type prefix-based-pd-decider or always-disagg-pd-decider with that name`, { currentValue: handler.prefillDecider }));
      }
      if (handler?.encodeDecider && !names.has(handler.encodeDecider)) {
        out.push(finding(ctx, `${pluginLabel(handler.plugin)} ${handler.encodeDeciderField} names "${handler.encodeDecider}", which is not declared under plugins; the handler fails to build ("deciders.encode plugin not found"). Declare a plugin of type ${ENCODE_DECIDER_TYPE} with that name`, { currentValue: handler.encodeDecider }));
      }
      const t = routerTable(ctx.version);
      for (const p of plugins.filter((x) => x.type === 'prefix-cache-scorer')) {
        const producer = p.params?.prefixMatchInfoProducerName;
        if (typeof producer !== 'string' || !reads(t.plugins[p.type], 'prefixMatchInfoProducerName') || names.has(producer)) continue;
        out.push(finding(ctx, `${pluginLabel(p)} prefixMatchInfoProducerName names "${producer}", which is not declared under plugins; the EPP stops with "no default producer found for missing data key". Name the declared ${t.producer.type} or remove the parameter`, { currentValue: producer }));
      }
      return out;
    },
  }),
];
