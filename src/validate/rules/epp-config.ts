// Rules for an EndpointPickerConfig against the router version that will load it. Every version difference comes
// from the router table; the rules only read it. Findings point at the field holding the whole config (origin.path)
// and name the plugin and parameter in the message.
import { routerTable } from '../../router/table.js';
import type { PluginInfo, RouterTable } from '../../router/types.js';
import { ROUTER_VERSIONS } from '../../router/types.js';
import type { KObject } from '../../types.js';
import { isPlainObject } from '../../types.js';
import type { EppContext } from '../context.js';
import type { Finding, Rule } from '../registry.js';
import { defineRule } from '../registry.js';

// ---------------------------------------------------------------------------------------------------------------
// Reading the config

interface PluginEntry {
  index: number;
  name: string;
  type: string;
  params: KObject | undefined;
  /** parameters present but not an object */
  badParams: boolean;
}

function pluginsOf(config: KObject): PluginEntry[] {
  const list = Array.isArray(config.plugins) ? config.plugins : [];
  const out: PluginEntry[] = [];
  list.forEach((p: unknown, index: number) => {
    if (!isPlainObject(p)) return;
    const type = typeof p.type === 'string' ? p.type : '';
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : type;
    const params = isPlainObject(p.parameters) ? p.parameters : undefined;
    out.push({ index, name, type, params, badParams: p.parameters != null && !isPlainObject(p.parameters) });
  });
  return out;
}

interface ProfileEntry {
  name: string;
  refs: string[];
}

function profilesOf(config: KObject): ProfileEntry[] {
  const list = Array.isArray(config.schedulingProfiles) ? config.schedulingProfiles : [];
  return list.filter(isPlainObject).map((p: KObject) => ({
    name: typeof p.name === 'string' ? p.name : '',
    refs: (Array.isArray(p.plugins) ? p.plugins : [])
      .filter(isPlainObject)
      .map((r: KObject) => (typeof r.pluginRef === 'string' ? r.pluginRef : '')),
  }));
}

const DISAGG_HANDLER = 'disagg-profile-handler';
const PD_HANDLER = 'pd-profile-handler';
const PREFIX_DECIDER = 'prefix-based-pd-decider';

/** What the profile handler is set to do, after defaults, in whichever parameter form it uses. */
interface HandlerView {
  plugin: PluginEntry;
  prefillProfile: string;
  decodeProfile: string;
  /** decider plugin name, when one is configured */
  prefillDecider?: string;
  /** the parameter that names the decider, for messages */
  deciderField: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function handlerOf(plugins: PluginEntry[]): HandlerView | undefined {
  const plugin = plugins.find((p) => p.type === DISAGG_HANDLER || p.type === PD_HANDLER);
  if (!plugin) return undefined;
  const params = plugin.params ?? {};
  if (plugin.type === PD_HANDLER) {
    return {
      plugin,
      prefillProfile: str(params.prefillProfile) ?? 'prefill',
      decodeProfile: str(params.decodeProfile) ?? 'decode',
      prefillDecider: str(params.deciderPluginName) ?? PREFIX_DECIDER,
      deciderField: 'deciderPluginName',
    };
  }
  const profiles = isPlainObject(params.profiles) ? params.profiles : {};
  const deciders = isPlainObject(params.deciders) ? params.deciders : {};
  const flatDecider = str(params.prefillDeciderPluginName) ?? str(params.deciderPluginName);
  return {
    plugin,
    prefillProfile: str(profiles.prefill) ?? str(params.prefillProfile) ?? 'prefill',
    decodeProfile: str(profiles.decode) ?? str(params.decodeProfile) ?? 'decode',
    prefillDecider: str(deciders.prefill) ?? flatDecider,
    deciderField: str(deciders.prefill) || !flatDecider ? 'deciders.prefill' : 'prefillDeciderPluginName',
  };
}

function producerOf(table: RouterTable, plugins: PluginEntry[]): PluginEntry | undefined {
  return plugins.find((p) => p.type === table.producer.type);
}

/** Whether the loader adds the producer when the config declares none (table.producer.autoCreated). */
function autoCreatesProducer(table: RouterTable, plugins: PluginEntry[]): boolean {
  return table.producer.autoCreated === 'for-any-consumer' || plugins.some((p) => p.type === 'prefix-cache-scorer');
}

/** the producer's settings after the version's defaults */
function producerSettings(table: RouterTable, producer: PluginEntry | undefined) {
  const p = producer?.params ?? {};
  const d = table.producer.defaults;
  const num = (v: unknown, dflt: number) => (typeof v === 'number' ? v : dflt);
  return {
    autoTune: typeof p.autoTune === 'boolean' ? p.autoTune : d.autoTune,
    blockSizeTokens: num(p.blockSizeTokens, d.blockSizeTokens),
    explicitBlockSize: typeof p.blockSizeTokens === 'number',
    maxPrefixBlocksToMatch: p.maxPrefixBlocksToMatch,
    maxPrefixTokensToMatch: p.maxPrefixTokensToMatch,
  };
}

function where(ctx: EppContext): Pick<Finding, 'resource' | 'path'> {
  const out: Pick<Finding, 'resource' | 'path'> = { path: ctx.origin.path };
  if (ctx.origin.resource) out.resource = ctx.origin.resource;
  return out;
}

function finding(ctx: EppContext, message: string, extra: Partial<Finding> = {}): Finding {
  return { message, ...where(ctx), ...extra };
}

function pluginLabel(p: PluginEntry): string {
  return p.name === p.type ? `plugin ${p.type}` : `plugin ${p.name} (type ${p.type})`;
}

/** versions that register a plugin type, for hints */
function versionsRegistering(type: string): string[] {
  return ROUTER_VERSIONS.filter((v) => type in routerTable(v).plugins);
}

type Shape = Readonly<Record<string, true | readonly string[]>>;

/** parameter paths in `params` that `shape` does not describe */
function unknownParams(params: KObject, shape: Shape): string[] {
  const bad: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const allowed = shape[key];
    if (allowed === undefined) bad.push(key);
    else if (Array.isArray(allowed) && isPlainObject(value)) {
      for (const sub of Object.keys(value)) if (!allowed.includes(sub)) bad.push(`${key}.${sub}`);
    }
  }
  return bad;
}

/** the unknown parameters of one plugin under its accepted forms (the best-fitting form wins) */
function rejectedParams(info: PluginInfo, params: KObject): string[] {
  const accepts = info.params.accepts;
  if (accepts === 'unchecked') return [];
  if (accepts === 'ignored') return Object.keys(params);
  const nested = unknownParams(params, accepts);
  if (!info.params.legacy || nested.length === 0) return nested;
  const flat = unknownParams(params, info.params.legacy);
  return flat.length < nested.length ? flat : nested;
}

/** whether `info` reads parameter `key` (in either form) */
function reads(info: PluginInfo | undefined, key: string): boolean {
  const accepts = info?.params.accepts;
  return typeof accepts === 'object' && key in accepts;
}

/** producer parameters written on prefix-cache-scorer: which plugin they belong to, for messages */
function producerParamHint(t: RouterTable, p: PluginEntry, param: string): string {
  return p.type === 'prefix-cache-scorer' && reads(t.plugins[t.producer.type], param) ? `; it belongs on ${t.producer.type}` : '';
}

function decidersInUse(plugins: PluginEntry[], handler: HandlerView | undefined): PluginEntry[] {
  if (handler?.prefillDecider) {
    const d = plugins.find((p) => p.name === handler.prefillDecider);
    return d ? [d] : [];
  }
  return [];
}

/** Every profile handler type any supported tag registers; the scheduler config accepts exactly one. */
const PROFILE_HANDLER_TYPES = ['single-profile-handler', DISAGG_HANDLER, PD_HANDLER, 'data-parallel-profile-handler', 'header-profile-handler'];
/** Picker types: with none declared the loader adds a max-score-picker named "max-score-picker" to every profile. */
const PICKER_TYPES = ['max-score-picker', 'random-picker', 'weighted-random-picker'];
/** Filters that keep only the prefill pods in the prefill profile (the role filters, or a label filter). */
const ROLE_FILTER_TYPES = { prefill: ['prefill-filter', 'by-label', 'by-label-selector', 'label-selector-filter'], decode: ['decode-filter', 'by-label', 'by-label-selector', 'label-selector-filter'] };
const STAGE_ORDERS = ['decode-first', 'prefill-first'];

/** Go types of the parameters the P/D plugins decode: a value of another JSON type fails to unmarshal. */
const PARAM_TYPES: Readonly<Record<string, Readonly<Record<string, 'integer' | 'boolean' | 'string' | 'object'>>>> = {
  'approx-prefix-cache-producer': { autoTune: 'boolean', blockSizeTokens: 'integer', maxPrefixBlocksToMatch: 'integer', maxPrefixTokensToMatch: 'integer', lruCapacityPerServer: 'integer' },
  [PREFIX_DECIDER]: { nonCachedTokens: 'integer', promptTokens: 'integer' },
  [DISAGG_HANDLER]: { profiles: 'object', deciders: 'object', stageOrder: 'string', prefillProfile: 'string', decodeProfile: 'string', deciderPluginName: 'string', prefillDeciderPluginName: 'string' },
  [PD_HANDLER]: { prefillProfile: 'string', decodeProfile: 'string', deciderPluginName: 'string' },
  'prefix-cache-scorer': { prefixMatchInfoProducerName: 'string' },
};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The stage order the handler runs (v0.10+: stageOrder; before that the decode-first order is the only one). */
function stageOrderOf(handler: HandlerView | undefined): unknown {
  return handler?.plugin.params?.stageOrder;
}

// ---------------------------------------------------------------------------------------------------------------
// The rules

const scope = 'epp-config' as const;

export const eppConfigRules: Rule<EppContext>[] = [
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
          finding(ctx, `EndpointPickerConfig apiVersion ${JSON.stringify(apiVersion ?? null)} is not decoded by router ${ctx.version}, so the EPP fails to load its config; set apiVersion: ${t.config.apiVersion}`, {
            currentValue: apiVersion,
            proposedValue: t.config.apiVersion,
          }),
        );
      }
      if (kind !== undefined && kind !== t.config.kind) {
        out.push(finding(ctx, `EPP config kind ${JSON.stringify(kind ?? null)} is not EndpointPickerConfig; set kind: EndpointPickerConfig`));
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
    id: 'epp-unknown-plugin',
    scope,
    severity: 'error',
    summary: 'A plugin type the router version does not register: the EPP refuses the config.',
    fix: 'Use a plugin type the version registers, or pick the router version that has it.',
    field: 'plugins[].type',
    check(ctx) {
      const t = routerTable(ctx.version);
      return pluginsOf(ctx.config)
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
      return pluginsOf(ctx.config).flatMap((p) => {
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
      return pluginsOf(ctx.config)
        .filter((p) => t.plugins[p.type]?.alpha)
        .map((p) =>
          finding(ctx, `${pluginLabel(p)} is alpha in router ${ctx.version}: the EPP stops at start ("has Alpha stability level, but command line flag --allow-experimental-plugins is not set"), and pd-disagg does not pass that flag; remove the plugin`),
        );
    },
  }),

  defineRule<EppContext>({
    id: 'epp-unknown-feature-gate',
    scope,
    severity: 'error',
    summary: 'A feature gate the router version does not register: the EPP fails to load its config and crashloops.',
    fix: 'Remove the gate from featureGates.',
    field: 'featureGates',
    check(ctx) {
      const t = routerTable(ctx.version);
      const gates = Array.isArray(ctx.config.featureGates) ? ctx.config.featureGates : [];
      return gates.flatMap((g: unknown, i: number) => {
        const raw = String(g);
        const name = t.featureGates.acceptsAssignments ? raw.split('=')[0]!.trim() : raw;
        if (t.featureGates.registered.includes(name)) return [];
        const why = t.featureGates.removed[name];
        return [
          finding(ctx, `featureGates[${i}] "${raw}" is not registered in router ${ctx.version}; the EPP exits with "feature gate '${name}' is unknown or unregistered" and crashloops${why ? ` (${why})` : ''}. Remove it; known gates: ${t.featureGates.registered.join(', ')}`, {
            currentValue: raw,
          }),
        ];
      });
    },
  }),

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
      return pluginsOf(ctx.config).flatMap((p) => {
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
      const plugins = pluginsOf(ctx.config);
      // ≤ v0.8.0: with no producer declared, the loader hands the scorer's parameters to the producer it creates
      const scorerFeedsProducer = t.producer.inheritsScorerParams && !producerOf(t, plugins);
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
      return pluginsOf(ctx.config)
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
    id: 'epp-missing-plugin-ref',
    scope,
    severity: 'error',
    summary: 'A profile pluginRef or a handler decider name that matches no declared plugin.',
    fix: 'Declare the plugin under plugins, or fix the name.',
    field: 'schedulingProfiles[].plugins[].pluginRef',
    check(ctx) {
      const plugins = pluginsOf(ctx.config);
      const names = new Set(plugins.map((p) => p.name));
      // with no picker declared the loader registers one named max-score-picker (system defaults)
      if (!plugins.some((p) => PICKER_TYPES.includes(p.type))) names.add('max-score-picker');
      const out: Finding[] = [];
      for (const profile of profilesOf(ctx.config)) {
        for (const ref of profile.refs) {
          if (!names.has(ref)) {
            out.push(finding(ctx, `scheduling profile ${profile.name} refers to plugin "${ref}", which is not declared under plugins; declare it or remove the pluginRef`, { currentValue: ref }));
          }
        }
      }
      const handler = handlerOf(plugins);
      if (handler?.prefillDecider && !names.has(handler.prefillDecider)) {
        out.push(finding(ctx, `${pluginLabel(handler.plugin)} ${handler.deciderField} names "${handler.prefillDecider}", which is not declared under plugins; the handler fails to build. Declare a plugin of type prefix-based-pd-decider or always-disagg-pd-decider with that name`, { currentValue: handler.prefillDecider }));
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

  defineRule<EppContext>({
    id: 'epp-missing-profile',
    scope,
    severity: 'error',
    summary: 'The profile handler names a prefill or decode profile that schedulingProfiles does not define.',
    fix: 'Name the schedulingProfiles prefill and decode, or point the handler at the names used.',
    field: 'schedulingProfiles[].name',
    check(ctx) {
      const handler = handlerOf(pluginsOf(ctx.config));
      if (!handler) return [];
      const names = new Set(profilesOf(ctx.config).map((p) => p.name));
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
    id: 'epp-no-prefill-decider',
    scope,
    severity: 'error',
    summary: 'No profile handler with a prefill decider: the EPP never disaggregates.',
    fix: 'Add disagg-profile-handler with deciders.prefill naming a declared decider.',
    field: 'plugins[disagg-profile-handler].parameters.deciders.prefill',
    check(ctx) {
      const handler = handlerOf(pluginsOf(ctx.config));
      if (!handler) {
        return [finding(ctx, 'no disagg-profile-handler plugin: every request runs decode only and the prefill pods get no traffic; add disagg-profile-handler with deciders.prefill: prefix-based-pd-decider (or always-disagg-pd-decider)')];
      }
      if (handler.prefillDecider) return [];
      // v0.10+: stageOrder prefill-first runs the prefill stage for every request, without a decider
      if (stageOrderOf(handler) === 'prefill-first' && reads(routerTable(ctx.version).plugins[handler.plugin.type], 'stageOrder')) return [];
      return [
        finding(ctx, `${pluginLabel(handler.plugin)} has no deciders.prefill, so P/D disaggregation is disabled (the EPP logs "No deciders.prefill configured"); set deciders.prefill to a declared prefix-based-pd-decider or always-disagg-pd-decider`, {
          proposedValue: PREFIX_DECIDER,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-non-cached-tokens',
    scope,
    severity: 'error',
    summary: 'prefix-based-pd-decider with nonCachedTokens 0 or unset never disaggregates (since v0.7.0).',
    fix: 'Set nonCachedTokens to a positive number of tokens (16 is the upstream sample value).',
    field: 'plugins[prefix-based-pd-decider].parameters.nonCachedTokens',
    check(ctx) {
      return pluginsOf(ctx.config)
        .filter((p) => p.type === PREFIX_DECIDER)
        .flatMap((p) => {
          const v = p.params?.nonCachedTokens;
          if (typeof v === 'number' && Number.isInteger(v) && v > 0) return [];
          const what = v === undefined ? 'is not set (default 0)' : `is ${JSON.stringify(v)}`;
          return [
            finding(ctx, `${pluginLabel(p)} nonCachedTokens ${what}: 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider`, {
              currentValue: v,
              proposedValue: 16,
            }),
          ];
        });
    },
  }),

  defineRule<EppContext>({
    id: 'epp-no-prefix-producer',
    scope,
    severity: 'warning',
    summary: 'No explicit approx-prefix-cache-producer: the EPP creates one with default parameters.',
    fix: 'Declare approx-prefix-cache-producer with autoTune: false and blockSizeTokens equal to the engines\' block size.',
    field: 'plugins[approx-prefix-cache-producer]',
    check(ctx) {
      const t = routerTable(ctx.version);
      const plugins = pluginsOf(ctx.config);
      if (producerOf(t, plugins)) return [];
      const consumers = plugins.filter((p) => p.type === 'prefix-cache-scorer' || p.type === PREFIX_DECIDER);
      if (!consumers.length) return [];
      // no producer is created at all then: epp-decider-no-producer says so
      if (!autoCreatesProducer(t, plugins)) return [];
      const d = t.producer.defaults;
      return [
        finding(ctx, `no ${t.producer.type} plugin although ${consumers.map((c) => c.name).join(' and ')} read its prefix-match data; router ${ctx.version} creates one with defaults (autoTune: ${d.autoTune}, blockSizeTokens: ${d.blockSizeTokens}), so the block size is not pinned to the engines'. Declare ${t.producer.type} with autoTune: false and blockSizeTokens: <engine --block-size>`),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-decider-no-producer',
    scope,
    severity: 'error',
    summary: 'Router v0.8.0 creates the prefix producer only alongside prefix-cache-scorer; with neither, the prefix decider never disaggregates.',
    fix: 'Declare approx-prefix-cache-producer (autoTune: false, blockSizeTokens: the engines\' block size).',
    field: 'plugins[approx-prefix-cache-producer]',
    check(ctx) {
      const t = routerTable(ctx.version);
      const plugins = pluginsOf(ctx.config);
      const decider = decidersInUse(plugins, handlerOf(plugins)).find((d) => d.type === PREFIX_DECIDER);
      if (!decider || producerOf(t, plugins) || autoCreatesProducer(t, plugins)) return [];
      return [
        finding(ctx, `${pluginLabel(decider)} reads the prefix-match data of ${t.producer.type}, but there is none: router ${ctx.version} creates that producer only when prefix-cache-scorer is declared, so the decider sees no data and never takes the prefill hop. Declare ${t.producer.type} with autoTune: false and blockSizeTokens: <engine --block-size>`, {
          proposedValue: t.producer.type,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-producer-autotune',
    scope,
    severity: 'warning',
    summary: 'The prefix producer auto-tunes its block size instead of pinning it (router ≤ v0.8.0).',
    fix: 'Set autoTune: false and blockSizeTokens to the engines\' block size.',
    field: 'plugins[approx-prefix-cache-producer].parameters.autoTune',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (!t.producer.pinBlockSize) return [];
      const producer = producerOf(t, pluginsOf(ctx.config));
      if (!producer) return [];
      const s = producerSettings(t, producer);
      if (!s.autoTune) return [];
      const block = s.explicitBlockSize ? '' : ' and no blockSizeTokens';
      return [
        finding(ctx, `${pluginLabel(producer)} has autoTune on${block}: on router ${ctx.version} the block size then follows whatever the first endpoint's metrics report, and the seed deployment only disaggregated with it pinned. Set autoTune: false and blockSizeTokens: ${ctx.engineBlockSize ?? '<engine --block-size>'}`, {
          currentValue: true,
          proposedValue: false,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-producer-invalid',
    scope,
    severity: 'error',
    summary: 'Prefix producer parameters its constructor rejects (no block size with autoTune off, negative token cap), or a negative block cap that crashes the v0.8.0 EPP at the first request.',
    fix: 'Give blockSizeTokens a positive value, keep maxPrefixTokensToMatch >= 0 and maxPrefixBlocksToMatch > 0.',
    field: 'plugins[approx-prefix-cache-producer].parameters',
    check(ctx) {
      const t = routerTable(ctx.version);
      const producer = producerOf(t, pluginsOf(ctx.config));
      if (!producer?.params) return [];
      const p = producer.params;
      const out: Finding[] = [];
      if (p.autoTune === false && typeof p.blockSizeTokens === 'number' && p.blockSizeTokens <= 0) {
        out.push(finding(ctx, `${pluginLabel(producer)} has autoTune: false with blockSizeTokens ${p.blockSizeTokens}; the producer refuses to start. Set blockSizeTokens to the engines' block size`, { currentValue: p.blockSizeTokens, ...(ctx.engineBlockSize ? { proposedValue: ctx.engineBlockSize } : {}) }));
      }
      if (typeof p.maxPrefixTokensToMatch === 'number' && p.maxPrefixTokensToMatch < 0) {
        out.push(finding(ctx, `${pluginLabel(producer)} maxPrefixTokensToMatch is negative; the producer refuses to start. Use 0 (no token cap) or a positive token count`, { currentValue: p.maxPrefixTokensToMatch }));
      }
      // the block cap applies when no positive token cap overrides it
      const tokenCap = typeof p.maxPrefixTokensToMatch === 'number' ? p.maxPrefixTokensToMatch : t.producer.defaults.maxPrefixTokensToMatch;
      if (t.producer.negativeBlockCap === 'crashes' && typeof p.maxPrefixBlocksToMatch === 'number' && p.maxPrefixBlocksToMatch < 0 && !(tokenCap > 0)) {
        out.push(finding(ctx, `${pluginLabel(producer)} maxPrefixBlocksToMatch is ${p.maxPrefixBlocksToMatch}: router ${ctx.version} loads it, then panics ("slice bounds out of range") on the first prompt of a block or more, which takes the EPP down. Use a positive block count (default ${t.producer.defaults.maxPrefixBlocksToMatch})`, { currentValue: p.maxPrefixBlocksToMatch, proposedValue: t.producer.defaults.maxPrefixBlocksToMatch }));
      }
      return out;
    },
  }),

  defineRule<EppContext>({
    id: 'epp-block-size-mismatch',
    scope,
    severity: 'warning',
    summary: 'The producer\'s pinned blockSizeTokens differs from the engines\' KV block size.',
    fix: 'Set blockSizeTokens to the engines\' --block-size / --page-size.',
    field: 'plugins[approx-prefix-cache-producer].parameters.blockSizeTokens',
    check(ctx) {
      if (ctx.engineBlockSize === undefined) return [];
      const t = routerTable(ctx.version);
      const producer = producerOf(t, pluginsOf(ctx.config));
      if (!producer) return [];
      const s = producerSettings(t, producer);
      if (s.autoTune || s.blockSizeTokens === ctx.engineBlockSize) return [];
      return [
        finding(ctx, `${pluginLabel(producer)} blockSizeTokens is ${s.blockSizeTokens}${s.explicitBlockSize ? '' : ' (default)'} but the engines use ${ctx.engineBlockSize}-token KV blocks, so prefix-cache routing estimates hits wrongly; set blockSizeTokens: ${ctx.engineBlockSize}`, {
          currentValue: s.blockSizeTokens,
          proposedValue: ctx.engineBlockSize,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-block-size-floor',
    scope,
    severity: 'info',
    summary: 'The block size is below the router version\'s floor; the EPP hashes with the floor instead.',
    fix: 'Nothing to change: the value matches the engines; expect prefix matching in 64-token steps.',
    field: 'plugins[approx-prefix-cache-producer].parameters.blockSizeTokens',
    check(ctx) {
      const t = routerTable(ctx.version);
      const floor = t.producer.minBlockSizeTokens;
      if (floor === undefined) return [];
      const producer = producerOf(t, pluginsOf(ctx.config));
      const s = producerSettings(t, producer);
      const configured = s.autoTune ? ctx.engineBlockSize : s.blockSizeTokens;
      if (configured === undefined || configured >= floor || configured <= 0) return [];
      const subject = producer ? pluginLabel(producer) : `the auto-created ${t.producer.type}`;
      return [
        finding(ctx, `${subject} works with ${configured}-token blocks, but router ${ctx.version} raises any block size below ${floor} to ${floor} (llm-d-router #1160): the EPP will match prefixes in ${floor}-token blocks. Keep blockSizeTokens equal to the engines'; this is informational`, {
          currentValue: configured,
        }),
      ];
    },
  }),

  defineRule<EppContext>({
    id: 'epp-prefix-cap-ignored',
    scope,
    severity: 'warning',
    summary: 'maxPrefixBlocksToMatch has no effect because the token cap (default 131072) takes precedence.',
    fix: 'Cap in tokens with maxPrefixTokensToMatch, or set maxPrefixTokensToMatch: 0 to cap by blocks.',
    field: 'plugins[approx-prefix-cache-producer].parameters.maxPrefixBlocksToMatch',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (t.producer.defaults.maxPrefixTokensToMatch <= 0) return [];
      const producer = producerOf(t, pluginsOf(ctx.config));
      if (!producer) return [];
      const s = producerSettings(t, producer);
      if (typeof s.maxPrefixBlocksToMatch !== 'number' || s.maxPrefixTokensToMatch !== undefined) return [];
      const block = Math.max(s.blockSizeTokens, t.producer.minBlockSizeTokens ?? 0);
      return [
        finding(ctx, `${pluginLabel(producer)} maxPrefixBlocksToMatch: ${s.maxPrefixBlocksToMatch} is ignored on router ${ctx.version}: the default maxPrefixTokensToMatch (${t.producer.defaults.maxPrefixTokensToMatch}) wins. Replace it with maxPrefixTokensToMatch: ${s.maxPrefixBlocksToMatch * block}`, {
          currentValue: s.maxPrefixBlocksToMatch,
          proposedValue: s.maxPrefixBlocksToMatch * block,
        }),
      ];
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
      const handler = handlerOf(pluginsOf(ctx.config));
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
      const plugins = pluginsOf(ctx.config);
      const handler = handlerOf(plugins);
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
      const plugins = pluginsOf(ctx.config);
      const handler = handlerOf(plugins);
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
    id: 'epp-plugin-order',
    scope,
    severity: 'error',
    summary: 'The profile handler is declared before its decider, and this router version builds plugins in order.',
    fix: 'Move the decider plugin above the profile handler.',
    field: 'plugins',
    check(ctx) {
      const t = routerTable(ctx.version);
      if (!t.declarationOrderMatters) return [];
      const plugins = pluginsOf(ctx.config);
      const handler = handlerOf(plugins);
      const decider = decidersInUse(plugins, handler)[0];
      if (!handler || !decider || decider.index < handler.plugin.index) return [];
      return [
        finding(ctx, `${pluginLabel(handler.plugin)} (plugins[${handler.plugin.index}]) comes before its decider ${decider.name} (plugins[${decider.index}]); router ${ctx.version} builds plugins in list order, so the handler fails with "deciders.prefill plugin not found". Move ${decider.name} above the handler`),
      ];
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
      for (const p of pluginsOf(ctx.config)) {
        const first = seen.get(p.name);
        if (first !== undefined) {
          out.push(finding(ctx, `plugins[${p.index}] and plugins[${first}] are both named "${p.name}" (an unnamed plugin takes its type as name); the EPP rejects duplicate plugin names. Set a distinct name on one of them`, { currentValue: p.name }));
        } else seen.set(p.name, p.index);
      }
      return out;
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

  defineRule<EppContext>({
    id: 'epp-param-type',
    scope,
    severity: 'error',
    summary: 'A plugin parameter or profile weight of the wrong JSON type: the value fails to unmarshal and the EPP does not start.',
    fix: 'Write the value as the type the plugin decodes (numbers unquoted, true/false unquoted).',
    field: 'plugins[].parameters',
    check(ctx) {
      const out: Finding[] = [];
      for (const p of pluginsOf(ctx.config)) {
        if (p.badParams) {
          out.push(finding(ctx, `${pluginLabel(p)} parameters is a ${jsonType(ctx.config.plugins[p.index].parameters)}, not a mapping; the plugin fails to decode it. Write parameters as key: value pairs`));
          continue;
        }
        const types = PARAM_TYPES[p.type];
        if (!types || !p.params) continue;
        for (const [k, v] of Object.entries(p.params)) {
          const want = types[k];
          if (!want || v === null) continue;
          const got = jsonType(v);
          if (got === want || (want === 'object' && got === 'object')) continue;
          out.push(finding(ctx, `${pluginLabel(p)} parameter ${k} is a ${got} (${JSON.stringify(v)}) but the plugin decodes an ${want}; the EPP stops with "cannot unmarshal ${got === 'integer' || got === 'number' ? 'number' : got} into ... ${k}". Write it as ${want === 'integer' ? 'a plain number' : want === 'boolean' ? 'true or false, unquoted' : `a${want === 'object' ? ' mapping' : ' string'}`}`, { currentValue: v }));
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

  defineRule<EppContext>({
    id: 'epp-profile-handlers',
    scope,
    severity: 'error',
    summary: 'More than one profile handler: the scheduler config accepts exactly one.',
    fix: 'Keep only disagg-profile-handler.',
    field: 'plugins[].type',
    check(ctx) {
      const handlers = pluginsOf(ctx.config).filter((p) => PROFILE_HANDLER_TYPES.includes(p.type));
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
      const handler = handlerOf(pluginsOf(ctx.config));
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
    fix: 'Reference prefill-filter in the prefill profile and decode-filter in the decode profile (or a label filter on llm-d.ai/role).',
    field: 'schedulingProfiles[].plugins',
    check(ctx) {
      const plugins = pluginsOf(ctx.config);
      const handler = handlerOf(plugins);
      if (!handler) return [];
      const byName = new Map(plugins.map((p) => [p.name, p]));
      const out: Finding[] = [];
      for (const [role, name] of [['prefill', handler.prefillProfile], ['decode', handler.decodeProfile]] as const) {
        const profile = profilesOf(ctx.config).find((p) => p.name === name);
        if (!profile || profile.refs.some((r) => ROLE_FILTER_TYPES[role].includes(byName.get(r)?.type ?? ''))) continue;
        out.push(
          finding(ctx, `scheduling profile ${profile.name} (the ${role} stage) has no ${role} filter, so the scheduler picks between prefill and decode pods by score and tie-break, and requests are not reliably disaggregated; add - pluginRef: ${role}-filter to it`),
        );
      }
      return out;
    },
  }),
];
