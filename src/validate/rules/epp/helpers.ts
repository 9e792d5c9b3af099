// Helpers shared by the epp-config rules: where a finding points (the field holding the whole config), how plugins are
// named in messages, parameter shapes and types, and the plugin types the rules know by role.
import { routerTable } from '../../../router/table.js';
import type { PluginInfo, RouterTable } from '../../../router/types.js';
import { ROUTER_VERSIONS } from '../../../router/types.js';
import type { KObject } from '../../../types.js';
import { isPlainObject } from '../../../types.js';
import type { EppContext } from '../../context.js';
import type { Finding } from '../../registry.js';
import { DISAGG_HANDLER, PD_HANDLER, PREFIX_DECIDER, type HandlerView, type PluginEntry } from './read.js';

export const scope = 'epp-config' as const;

/** A finding on the field holding the config. Without a resource (a config read from no object) `resource` stays
 * undefined, and the result then names none (toResult). */
export function finding(ctx: EppContext, message: string, extra: Partial<Finding> = {}): Finding {
  return { message, path: ctx.origin.path, resource: ctx.origin.resource, ...extra };
}

export function pluginLabel(p: PluginEntry): string {
  return p.name === p.type ? `plugin ${p.type}` : `plugin ${p.name} (type ${p.type})`;
}

/** versions that register a plugin type, for hints */
export function versionsRegistering(type: string): string[] {
  return ROUTER_VERSIONS.filter((v) => type in routerTable(v).plugins);
}

export type Shape = Readonly<Record<string, true | readonly string[]>>;

/** parameter paths in `params` that `shape` does not describe */
export function unknownParams(params: KObject, shape: Shape): string[] {
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
export function rejectedParams(info: PluginInfo, params: KObject): string[] {
  const accepts = info.params.accepts;
  if (accepts === 'unchecked') return [];
  if (accepts === 'ignored') return Object.keys(params);
  const nested = unknownParams(params, accepts);
  if (!info.params.legacy || nested.length === 0) return nested;
  const flat = unknownParams(params, info.params.legacy);
  return flat.length < nested.length ? flat : nested;
}

/** whether `info` reads parameter `key` (in either form) */
export function reads(info: PluginInfo | undefined, key: string): boolean {
  const accepts = info?.params.accepts;
  return typeof accepts === 'object' && key in accepts;
}

/** producer parameters written on prefix-cache-scorer: which plugin they belong to, for messages */
export function producerParamHint(t: RouterTable, p: PluginEntry, param: string): string {
  return p.type === 'prefix-cache-scorer' && reads(t.plugins[t.producer.type], param) ? `; it belongs on ${t.producer.type}` : '';
}

/** The declared deciders the handler names: the prefill decider first, then the encode decider (E/P/D). */
export function decidersInUse(plugins: PluginEntry[], handler: HandlerView | undefined): Array<PluginEntry & { stage: 'prefill' | 'encode' }> {
  const out: Array<PluginEntry & { stage: 'prefill' | 'encode' }> = [];
  for (const [name, stage] of [
    [handler?.prefillDecider, 'prefill'],
    [handler?.encodeDecider, 'encode'],
  ] as const) {
    const d = name ? plugins.find((p) => p.name === name) : undefined;
    if (d) out.push({ ...d, stage });
  }
  return out;
}

/** Every profile handler type any supported tag registers; the scheduler config accepts exactly one. */
export const PROFILE_HANDLER_TYPES = ['single-profile-handler', DISAGG_HANDLER, PD_HANDLER, 'data-parallel-profile-handler', 'header-profile-handler'];
/** Picker types: with none declared the loader adds a max-score-picker named "max-score-picker" to every profile. */
export const PICKER_TYPES = ['max-score-picker', 'random-picker', 'weighted-random-picker'];
/** Filters that keep only the prefill pods in the prefill profile (the role filters, or a label filter). */
export const ROLE_FILTER_TYPES = {
  prefill: ['prefill-filter', 'by-label', 'by-label-selector', 'label-selector-filter'],
  decode: ['decode-filter', 'by-label', 'by-label-selector', 'label-selector-filter'],
  encode: ['encode-filter', 'by-label', 'by-label-selector', 'label-selector-filter'],
};
export const STAGE_ORDERS = ['decode-first', 'prefill-first'];

/** Go types of the parameters the P/D plugins decode: a value of another JSON type fails to unmarshal. */
export const PARAM_TYPES: Readonly<Record<string, Readonly<Record<string, 'integer' | 'boolean' | 'string' | 'object'>>>> = {
  'approx-prefix-cache-producer': { autoTune: 'boolean', blockSizeTokens: 'integer', maxPrefixBlocksToMatch: 'integer', maxPrefixTokensToMatch: 'integer', lruCapacityPerServer: 'integer' },
  [PREFIX_DECIDER]: { nonCachedTokens: 'integer', promptTokens: 'integer' },
  [DISAGG_HANDLER]: { profiles: 'object', deciders: 'object', stageOrder: 'string', prefillProfile: 'string', decodeProfile: 'string', deciderPluginName: 'string', prefillDeciderPluginName: 'string' },
  [PD_HANDLER]: { prefillProfile: 'string', decodeProfile: 'string', deciderPluginName: 'string' },
  'prefix-cache-scorer': { prefixMatchInfoProducerName: 'string' },
};

/** the JSON type of a parameter value (never null here: the rules skip null, which Go's decoder leaves at its zero value) */
export function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** a JSON type name with its article, for messages: "an integer", "a string" */
export function aType(name: string): string {
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** The stage order the handler runs (v0.10+: stageOrder; before that the decode-first order is the only one). */
export function stageOrderOf(handler: HandlerView | undefined): unknown {
  return handler?.plugin.params?.stageOrder;
}
