// Reading an EndpointPickerConfig for the epp-config rules: its plugins and scheduling profiles, the profile handler's
// settings after defaults, and the prefix-cache producer the version reads. readEppConfig runs once per config
// (lintEppConfig, src/validate/validate.ts) and the rules read its result from the context (ctx.read).
import type { RouterTable } from '../../../router/types.js';
import type { KObject } from '../../../types.js';
import { isPlainObject } from '../../../types.js';

export interface PluginEntry {
  index: number;
  name: string;
  type: string;
  params: KObject | undefined;
  /** parameters present but not an object */
  badParams: boolean;
}

export function pluginsOf(config: KObject): PluginEntry[] {
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

export interface ProfileEntry {
  name: string;
  refs: string[];
}

export function profilesOf(config: KObject): ProfileEntry[] {
  const list = Array.isArray(config.schedulingProfiles) ? config.schedulingProfiles : [];
  return list.filter(isPlainObject).map((p: KObject) => ({
    name: typeof p.name === 'string' ? p.name : '',
    refs: (Array.isArray(p.plugins) ? p.plugins : [])
      .filter(isPlainObject)
      .map((r: KObject) => (typeof r.pluginRef === 'string' ? r.pluginRef : '')),
  }));
}

export const DISAGG_HANDLER = 'disagg-profile-handler';
export const PD_HANDLER = 'pd-profile-handler';
export const PREFIX_DECIDER = 'prefix-based-pd-decider';
/** the encode profile's name when the handler sets none (disagg_profile_handler.go defaultEncodeProfile, every tag) */
export const ENCODE_PROFILE = 'encode';

/** What the profile handler is set to do, after defaults, in whichever parameter form it uses. */
export interface HandlerView {
  plugin: PluginEntry;
  prefillProfile: string;
  decodeProfile: string;
  /** decider plugin name, when one is configured */
  prefillDecider?: string;
  /** the parameter that names the decider, for messages */
  deciderField: string;
  /** E/P/D: the profile run as the encode stage (profiles.encode, default "encode"), and the decider that turns it on
   * (deciders.encode; none: the EPP logs "No deciders.encode configured, E disaggregation disabled"). pd-profile-handler
   * (v0.8.0) has no encode stage: encodeProfile is undefined. */
  encodeProfile?: string;
  encodeDecider?: string;
  encodeDeciderField: string;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function handlerOf(plugins: PluginEntry[]): HandlerView | undefined {
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
      encodeDeciderField: 'deciders.encode',
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
    encodeProfile: str(profiles.encode) ?? str(params.encodeProfile) ?? ENCODE_PROFILE,
    ...(str(deciders.encode) ?? str(params.encodeDeciderPluginName) ? { encodeDecider: (str(deciders.encode) ?? str(params.encodeDeciderPluginName))! } : {}),
    encodeDeciderField: str(deciders.encode) || !str(params.encodeDeciderPluginName) ? 'deciders.encode' : 'encodeDeciderPluginName',
  };
}

export function producerOf(table: RouterTable, plugins: PluginEntry[]): PluginEntry | undefined {
  return plugins.find((p) => p.type === table.producer.type);
}

/** Whether the loader adds the producer when the config declares none (table.producer.autoCreated). */
export function autoCreatesProducer(table: RouterTable, plugins: PluginEntry[]): boolean {
  return table.producer.autoCreated === 'for-any-consumer' || plugins.some((p) => p.type === 'prefix-cache-scorer');
}

/** the producer's settings after the version's defaults */
export function producerSettings(table: RouterTable, producer: PluginEntry | undefined) {
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

/** What the rules read of a config, read once. */
export interface EppConfigRead {
  plugins: PluginEntry[];
  profiles: ProfileEntry[];
  /** the disagg or pd profile handler, when there is one */
  handler?: HandlerView;
  /** the prefix-cache producer the version reads, when declared */
  producer?: PluginEntry;
  /** the producer's settings after the version's defaults (the defaults alone when none is declared) */
  producerSettings: ReturnType<typeof producerSettings>;
}

export function readEppConfig(table: RouterTable, config: KObject): EppConfigRead {
  const plugins = pluginsOf(config);
  const producer = producerOf(table, plugins);
  const handler = handlerOf(plugins);
  return {
    plugins,
    profiles: profilesOf(config),
    ...(handler ? { handler } : {}),
    ...(producer ? { producer } : {}),
    producerSettings: producerSettings(table, producer),
  };
}
