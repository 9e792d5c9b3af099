// The EndpointPickerConfig pd-disagg generates: one shape for every version, with the differences taken from the
// version's table (apiVersion, whether the headers handler is needed, how the prefix cap is expressed, which decider
// parameters exist).
import type { KObject, Severity } from '../types.js';
import { hasRolloutScreener, rolloutScreenerPlugin } from './rollout-screener.js';
import { routerTable } from './table.js';
import type { DeciderKind, EppKnobs, RouterTable, RouterVersion } from './types.js';

export const DECIDER_TYPES: Readonly<Record<DeciderKind, string>> = {
  'prefix-based': 'prefix-based-pd-decider',
  always: 'always-disagg-pd-decider',
};
export const PROFILE_HANDLER_TYPE = 'disagg-profile-handler';
/** E/P/D: the filter that admits llm-d.ai/role=encode pods, and the decider that sends multimodal requests to them */
export const ENCODE_FILTER_TYPE = 'encode-filter';
export const ENCODE_DECIDER_TYPE = 'always-disagg-multimodal-decider';
export const PREFIX_SCORER_TYPE = 'prefix-cache-scorer';
export const DEFAULT_PREFIX_CACHE_WEIGHT = 2;
export const DEFAULT_QUEUE_WEIGHT = 1;
/** how many blocks of prefix the producer matches; the seed's verified value, kept in tokens from v0.9 on */
export const PREFIX_MATCH_BLOCKS = 256;
export const LRU_CAPACITY_PER_SERVER = 31250;

/** The block size the EPP will really hash with, given the configured one (v0.9+ raises it to the floor). */
export function effectiveBlockSize(table: RouterTable, configured: number): number {
  return Math.max(configured, table.producer.minBlockSizeTokens ?? 0);
}

function assertCount(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`EppKnobs.${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
}

export function buildEppConfig(version: RouterVersion, knobs: EppKnobs): KObject {
  const table = routerTable(version);
  assertCount('blockSizeTokens', knobs.blockSizeTokens, 1);
  const deciderType = DECIDER_TYPES[knobs.decider];
  if (!deciderType) throw new RangeError(`EppKnobs.decider must be prefix-based or always, got ${String(knobs.decider)}`);
  if (knobs.decider === 'prefix-based') assertCount('nonCachedTokens', knobs.nonCachedTokens, 1);
  const prefixWeight = knobs.scorerWeights?.prefixCache ?? DEFAULT_PREFIX_CACHE_WEIGHT;
  const queueWeight = knobs.scorerWeights?.queue ?? DEFAULT_QUEUE_WEIGHT;

  const producerParams: KObject = { autoTune: false, blockSizeTokens: knobs.blockSizeTokens };
  producerParams[table.producer.capParam] =
    table.producer.capParam === 'maxPrefixTokensToMatch'
      ? PREFIX_MATCH_BLOCKS * effectiveBlockSize(table, knobs.blockSizeTokens)
      : PREFIX_MATCH_BLOCKS;
  producerParams.lruCapacityPerServer = LRU_CAPACITY_PER_SERVER;

  const plugins: KObject[] = [];
  // a DisaggregatedSet pair: the screener keeps each request on one revision of the set (it runs before every
  // profile, from the top-level plugins list); versions without it get a warning instead (rule dset-rollout-unscreened)
  if (knobs.rollout && hasRolloutScreener(version)) plugins.push(rolloutScreenerPlugin(knobs.rollout));
  plugins.push({ type: table.producer.type, parameters: producerParams }, { type: PREFIX_SCORER_TYPE });
  if (table.disagg.headersHandler === 'required') plugins.push({ type: table.disagg.headersHandlerTypes[0] });
  plugins.push({ type: 'queue-scorer' }, { type: 'prefill-filter' }, { type: 'decode-filter' }, { type: 'max-score-picker' });
  if (knobs.encode) plugins.push({ type: ENCODE_FILTER_TYPE });

  const decider: KObject = { type: deciderType };
  if (knobs.decider === 'prefix-based') {
    const deciderParams: KObject = { nonCachedTokens: knobs.nonCachedTokens };
    if (knobs.promptTokens !== undefined && knobs.promptTokens > 0 && deciderAccepts(table, 'promptTokens')) {
      assertCount('promptTokens', knobs.promptTokens, 1);
      deciderParams.promptTokens = knobs.promptTokens;
    }
    decider.parameters = deciderParams;
  }
  // declared before the handler: required where plugins are built in order, harmless elsewhere
  plugins.push(decider);
  if (knobs.encode) plugins.push({ type: ENCODE_DECIDER_TYPE });
  const deciders: KObject = knobs.encode ? { encode: ENCODE_DECIDER_TYPE, prefill: deciderType } : { prefill: deciderType };
  plugins.push({ type: PROFILE_HANDLER_TYPE, parameters: { deciders } });

  const profile = (name: string, filter: string): KObject => ({
    name,
    plugins: [
      { pluginRef: filter },
      { pluginRef: 'max-score-picker' },
      { pluginRef: PREFIX_SCORER_TYPE, weight: prefixWeight },
      { pluginRef: 'queue-scorer', weight: queueWeight },
    ],
  });
  const profiles = [profile(table.disagg.indexedPrefillProfile, 'prefill-filter'), profile('decode', 'decode-filter')];
  // the encoder has no prefix cache to score: the least loaded encode pod
  if (knobs.encode) {
    profiles.unshift({
      name: 'encode',
      plugins: [{ pluginRef: ENCODE_FILTER_TYPE }, { pluginRef: 'max-score-picker' }, { pluginRef: 'queue-scorer', weight: queueWeight }],
    });
  }
  return { apiVersion: table.config.apiVersion, kind: table.config.kind, plugins, schedulingProfiles: profiles };
}

function deciderAccepts(table: RouterTable, param: string): boolean {
  const accepts = table.plugins[DECIDER_TYPES['prefix-based']]?.params.accepts;
  return typeof accepts === 'object' && param in accepts;
}

const DECIDER_NOTES: Readonly<Record<DeciderKind, string>> = {
  'prefix-based': 'Decider: prefix-based-pd-decider takes the prefill hop only when at least nonCachedTokens of the prompt are uncached.',
  always: 'Decider: always-disagg-pd-decider sends every request through a prefill pod (llm-d-router #2427: none ready means decode-only).',
};

/** The lines of the header the generated config's text carries (src/plan/epp-text.ts prints it): why it is armed
 * this way. */
export function eppConfigNotes(version: RouterVersion, knobs: EppKnobs): string[] {
  const table = routerTable(version);
  return [
    'Generated by pd-disagg; edit spec.epp of the pd-disagg config instead of this text.',
    ...table.configNotes,
    DECIDER_NOTES[knobs.decider],
    ...(knobs.rollout && hasRolloutScreener(version)
      ? [
          `DisaggregatedSet: disaggregatedset-rollout-screener (alpha: the EPP runs with --allow-experimental-plugins)`,
          `keeps each request on one revision that has Ready pods of every role (${knobs.rollout.requireRoles.join(', ')}).`,
        ]
      : []),
    `Same shape as llm-d-router ${table.sample.tag} ${table.sample.path}.`,
    ...(knobs.encode
      ? [`E/P/D: the encode profile, encode-filter and always-disagg-multimodal-decider (multimodal requests only) as in ${table.sample.tag} ${table.sample.epdPath}.`]
      : []),
  ];
}

export interface KnobProblem {
  severity: Severity;
  /** field of EppKnobs the problem is about */
  field: keyof EppKnobs;
  message: string;
}

/**
 * What the knobs ask for that the version cannot do, for the pipeline to report (rule epp-knob-unsupported).
 * buildEppConfig leaves such knobs out of the config (a strict v0.9 decoder would refuse promptTokens and stop the
 * EPP) rather than failing. The v0.9+ block-size floor is no knob problem: rule epp-block-size-floor reports it on the
 * generated config itself.
 */
export function checkEppKnobs(version: RouterVersion, knobs: EppKnobs): KnobProblem[] {
  const table = routerTable(version);
  const problems: KnobProblem[] = [];
  if (knobs.promptTokens !== undefined && knobs.promptTokens > 0) {
    if (knobs.decider !== 'prefix-based') {
      problems.push({
        severity: 'warning',
        field: 'promptTokens',
        message: `promptTokens only applies to prefix-based-pd-decider; with decider "${knobs.decider}" it is left out of the EPP config`,
      });
    } else if (!deciderAccepts(table, 'promptTokens')) {
      problems.push({
        severity: 'warning',
        field: 'promptTokens',
        message: `router ${version}'s prefix-based-pd-decider has no promptTokens parameter (added in v0.10.0); it is left out of the EPP config. Raise the router version to use it, or remove promptTokens`,
      });
    }
  }
  return problems;
}
