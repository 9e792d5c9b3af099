import { describe, expect, it } from 'vitest';
import { ROUTER_VERSIONS, buildEppConfig, routerTable, type RouterVersion } from '../../src/router/index.js';
import { readEppConfig } from '../../src/validate/rules/epp/read.js';
import { lintEppConfig } from '../../src/validate/validate.js';
import type { KObject } from '../../src/types.js';
import type { EppConfigInput } from '../../src/validate/context.js';
import { eppConfigRules } from '../../src/validate/rules/epp-config.js';

const origin = {
  path: 'data.epp-config.yaml',
  resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'demo-epp', namespace: 'ml' },
  generated: false,
};

function base(version: RouterVersion, decider: 'prefix-based' | 'always' = 'prefix-based', block = 128, encode = false): KObject {
  return structuredClone(buildEppConfig(version, { decider, nonCachedTokens: 16, blockSizeTokens: block, ...(encode ? { encode } : {}) }));
}
const plugin = (c: KObject, type: string) => c.plugins.find((p: KObject) => p.type === type);
const ctx = (version: RouterVersion, config: KObject, engineBlockSize: number | undefined = 128, encode = false): EppConfigInput => ({
  version,
  config,
  origin,
  ...(engineBlockSize !== undefined ? { engineBlockSize } : {}),
  ...(encode ? { encode } : {}),
});
const ids = (c: EppConfigInput, rule: string) => lintEppConfig(c).filter((r) => r.tags?.rule === rule);

interface Case {
  rule: string;
  version: RouterVersion;
  /** turns the generated config into one the rule must flag */
  bad: (c: KObject) => void;
  /** a near miss the rule must accept (defaults to the untouched generated config) */
  good?: (c: KObject) => void;
  engineBlockSize?: number;
  /** the findings' messages, word for word (what the user reads: the cause, the router's words, the fix); a list when
   * the bad config holds several faults of the rule, in the order reported */
  says: string | string[];
  /** the finding's field.currentValue and field.proposedValue (absent when the rule proposes none); with several
   * findings, one entry per finding */
  current?: unknown;
  proposed?: unknown;
  /** the config routes an E/P/D trio: the generated trio config, linted as the trio's */
  encode?: boolean;
  /** the bad config is linted without a known engine block size */
  noEngineBlockSize?: boolean;
}

const cases: Case[] = [
  { rule: 'epp-api-version', version: 'v0.8.0', bad: (c) => (c.apiVersion = 'llm-d.ai/v1alpha1'), says: 'EndpointPickerConfig apiVersion "llm-d.ai/v1alpha1" is not decoded by router v0.8.0, so the EPP fails to load its config; set apiVersion: inference.networking.x-k8s.io/v1alpha1', current: 'llm-d.ai/v1alpha1', proposed: 'inference.networking.x-k8s.io/v1alpha1' },
  { rule: 'epp-api-version', version: 'v0.10.0', bad: (c) => (c.kind = 'PluginConfig'), says: 'EPP config kind "PluginConfig" is not EndpointPickerConfig; set kind: EndpointPickerConfig', good: (c) => (c.apiVersion = 'inference.networking.x-k8s.io/v1alpha1') },
  { rule: 'epp-api-version-deprecated', version: 'v0.9.0', bad: (c) => (c.apiVersion = 'inference.networking.x-k8s.io/v1alpha1'), says: 'EndpointPickerConfig apiVersion inference.networking.x-k8s.io/v1alpha1 is deprecated in router v0.9.0 (the EPP logs a DEPRECATION line); use llm-d.ai/v1alpha1', current: 'inference.networking.x-k8s.io/v1alpha1', proposed: 'llm-d.ai/v1alpha1' },
  { rule: 'epp-unknown-plugin', version: 'v0.8.0', bad: (c) => c.plugins.push({ type: 'label-selector-filter' }), says: 'plugins[9] type label-selector-filter is not registered in router v0.8.0 (it is registered in v0.9.0, v0.10.0); the EPP exits with "plugin type is not registered". Remove it or change the type', current: 'label-selector-filter', good: (c) => c.plugins.push({ type: 'by-label' }) },
  { rule: 'epp-deprecated-plugin', version: 'v0.9.0', bad: (c) => c.plugins.unshift({ type: 'disagg-headers-handler' }), says: 'plugin disagg-headers-handler is deprecated since v0.9.0, removal planned in v0.11.0 (llm-d-router#905); use disagg-profile-handler instead' },
  { rule: 'epp-experimental-plugin', version: 'v0.10.0', bad: (c) => c.plugins.push({ type: 'topology-affinity-filter' }), says: 'plugin topology-affinity-filter is alpha in router v0.10.0: the EPP stops at start ("has Alpha stability level, but command line flag --allow-experimental-plugins is not set"), and pd-disagg does not pass that flag; remove the plugin', good: (c) => c.plugins.push({ type: 'label-selector-filter' }) },
  { rule: 'epp-unknown-feature-gate', version: 'v0.8.0', bad: (c) => (c.featureGates = ['prepareDataPlugins']), says: 'featureGates[0] "prepareDataPlugins" is not registered in router v0.8.0; the EPP exits with "feature gate \'prepareDataPlugins\' is unknown or unregistered" and crashloops (GIE v1.5.0 (#2453) made PrepareData plugins always on and unregistered the gate; the loader rejects it and the EPP crashloops (the v0.8.0 samples still carry it; llm-d-router #1026 removed it after the tag)). Remove it; known gates: dataLayer, enableLegacyMetrics, flowControl', current: 'prepareDataPlugins', good: (c) => (c.featureGates = ['flowControl']) },
  { rule: 'epp-unknown-feature-gate', version: 'v0.9.0', bad: (c) => (c.featureGates = ['flowControl=true']), says: 'featureGates[0] "flowControl=true" is not registered in router v0.9.0; the EPP exits with "feature gate \'flowControl=true\' is unknown or unregistered" and crashloops. Remove it; known gates: dataLayer, flowControl', current: 'flowControl=true', good: (c) => (c.featureGates = ['dataLayer']) },
  { rule: 'epp-unknown-feature-gate', version: 'v0.10.0', bad: (c) => (c.featureGates = ['dataLayer']), says: 'featureGates[0] "dataLayer" is not registered in router v0.10.0; the EPP exits with "feature gate \'dataLayer\' is unknown or unregistered" and crashloops (registered up to v0.9.0; the v0.10.0 loader no longer knows it). Remove it; known gates: flowControl, haPopulateNonLeaderDatastore', current: 'dataLayer', good: (c) => (c.featureGates = ['flowControl=false']) },
  { rule: 'epp-strict-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { lruCapacityPerServer: 31250 }), says: 'plugin prefix-cache-scorer parameter lruCapacityPerServer is rejected by router v0.9.0\'s strict decoder (llm-d-router #1134), so the EPP does not start; it belongs on approx-prefix-cache-producer. Remove lruCapacityPerServer', current: 'lruCapacityPerServer', good: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'approx-prefix-cache-producer' }) },
  { rule: 'epp-strict-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.promptTokens = 64), says: 'plugin prefix-based-pd-decider parameter promptTokens is rejected by router v0.9.0\'s strict decoder (llm-d-router #1134), so the EPP does not start. Remove promptTokens', current: 'promptTokens' },
  { rule: 'epp-strict-params', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.decode = 'x'), says: 'plugin disagg-profile-handler parameter deciders.decode is rejected by router v0.10.0\'s strict decoder (llm-d-router #1134), so the EPP does not start. Remove deciders.decode', current: 'deciders.decode', good: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.promptTokens = 64) },
  // the pointer to the producer is for prefix-cache-scorer only, and only for the producer's own parameters
  { rule: 'epp-strict-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.blockSizeTokens = 64), says: 'plugin prefix-based-pd-decider parameter blockSizeTokens is rejected by router v0.9.0\'s strict decoder (llm-d-router #1134), so the EPP does not start. Remove blockSizeTokens', current: 'blockSizeTokens' },
  { rule: 'epp-strict-params', version: 'v0.10.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'approx-prefix-cache-producer', producerName: 'approx-prefix-cache-producer' }), says: 'plugin prefix-cache-scorer parameter producerName is rejected by router v0.10.0\'s strict decoder (llm-d-router #1134), so the EPP does not start. Remove producerName', current: 'producerName' },
  { rule: 'epp-ignored-params', version: 'v0.8.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.promptTokens = 64), says: 'plugin prefix-based-pd-decider parameter promptTokens has no effect: router v0.8.0 does not know it and drops it without a word. Remove promptTokens', current: 'promptTokens' },
  { rule: 'epp-ignored-params', version: 'v0.8.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { maxPrefixBlocksToMatch: 256 }), says: 'plugin prefix-cache-scorer parameter maxPrefixBlocksToMatch has no effect: the prefix-cache-scorer factory never reads its parameters; it belongs on approx-prefix-cache-producer. Remove maxPrefixBlocksToMatch', current: 'maxPrefixBlocksToMatch', good: (c) => { c.plugins.shift(); plugin(c, 'prefix-cache-scorer').parameters = { autoTune: false, blockSizeTokens: 128 }; } },
  { rule: 'epp-ignored-params', version: 'v0.10.0', bad: (c) => (plugin(c, 'queue-scorer').parameters = { hashBlockSize: 5 }), says: 'plugin queue-scorer parameter hashBlockSize has no effect: the queue-scorer factory never reads its parameters. Remove hashBlockSize', current: 'hashBlockSize' },
  { rule: 'epp-handler-mixed-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.prefillProfile = 'prefill'), says: 'plugin disagg-profile-handler mixes flat parameters (prefillProfile) with nested ones (deciders); the handler refuses to start. Keep only the nested form: profiles.{prefill,decode} and deciders.prefill', good: (c) => (plugin(c, 'disagg-profile-handler').parameters = { deciderPluginName: 'prefix-based-pd-decider' }) },
  { rule: 'epp-missing-plugin-ref', version: 'v0.9.0', bad: (c) => c.schedulingProfiles[0].plugins.push({ pluginRef: 'kv-cache-utilization-scorer' }), says: 'scheduling profile prefill refers to plugin "kv-cache-utilization-scorer", which is not declared under plugins; declare it or remove the pluginRef', current: 'kv-cache-utilization-scorer' },
  { rule: 'epp-missing-plugin-ref', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.prefill = 'pd-decider'), says: 'plugin disagg-profile-handler deciders.prefill names "pd-decider", which is not declared under plugins; the handler fails to build. Declare a plugin of type prefix-based-pd-decider or always-disagg-pd-decider with that name', current: 'pd-decider' },
  { rule: 'epp-missing-profile', version: 'v0.9.0', bad: (c) => (c.schedulingProfiles[1].name = 'decoding'), says: 'plugin disagg-profile-handler runs the decode stage with scheduling profile "decode", but schedulingProfiles has no profile of that name; add it (with the decode-filter) or set profiles.decode' },
  { rule: 'epp-no-prefill-decider', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters = { deciders: {} }), says: 'plugin disagg-profile-handler has no deciders.prefill, so P/D disaggregation is disabled (the EPP logs "No deciders.prefill configured"); set deciders.prefill to a declared prefix-based-pd-decider or always-disagg-pd-decider', proposed: 'prefix-based-pd-decider' },
  { rule: 'epp-no-prefill-decider', version: 'v0.9.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler')), says: 'no disagg-profile-handler plugin: every request runs decode only and the prefill pods get no traffic; add disagg-profile-handler with deciders.prefill: prefix-based-pd-decider (or always-disagg-pd-decider)' },
  { rule: 'epp-non-cached-tokens', version: 'v0.8.0', bad: (c) => delete plugin(c, 'prefix-based-pd-decider').parameters, says: 'plugin prefix-based-pd-decider nonCachedTokens is not set (default 0): 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider', proposed: 16 },
  { rule: 'epp-non-cached-tokens', version: 'v0.10.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = 0), says: 'plugin prefix-based-pd-decider nonCachedTokens is 0: 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider', current: 0, proposed: 16 },
  { rule: 'epp-no-prefix-producer', version: 'v0.9.0', bad: (c) => c.plugins.shift(), says: 'no approx-prefix-cache-producer plugin although prefix-cache-scorer and prefix-based-pd-decider read its prefix-match data; router v0.9.0 creates one with defaults (autoTune: true, blockSizeTokens: 16), so the block size is not pinned to the engines\'. Declare approx-prefix-cache-producer with autoTune: false and blockSizeTokens: <engine --block-size>' },
  { rule: 'epp-producer-autotune', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters = { maxPrefixBlocksToMatch: 256 }), says: 'plugin approx-prefix-cache-producer has autoTune on and no blockSizeTokens: on router v0.8.0 the block size then follows whatever the first endpoint\'s metrics report, and the seed deployment only disaggregated with it pinned. Set autoTune: false and blockSizeTokens: 128', current: true, proposed: false, good: (c) => (c.plugins[0].parameters.autoTune = false) },
  { rule: 'epp-producer-invalid', version: 'v0.9.0', bad: (c) => (c.plugins[0].parameters.blockSizeTokens = 0), says: 'plugin approx-prefix-cache-producer has autoTune: false with blockSizeTokens 0; the producer refuses to start. Set blockSizeTokens to the engines\' block size', current: 0, proposed: 128 },
  { rule: 'epp-producer-invalid', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters.maxPrefixTokensToMatch = -1), says: 'plugin approx-prefix-cache-producer maxPrefixTokensToMatch is negative; the producer refuses to start. Use 0 (no token cap) or a positive token count', current: -1 },
  // router conformance, v0.8.0 mut-param-cap-negative: the EPP panics in approximateprefix.hashPrompt
  { rule: 'epp-producer-invalid', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters.maxPrefixBlocksToMatch = -1), says: 'plugin approx-prefix-cache-producer maxPrefixBlocksToMatch is -1: router v0.8.0 loads it, then panics ("slice bounds out of range") on the first prompt of a block or more, which takes the EPP down. Use a positive block count (default 256)', current: -1, proposed: 256, good: (c) => Object.assign(c.plugins[0].parameters, { maxPrefixBlocksToMatch: -1, maxPrefixTokensToMatch: 4096 }) },
  // router conformance, v0.8.0 mut-producer-none-no-scorer: loads, never disaggregates
  { rule: 'epp-decider-no-producer', version: 'v0.8.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer' && p.type !== 'prefix-cache-scorer')), says: 'plugin prefix-based-pd-decider reads the prefix-match data of approx-prefix-cache-producer, but there is none: router v0.8.0 creates that producer only when prefix-cache-scorer is declared, so the decider sees no data and never takes the prefill hop. Declare approx-prefix-cache-producer with autoTune: false and blockSizeTokens: <engine --block-size>', proposed: 'approx-prefix-cache-producer', good: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer')) },
  // router conformance, v0.8.0 mut-profile-prefill-renamed: the prefill pod is picked but the header never set
  { rule: 'epp-headers-handler-profile', version: 'v0.8.0', bad: (c) => { plugin(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'pf' }; c.schedulingProfiles[0].name = 'pf'; }, says: 'plugin disagg-headers-handler sets x-prefiller-host-port from the pick of profile "prefill" (its prefillProfile), but plugin disagg-profile-handler runs the prefill stage as "pf", so the header is never set and the sidecar never sends the prefill hop; set prefillProfile: pf on disagg-headers-handler', current: 'prefill', proposed: 'pf', good: (c) => { plugin(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'pf' }; c.schedulingProfiles[0].name = 'pf'; plugin(c, 'disagg-headers-handler').parameters = { prefillProfile: 'pf' }; } },
  { rule: 'epp-block-size-mismatch', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters.blockSizeTokens = 16), says: 'plugin approx-prefix-cache-producer blockSizeTokens is 16 but the engines use 128-token KV blocks, so prefix-cache routing estimates hits wrongly; set blockSizeTokens: 128', current: 16, proposed: 128, good: (c) => (c.plugins[0].parameters.autoTune = true) },
  { rule: 'epp-block-size-mismatch', version: 'v0.10.0', engineBlockSize: 32, bad: () => {}, says: 'plugin approx-prefix-cache-producer blockSizeTokens is 128 but the engines use 32-token KV blocks, so prefix-cache routing estimates hits wrongly; set blockSizeTokens: 32', current: 128, proposed: 32 },
  { rule: 'epp-block-size-floor', version: 'v0.9.0', engineBlockSize: 16, bad: (c) => (c.plugins[0].parameters.blockSizeTokens = 16), says: 'plugin approx-prefix-cache-producer works with 16-token blocks, but router v0.9.0 raises any block size below 64 to 64 (llm-d-router #1160): the EPP will match prefixes in 64-token blocks. Keep blockSizeTokens equal to the engines\'; this is informational', current: 16 },
  { rule: 'epp-prefix-cap-ignored', version: 'v0.9.0', bad: (c) => { delete c.plugins[0].parameters.maxPrefixTokensToMatch; c.plugins[0].parameters.maxPrefixBlocksToMatch = 256; }, says: 'plugin approx-prefix-cache-producer maxPrefixBlocksToMatch: 256 is ignored on router v0.9.0: the default maxPrefixTokensToMatch (131072) wins. Replace it with maxPrefixTokensToMatch: 32768', current: 256, proposed: 32768, good: (c) => { c.plugins[0].parameters.maxPrefixTokensToMatch = 0; c.plugins[0].parameters.maxPrefixBlocksToMatch = 256; } },
  { rule: 'epp-prefill-profile-name', version: 'v0.10.0', bad: (c) => { c.schedulingProfiles[0].name = 'p'; plugin(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'p' }; }, says: 'plugin disagg-profile-handler uses prefill profile "p", but the prefix producer only records prefill picks from a profile literally named "prefill" (GIE #2080), so prefill pods never look cache-warm; rename the profile to "prefill"', current: 'p', proposed: 'prefill' },
  { rule: 'epp-headers-handler-missing', version: 'v0.8.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-headers-handler')), says: 'router v0.8.0\'s disagg-profile-handler picks a prefill pod but does not set x-prefiller-host-port itself (that came with llm-d-router #905 in v0.9.0); without disagg-headers-handler the sidecar never sends the prefill hop. Add - type: disagg-headers-handler', proposed: 'disagg-headers-handler', good: (c) => (plugin(c, 'disagg-headers-handler').type = 'prefill-header-handler') },
  { rule: 'epp-plugin-order', version: 'v0.8.0', bad: (c) => c.plugins.reverse(), says: 'plugin disagg-profile-handler (plugins[0]) comes before its decider prefix-based-pd-decider (plugins[1]); router v0.8.0 builds plugins in list order, so the handler fails with "deciders.prefill plugin not found". Move prefix-based-pd-decider above the handler' },
  { rule: 'epp-plugin-order', version: 'v0.9.0', bad: (c) => c.plugins.reverse(), says: 'plugin disagg-profile-handler (plugins[0]) comes before its decider prefix-based-pd-decider (plugins[1]); router v0.9.0 builds plugins in list order, so the handler fails with "deciders.prefill plugin not found". Move prefix-based-pd-decider above the handler' },
  { rule: 'epp-unknown-field', version: 'v0.10.0', bad: (c) => (c.schedulingProfile = []), says: 'EndpointPickerConfig field schedulingProfile is unknown to router v0.10.0; the EPP stops with "strict decoding error: unknown field "schedulingProfile"". Remove it; known fields: apiVersion, kind, featureGates, plugins, schedulingProfiles, saturationDetector, dataLayer, flowControl, parser, requestHandler', current: 'schedulingProfile', good: (c) => (c.requestHandler = {}) },
  { rule: 'epp-unknown-field', version: 'v0.8.0', bad: (c) => (c.requestHandler = {}), says: 'EndpointPickerConfig field requestHandler is unknown to router v0.8.0; the EPP stops with "strict decoding error: unknown field "requestHandler"". Remove it; known fields: apiVersion, kind, featureGates, plugins, schedulingProfiles, saturationDetector, dataLayer, flowControl, parser', current: 'requestHandler', good: (c) => (c.parser = {}) },
  { rule: 'epp-param-type', version: 'v0.10.0', bad: (c) => (plugin(c, 'approx-prefix-cache-producer').parameters.blockSizeTokens = '64'), says: 'plugin approx-prefix-cache-producer parameter blockSizeTokens is a string ("64") but the plugin decodes an integer; the EPP stops with "cannot unmarshal string into ... blockSizeTokens". Write it as a plain number', current: '64', good: (c) => (plugin(c, 'approx-prefix-cache-producer').parameters.blockSizeTokens = 64) },
  { rule: 'epp-param-type', version: 'v0.9.0', bad: (c) => (c.schedulingProfiles[0].plugins[2].weight = '2'), says: 'scheduling profile prefill gives prefix-cache-scorer weight "2", which is not a number; the EPP fails to decode its config. Write the weight as a plain number', current: '2' },
  { rule: 'epp-param-type', version: 'v0.8.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters = [{ nonCachedTokens: 16 }]), says: 'plugin prefix-based-pd-decider parameters is an array, not a mapping; the plugin fails to decode it. Write parameters as key: value pairs' },
  { rule: 'epp-profile-handlers', version: 'v0.10.0', bad: (c) => c.plugins.push({ type: 'single-profile-handler' }), says: '2 profile handlers are declared (disagg-profile-handler, single-profile-handler); the EPP stops with "multiple profile handlers found; only one is allowed". Keep only disagg-profile-handler' },
  { rule: 'epp-stage-order', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'prefill-first'), says: 'plugin disagg-profile-handler combines stageOrder prefill-first with deciders.prefill; router v0.10.0 stops with "prefill decider is not supported in prefill-first stage order". Remove the decider (prefill-first sends every request through prefill) or use decode-first', current: 'prefill-first', good: (c) => (plugin(c, 'disagg-profile-handler').parameters = { stageOrder: 'prefill-first' }) },
  { rule: 'epp-stage-order', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'first'), says: 'plugin disagg-profile-handler stageOrder "first" is invalid; the EPP stops with "must be "decode-first" or "prefill-first"". Use decode-first (or remove stageOrder)', current: 'first', proposed: 'decode-first', good: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'decode-first') },
  { rule: 'epp-prefill-profile-filter', version: 'v0.9.0', bad: (c) => (c.schedulingProfiles[0].plugins = c.schedulingProfiles[0].plugins.slice(1)), says: 'scheduling profile prefill (the prefill stage) has no prefill filter, so the scheduler picks between prefill and decode pods by score and tie-break, and requests are not reliably disaggregated; add - pluginRef: prefill-filter to it', good: (c) => (c.schedulingProfiles[1].plugins[0].pluginRef = "decode-filter") },
  { rule: 'epp-missing-plugin-ref', version: 'v0.10.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'nope' }), says: 'plugin prefix-cache-scorer prefixMatchInfoProducerName names "nope", which is not declared under plugins; the EPP stops with "no default producer found for missing data key". Name the declared approx-prefix-cache-producer or remove the parameter', current: 'nope', good: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'max-score-picker')) },
  { rule: 'epp-headers-handler-missing', version: 'v0.10.0', bad: (c) => { const h = plugin(c, 'disagg-profile-handler'); h.type = 'pd-profile-handler'; h.parameters = { deciderPluginName: 'prefix-based-pd-decider' }; }, says: 'router v0.10.0\'s pd-profile-handler picks a prefill pod but does not set x-prefiller-host-port itself (that came with llm-d-router #905 in v0.9.0); without disagg-headers-handler the sidecar never sends the prefill hop. Add - type: disagg-headers-handler', proposed: 'disagg-headers-handler' },
  { rule: 'epp-encode-stage', version: 'v0.10.0', encode: true, bad: (c) => delete plugin(c, 'disagg-profile-handler').parameters.deciders.encode, says: 'plugin disagg-profile-handler has no deciders.encode, so encode disaggregation is off (the EPP logs "No deciders.encode configured, E disaggregation disabled"): the decode sidecar never gets an encode pod, the encode pods get no traffic and prefill runs the vision encoder on every image; declare - type: always-disagg-multimodal-decider and set deciders.encode: always-disagg-multimodal-decider', proposed: 'always-disagg-multimodal-decider' },
  { rule: 'epp-encode-stage', version: 'v0.8.0', encode: true, bad: (c) => (plugin(c, 'disagg-headers-handler').parameters = { encodeProfile: 'vision' }), says: 'plugin disagg-headers-handler sets x-encoder-hosts-ports from the pick of profile "vision" (its encodeProfile), but plugin disagg-profile-handler runs the encode stage as "encode", so router v0.8.0\'s sidecar never learns the encode pods; set encodeProfile: encode on disagg-headers-handler', current: 'vision', proposed: 'encode', good: (c) => (plugin(c, 'disagg-headers-handler').parameters = { encodeProfile: 'encode' }) },
  // deciders.encode naming a P/D decider: the real router gives text-only requests an encode pod (corpus
  // mut-epd-encode-decider-is-pd-decider / -always-pd-decider, recorded live at every tag); images of short prompts skip it
  { rule: 'epp-encode-decider-type', version: 'v0.10.0', encode: true, bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.encode = 'prefix-based-pd-decider'), says: "plugin disagg-profile-handler deciders.encode names \"prefix-based-pd-decider\", a P/D decider, which decides on the prompt's uncached length, not on images: a text-only request with 16 or more uncached tokens takes the encode stage (the EPP runs the encode profile, picks an encode pod and sets x-encoder-hosts-ports, and the decode sidecar sends the request down its encoder path (no image to encode, then on to prefill or decode)), and an image in a shorter or cached prompt skips it (prefill runs the vision encoder itself); declare - type: always-disagg-multimodal-decider (it says yes exactly when the request carries an image, video or audio part) and set deciders.encode: always-disagg-multimodal-decider", current: "prefix-based-pd-decider", proposed: "always-disagg-multimodal-decider", good: (c) => { plugin(c, 'always-disagg-multimodal-decider').name = 'mm'; plugin(c, 'disagg-profile-handler').parameters.deciders.encode = 'mm'; } },
  { rule: 'epp-encode-decider-type', version: 'v0.8.0', encode: true, bad: (c) => { const h = plugin(c, 'disagg-profile-handler'); c.plugins.splice(c.plugins.indexOf(h), 0, { type: 'always-disagg-pd-decider' }); h.parameters.deciders.encode = 'always-disagg-pd-decider'; }, says: "plugin disagg-profile-handler deciders.encode names \"always-disagg-pd-decider\", a P/D decider, which says yes to every request: every text-only request takes the encode stage too (the EPP runs the encode profile, picks an encode pod and sets x-encoder-hosts-ports, and the decode sidecar sends the request down its encoder path (no image to encode, then on to prefill or decode)); declare - type: always-disagg-multimodal-decider above the handler (it says yes exactly when the request carries an image, video or audio part) and set deciders.encode: always-disagg-multimodal-decider", current: "always-disagg-pd-decider", proposed: "always-disagg-multimodal-decider", good: (c) => { const h = plugin(c, 'disagg-profile-handler'); c.plugins.splice(c.plugins.indexOf(h), 0, { type: 'always-disagg-pd-decider' }); h.parameters.deciders.prefill = 'always-disagg-pd-decider'; } },
  { rule: 'epp-encode-decider-type', version: 'v0.10.0', encode: true, bad: (c) => { const h = plugin(c, 'disagg-profile-handler'); h.parameters.deciders = { encode: 'prefix-based-pd-decider' }; h.parameters.stageOrder = 'prefill-first'; }, says: "plugin disagg-profile-handler deciders.encode names \"prefix-based-pd-decider\", a P/D decider, which in stageOrder prefill-first is asked without a decode pod and says no (it logs \"prefix decider: endpoint is nil\"): the encode stage never runs and prefill runs the vision encoder on every image; declare - type: always-disagg-multimodal-decider (it says yes exactly when the request carries an image, video or audio part) and set deciders.encode: always-disagg-multimodal-decider", current: "prefix-based-pd-decider", proposed: "always-disagg-multimodal-decider", good: (c) => { const h = plugin(c, 'disagg-profile-handler'); h.parameters.deciders = { encode: 'prefix-based-pd-decider' }; c.schedulingProfiles = c.schedulingProfiles.filter((p: KObject) => p.name !== 'encode'); } },
  { rule: 'epp-encode-decider-type', version: 'v0.9.0', encode: true, bad: (c) => { const h = plugin(c, 'disagg-profile-handler'); c.plugins.splice(c.plugins.indexOf(h), 0, { type: 'prefix-based-pd-decider', name: 'enc', parameters: { nonCachedTokens: 0 } }); h.parameters.deciders.encode = 'enc'; }, says: "plugin disagg-profile-handler deciders.encode names \"enc\" (type prefix-based-pd-decider), a P/D decider, whose nonCachedTokens is 0, which means never: the encode stage never runs and prefill runs the vision encoder on every image; declare - type: always-disagg-multimodal-decider above the handler (it says yes exactly when the request carries an image, video or audio part) and set deciders.encode: always-disagg-multimodal-decider", current: "enc", proposed: "always-disagg-multimodal-decider" },
  // a decider slot naming a plugin that is not a decider, or the multimodal decider as prefill decider: corpus
  // mut-epd-encode-decider-is-filter and mut-epd-prefill-decider-is-mm, recorded live at every tag (every branch:
  // test/router/lint-deciders.test.ts)
  { rule: 'epp-decider-not-decider', version: 'v0.10.0', encode: true, bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.encode = 'encode-filter'), says: 'plugin disagg-profile-handler deciders.encode names "encode-filter", which is not a decider: the handler fails to build and router v0.10.0\'s EPP does not start ("plugin encode-filter does not implement encodeDeciderPlugin"); set deciders.encode: always-disagg-multimodal-decider', current: 'encode-filter', proposed: 'always-disagg-multimodal-decider' },
  { rule: 'epp-prefill-decider-multimodal', version: 'v0.9.0', encode: true, bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.prefill = 'always-disagg-multimodal-decider'), says: 'plugin disagg-profile-handler deciders.prefill names "always-disagg-multimodal-decider", the multimodal decider, which says yes only when the request carries an image, video or audio part: router v0.9.0 loads it, but a text-only request never takes the prefill hop however long its prompt (it is prefilled on the decode pod) and the prefill pods serve multimodal requests only; set deciders.prefill: prefix-based-pd-decider (always-disagg-multimodal-decider belongs in deciders.encode)', current: 'always-disagg-multimodal-decider', proposed: 'prefix-based-pd-decider' },
  // pd-profile-handler with a third profile: the real router never answers the long prompt (corpus
  // mut-handler-pd-legacy-extra-profile, a kept timeout at every tag)
  { rule: 'epp-pd-handler-extra-profile', version: 'v0.8.0', bad: (c) => { Object.assign(plugin(c, 'disagg-profile-handler'), { type: 'pd-profile-handler', parameters: { deciderPluginName: 'prefix-based-pd-decider' } }); c.schedulingProfiles.push({ name: 'spare', plugins: [{ pluginRef: 'decode-filter' }] }); }, says: 'plugin pd-profile-handler runs only its profiles "prefill" and "decode", but schedulingProfiles also defines "spare": its Pick ends a request\'s scheduling only when every profile has a result, so each request its decider sends to prefill gets the prefill profile again and again and router v0.8.0\'s EPP never answers it. Remove "spare" from schedulingProfiles, or use disagg-profile-handler', current: 'spare', good: (c) => c.schedulingProfiles.push({ name: 'spare', plugins: [{ pluginRef: 'decode-filter' }] }) },
  { rule: 'epp-duplicate-plugin-name', version: 'v0.9.0', bad: (c) => c.plugins.push({ type: 'queue-scorer' }), says: 'plugins[8] and plugins[2] are both named "queue-scorer" (an unnamed plugin takes its type as name); the EPP rejects duplicate plugin names. Set a distinct name on one of them', current: 'queue-scorer', good: (c) => c.plugins.push({ type: 'queue-scorer', name: 'queue-2' }) },
  // the other branches of each rule: several faults at once, the other parameter forms, named plugins, defaults
  { rule: 'epp-non-cached-tokens', version: 'v0.9.0', bad: (c) => { plugin(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = -4; c.plugins.unshift({ type: 'prefix-based-pd-decider', name: 'half', parameters: { nonCachedTokens: 1.5 } }); }, says: ['plugin half (type prefix-based-pd-decider) nonCachedTokens is 1.5: 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider', 'plugin prefix-based-pd-decider nonCachedTokens is -4: 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider'], current: [1.5, -4], proposed: [16, 16], good: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = 1) },
  { rule: 'epp-api-version', version: 'v0.9.0', bad: (c) => { c.apiVersion = 'llm-d.ai/v1'; c.kind = 'EndpointPicker'; }, says: ['EndpointPickerConfig apiVersion "llm-d.ai/v1" is not decoded by router v0.9.0, so the EPP fails to load its config; set apiVersion: llm-d.ai/v1alpha1', 'EPP config kind "EndpointPicker" is not EndpointPickerConfig; set kind: EndpointPickerConfig'], good: (c) => { delete c.apiVersion; delete c.kind; }, current: ['llm-d.ai/v1', undefined], proposed: ['llm-d.ai/v1alpha1', undefined] },
  { rule: 'epp-api-version', version: 'v0.9.0', bad: (c) => (c.apiVersion = 'inference.networking.x-k8s.io/v1alpha2'), says: 'EndpointPickerConfig apiVersion "inference.networking.x-k8s.io/v1alpha2" is not decoded by router v0.9.0, so the EPP fails to load its config; set apiVersion: llm-d.ai/v1alpha1', current: 'inference.networking.x-k8s.io/v1alpha2', proposed: 'llm-d.ai/v1alpha1', good: (c) => (c.apiVersion = 'inference.networking.x-k8s.io/v1alpha1') },
  { rule: 'epp-unknown-field', version: 'v0.9.0', bad: (c) => { c.plugin = []; c.profiles = []; }, says: ['EndpointPickerConfig field plugin is unknown to router v0.9.0; the EPP stops with "strict decoding error: unknown field "plugin"". Remove it; known fields: apiVersion, kind, featureGates, plugins, schedulingProfiles, saturationDetector, dataLayer, flowControl, parser, requestHandler', 'EndpointPickerConfig field profiles is unknown to router v0.9.0; the EPP stops with "strict decoding error: unknown field "profiles"". Remove it; known fields: apiVersion, kind, featureGates, plugins, schedulingProfiles, saturationDetector, dataLayer, flowControl, parser, requestHandler'], current: ['plugin', 'profiles'] },
  { rule: 'epp-unknown-plugin', version: 'v0.10.0', bad: (c) => c.plugins.push({ name: 'nameless' }, { type: 'no-such-plugin' }), says: ['plugins[8] has no type; every EPP plugin needs one', 'plugins[9] type no-such-plugin is not registered in router v0.10.0; the EPP exits with "plugin type is not registered". Remove it or change the type'], current: [undefined, 'no-such-plugin'] },
  { rule: 'epp-deprecated-plugin', version: 'v0.8.0', bad: (c) => Object.assign(plugin(c, 'disagg-profile-handler'), { type: 'pd-profile-handler', name: 'pd', parameters: {} }), says: 'plugin pd (type pd-profile-handler) is deprecated since v0.7.0 (llm-d-router#732); use disagg-profile-handler instead' },
  { rule: 'epp-unknown-feature-gate', version: 'v0.10.0', bad: (c) => (c.featureGates = [' flowControl=true', 'flowControl=maybe', 'flowControl']), says: ['featureGates[0] " flowControl=true" is not registered in router v0.10.0; the EPP exits with "feature gate \' flowControl\' is unknown or unregistered" and crashloops. Remove it; known gates: flowControl, haPopulateNonLeaderDatastore', 'featureGates[1] "flowControl=maybe" sets flowControl to a value that is not a boolean; the EPP exits with "maybe is not a valid value for the feature gate flowControl" and crashloops. Write flowControl=true or flowControl=false'], good: (c) => (c.featureGates = ['flowControl=TRUE', 'flowControl= 0', 'flowControl=f', 'flowControl=1', 'flowControl=t', 'flowControl=False', 'haPopulateNonLeaderDatastore']), current: [' flowControl=true', 'flowControl=maybe'] },
  { rule: 'epp-plugin-order', version: 'v0.9.0', encode: true, bad: (c) => c.plugins.push(...c.plugins.splice(c.plugins.findIndex((p: KObject) => p.type === 'always-disagg-multimodal-decider'), 1)), says: 'plugin disagg-profile-handler (plugins[8]) comes before its decider always-disagg-multimodal-decider (plugins[9]); router v0.9.0 builds plugins in list order, so the handler fails with "deciders.encode plugin not found". Move always-disagg-multimodal-decider above the handler' },
  { rule: 'epp-missing-plugin-ref', version: 'v0.10.0', encode: true, bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.encode = 'mm'), says: 'plugin disagg-profile-handler deciders.encode names "mm", which is not declared under plugins; the handler fails to build ("deciders.encode plugin not found"). Declare a plugin of type always-disagg-multimodal-decider with that name', current: 'mm' },
  { rule: 'epp-missing-plugin-ref', version: 'v0.9.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters = { prefillDeciderPluginName: 'pd-x', encodeDeciderPluginName: 'mm-x' }), says: ['plugin disagg-profile-handler prefillDeciderPluginName names "pd-x", which is not declared under plugins; the handler fails to build. Declare a plugin of type prefix-based-pd-decider or always-disagg-pd-decider with that name', 'plugin disagg-profile-handler encodeDeciderPluginName names "mm-x", which is not declared under plugins; the handler fails to build ("deciders.encode plugin not found"). Declare a plugin of type always-disagg-multimodal-decider with that name'], current: ['pd-x', 'mm-x'] },
  { rule: 'epp-missing-plugin-ref', version: 'v0.8.0', bad: (c) => { c.plugins = c.plugins.filter((p: KObject) => p.type !== 'prefix-based-pd-decider'); Object.assign(plugin(c, 'disagg-profile-handler'), { type: 'pd-profile-handler', parameters: {} }); }, says: 'plugin pd-profile-handler deciderPluginName names "prefix-based-pd-decider", which is not declared under plugins; the handler fails to build. Declare a plugin of type prefix-based-pd-decider or always-disagg-pd-decider with that name', current: 'prefix-based-pd-decider' },
  { rule: 'epp-missing-plugin-ref', version: 'v0.9.0', bad: (c) => (plugin(c, 'max-score-picker').name = 'picker'), says: ['scheduling profile prefill refers to plugin "max-score-picker", which is not declared under plugins; declare it or remove the pluginRef', 'scheduling profile decode refers to plugin "max-score-picker", which is not declared under plugins; declare it or remove the pluginRef'], good: (c) => Object.assign(plugin(c, 'max-score-picker'), { type: 'random-picker', name: 'max-score-picker' }), current: ['max-score-picker', 'max-score-picker'] },
  { rule: 'epp-strict-params', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters = { deciderPluginName: 'prefix-based-pd-decider', prefillProfil: 'prefill' }), says: 'plugin disagg-profile-handler parameter prefillProfil is rejected by router v0.10.0\'s strict decoder (llm-d-router #1134), so the EPP does not start. Remove prefillProfil', current: 'prefillProfil', good: (c) => (plugin(c, 'disagg-profile-handler').parameters = { deciderPluginName: 'prefix-based-pd-decider', prefillProfile: 'prefill' }) },
  { rule: 'epp-handler-mixed-params', version: 'v0.10.0', bad: (c) => Object.assign(plugin(c, 'disagg-profile-handler').parameters, { prefillProfile: 'prefill', decodeProfile: 'decode', profiles: { prefill: 'prefill' } }), says: 'plugin disagg-profile-handler mixes flat parameters (decodeProfile, prefillProfile) with nested ones (profiles, deciders); the handler refuses to start. Keep only the nested form: profiles.{prefill,decode} and deciders.prefill' },
  { rule: 'epp-param-type', version: 'v0.9.0', bad: (c) => { Object.assign(plugin(c, 'approx-prefix-cache-producer').parameters, { autoTune: 'false', blockSizeTokens: 1.5, maxPrefixTokensToMatch: null }); plugin(c, 'disagg-profile-handler').parameters.profiles = 'prefill'; plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 5 }; plugin(c, 'queue-scorer').parameters = 'fast'; c.schedulingProfiles[1].plugins[2].weight = null; }, says: ['plugin approx-prefix-cache-producer parameter autoTune is a string ("false") but the plugin decodes a boolean; the EPP stops with "cannot unmarshal string into ... autoTune". Write it as true or false, unquoted', 'plugin approx-prefix-cache-producer parameter blockSizeTokens is a number (1.5) but the plugin decodes an integer; the EPP stops with "cannot unmarshal number into ... blockSizeTokens". Write it as a plain number', 'plugin prefix-cache-scorer parameter prefixMatchInfoProducerName is an integer (5) but the plugin decodes a string; the EPP stops with "cannot unmarshal number into ... prefixMatchInfoProducerName". Write it as a string', 'plugin queue-scorer parameters is a string, not a mapping; the plugin fails to decode it. Write parameters as key: value pairs', 'plugin disagg-profile-handler parameter profiles is a string ("prefill") but the plugin decodes an object; the EPP stops with "cannot unmarshal string into ... profiles". Write it as a mapping'], current: ['false', 1.5, 5, undefined, 'prefill'] },
  { rule: 'epp-missing-profile', version: 'v0.10.0', bad: (c) => { c.schedulingProfiles[0].name = 'pf'; c.schedulingProfiles[1].name = 'dc'; }, says: ['plugin disagg-profile-handler runs the decode stage with scheduling profile "decode", but schedulingProfiles has no profile of that name; add it (with the decode-filter) or set profiles.decode', 'plugin disagg-profile-handler runs the prefill stage with scheduling profile "prefill", but schedulingProfiles has no profile of that name; add it (with the prefill-filter) or set profiles.prefill'], good: (c) => { plugin(c, 'disagg-profile-handler').parameters = { deciders: {}, stageOrder: 'decode-first' }; c.schedulingProfiles[0].name = 'pf'; } },
  { rule: 'epp-prefill-profile-name', version: 'v0.9.0', bad: (c) => { c.schedulingProfiles[0].name = 'pf'; plugin(c, 'disagg-profile-handler').parameters = { prefillProfile: 'pf', deciderPluginName: 'prefix-based-pd-decider' }; }, says: 'plugin disagg-profile-handler uses prefill profile "pf", but the prefix producer only records prefill picks from a profile literally named "prefill" (GIE #2080), so prefill pods never look cache-warm; rename the profile to "prefill"', current: 'pf', proposed: 'prefill', good: (c) => { c.schedulingProfiles[0].name = 'pf'; plugin(c, 'disagg-profile-handler').parameters = { profiles: { prefill: 'pf' }, deciders: {} }; } },
  { rule: 'epp-headers-handler-profile', version: 'v0.8.0', bad: (c) => Object.assign(plugin(c, 'disagg-headers-handler'), { name: 'hh', parameters: { prefillProfile: 'pf' } }), says: 'plugin hh (type disagg-headers-handler) sets x-prefiller-host-port from the pick of profile "pf" (its prefillProfile), but plugin disagg-profile-handler runs the prefill stage as "prefill", so the header is never set and the sidecar never sends the prefill hop; set prefillProfile: prefill on hh', current: 'pf', proposed: 'prefill', good: (c) => Object.assign(plugin(c, 'disagg-headers-handler'), { name: 'hh', parameters: { prefillProfile: 'prefill' } }) },
  { rule: 'epp-profile-handlers', version: 'v0.9.0', bad: (c) => c.plugins.push({ type: 'single-profile-handler' }, { type: 'pd-profile-handler', name: 'pd' }), says: '3 profile handlers are declared (disagg-profile-handler, single-profile-handler, pd); the EPP stops with "multiple profile handlers found; only one is allowed". Keep only disagg-profile-handler' },
  { rule: 'epp-stage-order', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 5), says: 'plugin disagg-profile-handler stageOrder 5 is invalid; the EPP stops with "must be "decode-first" or "prefill-first"". Use decode-first (or remove stageOrder)', current: 5, proposed: 'decode-first' },
  { rule: 'epp-prefill-profile-filter', version: 'v0.10.0', bad: (c) => { c.schedulingProfiles[0].plugins.shift(); c.schedulingProfiles[1].plugins.shift(); }, says: ['scheduling profile prefill (the prefill stage) has no prefill filter, so the scheduler picks between prefill and decode pods by score and tie-break, and requests are not reliably disaggregated; add - pluginRef: prefill-filter to it', 'scheduling profile decode (the decode stage) has no decode filter, so the scheduler picks between prefill and decode pods by score and tie-break, and requests are not reliably disaggregated; add - pluginRef: decode-filter to it'], good: (c) => { c.plugins.push({ type: 'label-selector-filter', name: 'role-prefill' }); c.schedulingProfiles[0].plugins[0].pluginRef = 'role-prefill'; } },
  { rule: 'epp-encode-stage', version: 'v0.8.0', encode: true, bad: (c) => Object.assign(plugin(c, 'disagg-profile-handler'), { type: 'pd-profile-handler', parameters: {} }), says: 'plugin pd-profile-handler (router v0.8.0) has no encode stage: the decode sidecar never gets an encode pod, the encode pods get no traffic and prefill runs the vision encoder on every image; use disagg-profile-handler with deciders.encode: always-disagg-multimodal-decider and an "encode" profile', current: 'pd-profile-handler', proposed: 'disagg-profile-handler' },
  { rule: 'epp-encode-stage', version: 'v0.9.0', encode: true, bad: (c) => { delete plugin(c, 'disagg-profile-handler').parameters.deciders.encode; c.schedulingProfiles[0].name = 'vision'; }, says: ['plugin disagg-profile-handler has no deciders.encode, so encode disaggregation is off (the EPP logs "No deciders.encode configured, E disaggregation disabled"): the decode sidecar never gets an encode pod, the encode pods get no traffic and prefill runs the vision encoder on every image; declare - type: always-disagg-multimodal-decider above the handler and set deciders.encode: always-disagg-multimodal-decider', 'plugin disagg-profile-handler runs the encode stage as scheduling profile "encode", which schedulingProfiles does not define, so the stage is skipped: the decode sidecar never gets an encode pod, the encode pods get no traffic and prefill runs the vision encoder on every image; add a profile "encode" with - pluginRef: encode-filter'], proposed: ['always-disagg-multimodal-decider', 'encode'] },
  { rule: 'epp-encode-stage', version: 'v0.10.0', encode: true, bad: (c) => (c.schedulingProfiles[0].plugins = c.schedulingProfiles[0].plugins.slice(1)), says: 'scheduling profile encode (the encode stage) has no encode filter, so it picks among every pod of the pool, prefill and decode pods included, and hands the sidecar a pod that runs no encoder-only engine; declare - type: encode-filter and add - pluginRef: encode-filter to it', proposed: 'encode-filter', good: (c) => { c.plugins.push({ type: 'by-label', name: 'role-encode' }); c.schedulingProfiles[0].plugins[0].pluginRef = 'role-encode'; } },
  { rule: 'epp-no-prefill-decider', version: 'v0.9.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters = { stageOrder: 'prefill-first' }), says: 'plugin disagg-profile-handler has no deciders.prefill, so P/D disaggregation is disabled (the EPP logs "No deciders.prefill configured"); set deciders.prefill to a declared prefix-based-pd-decider or always-disagg-pd-decider', proposed: 'prefix-based-pd-decider' },
  { rule: 'epp-non-cached-tokens', version: 'v0.10.0', bad: (c) => { plugin(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = -5; c.plugins.push({ type: 'prefix-based-pd-decider', name: 'd2', parameters: { nonCachedTokens: 1.5 } }, { type: 'prefix-based-pd-decider', name: 'd3', parameters: { nonCachedTokens: '16' } }); }, says: ['plugin prefix-based-pd-decider nonCachedTokens is -5: 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider', 'plugin d2 (type prefix-based-pd-decider) nonCachedTokens is 1.5: 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider', 'plugin d3 (type prefix-based-pd-decider) nonCachedTokens is "16": 0 disables disaggregation since v0.7.0 (llm-d-router #691) and negative values stop the EPP; set nonCachedTokens to a positive token count such as 16, or use always-disagg-pd-decider'], good: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = 1), current: [-5, 1.5, '16'], proposed: [16, 16, 16] },
  { rule: 'epp-no-prefix-producer', version: 'v0.10.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer' && p.type !== 'prefix-cache-scorer')), says: 'no approx-prefix-cache-producer plugin although prefix-based-pd-decider reads its prefix-match data; router v0.10.0 creates one with defaults (autoTune: true, blockSizeTokens: 16), so the block size is not pinned to the engines\'. Declare approx-prefix-cache-producer with autoTune: false and blockSizeTokens: <engine --block-size>' },
  { rule: 'epp-producer-autotune', version: 'v0.8.0', noEngineBlockSize: true, bad: (c) => (c.plugins[0].parameters.autoTune = true), says: 'plugin approx-prefix-cache-producer has autoTune on: on router v0.8.0 the block size then follows whatever the first endpoint\'s metrics report, and the seed deployment only disaggregated with it pinned. Set autoTune: false and blockSizeTokens: <engine --block-size>', current: true, proposed: false },
  { rule: 'epp-producer-invalid', version: 'v0.8.0', noEngineBlockSize: true, bad: (c) => Object.assign(c.plugins[0].parameters, { blockSizeTokens: -16, maxPrefixTokensToMatch: 0, maxPrefixBlocksToMatch: -2 }), says: ['plugin approx-prefix-cache-producer has autoTune: false with blockSizeTokens -16; the producer refuses to start. Set blockSizeTokens to the engines\' block size', 'plugin approx-prefix-cache-producer maxPrefixBlocksToMatch is -2: router v0.8.0 loads it, then panics ("slice bounds out of range") on the first prompt of a block or more, which takes the EPP down. Use a positive block count (default 256)'], good: (c) => Object.assign(c.plugins[0].parameters, { blockSizeTokens: 1, maxPrefixTokensToMatch: 0, maxPrefixBlocksToMatch: 0 }), current: [-16, -2], proposed: [undefined, 256] },
  { rule: 'epp-block-size-mismatch', version: 'v0.9.0', bad: (c) => delete c.plugins[0].parameters.blockSizeTokens, says: 'plugin approx-prefix-cache-producer blockSizeTokens is 16 (default) but the engines use 128-token KV blocks, so prefix-cache routing estimates hits wrongly; set blockSizeTokens: 128', current: 16, proposed: 128 },
  { rule: 'epp-block-size-floor', version: 'v0.9.0', engineBlockSize: 32, bad: (c) => (c.plugins[0].parameters.autoTune = true), says: 'plugin approx-prefix-cache-producer works with 32-token blocks, but router v0.9.0 raises any block size below 64 to 64 (llm-d-router #1160): the EPP will match prefixes in 64-token blocks. Keep blockSizeTokens equal to the engines\'; this is informational', current: 32, good: (c) => (c.plugins[0].parameters.blockSizeTokens = 64) },
  { rule: 'epp-block-size-floor', version: 'v0.10.0', engineBlockSize: 16, bad: (c) => c.plugins.shift(), says: 'the auto-created approx-prefix-cache-producer works with 16-token blocks, but router v0.10.0 raises any block size below 64 to 64 (llm-d-router #1160): the EPP will match prefixes in 64-token blocks. Keep blockSizeTokens equal to the engines\'; this is informational', current: 16, good: (c) => (c.plugins[0].parameters.blockSizeTokens = 0) },
  { rule: 'epp-prefix-cap-ignored', version: 'v0.10.0', bad: (c) => { delete c.plugins[0].parameters.maxPrefixTokensToMatch; Object.assign(c.plugins[0].parameters, { maxPrefixBlocksToMatch: 100, blockSizeTokens: 16 }); }, says: 'plugin approx-prefix-cache-producer maxPrefixBlocksToMatch: 100 is ignored on router v0.10.0: the default maxPrefixTokensToMatch (131072) wins. Replace it with maxPrefixTokensToMatch: 6400', current: 100, proposed: 6400 },
];

/** Configs a rule must leave alone although a nearby rule case flags them: another router version, or what the EPP does
 * by itself. `others` names the findings other rules give instead (empty: the config is fine on that count). */
const quiet: Array<{ rule: string; version: RouterVersion; why: string; decider?: 'always'; edit: (c: KObject) => void; input?: Partial<EppConfigInput>; encode?: boolean; others?: string[] }> = [
  { rule: 'epp-experimental-plugin', version: 'v0.10.0', why: 'pd-disagg starts its EPP with --allow-experimental-plugins', edit: (c) => c.plugins.push({ type: 'topology-affinity-filter' }), input: { experimentalAllowed: true } },
  { rule: 'epp-plugin-order', version: 'v0.10.0', why: 'v0.10.0 builds the plugins in any order', edit: (c) => c.plugins.reverse() },
  { rule: 'epp-headers-handler-missing', version: 'v0.9.0', why: 'from v0.9.0 the profile handler sets x-prefiller-host-port itself', edit: () => {} },
  { rule: 'epp-headers-handler-missing', version: 'v0.8.0', why: 'without a prefill decider no prefill pod is picked', edit: (c) => { c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-headers-handler'); plugin(c, 'disagg-profile-handler').parameters = { deciders: {} }; }, others: ['epp-no-prefill-decider'] },
  { rule: 'epp-headers-handler-profile', version: 'v0.9.0', why: "from v0.9.0 the headers handler's profile no longer matters", edit: (c) => c.plugins.unshift({ type: 'disagg-headers-handler', parameters: { prefillProfile: 'pf' } }), others: ['epp-deprecated-plugin'] },
  { rule: 'epp-headers-handler-profile', version: 'v0.8.0', why: 'without a prefill decider no prefill pod is picked', edit: (c) => { plugin(c, 'disagg-headers-handler').parameters = { prefillProfile: 'pf' }; plugin(c, 'disagg-profile-handler').parameters = { deciders: {} }; }, others: ['epp-no-prefill-decider'] },
  { rule: 'epp-stage-order', version: 'v0.9.0', why: 'v0.9.0 has no stageOrder (its strict decoder refuses the parameter)', edit: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'bogus'), others: ['epp-strict-params'] },
  { rule: 'epp-no-prefill-decider', version: 'v0.10.0', why: 'stageOrder prefill-first runs the prefill stage for every request without a decider', edit: (c) => (plugin(c, 'disagg-profile-handler').parameters = { stageOrder: 'prefill-first' }) },
  { rule: 'epp-no-prefix-producer', version: 'v0.8.0', why: 'v0.8.0 creates no producer for a lone decider: epp-decider-no-producer says so', edit: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer' && p.type !== 'prefix-cache-scorer')), others: ['epp-missing-plugin-ref', 'epp-missing-plugin-ref', 'epp-decider-no-producer'] },
  { rule: 'epp-no-prefix-producer', version: 'v0.10.0', why: 'nothing reads prefix-match data', edit: (c) => (c.plugins = c.plugins.filter((p: KObject) => !['approx-prefix-cache-producer', 'prefix-cache-scorer', 'prefix-based-pd-decider'].includes(p.type))), others: ['epp-missing-plugin-ref', 'epp-missing-plugin-ref', 'epp-missing-plugin-ref'] },
  { rule: 'epp-decider-no-producer', version: 'v0.9.0', why: 'v0.9.0 creates the producer for any consumer', edit: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer' && p.type !== 'prefix-cache-scorer')), others: ['epp-missing-plugin-ref', 'epp-missing-plugin-ref', 'epp-no-prefix-producer'] },
  { rule: 'epp-producer-autotune', version: 'v0.9.0', why: 'only v0.8.0 needs the block size pinned', edit: (c) => (c.plugins[0].parameters.autoTune = true) },
  { rule: 'epp-producer-invalid', version: 'v0.10.0', why: 'a JSON null blockSizeTokens keeps the default, 16 (the factory decodes into its defaults: approximateprefix/plugin.go @ v0.10.0)', edit: (c) => Object.assign(c.plugins[0].parameters, { autoTune: false, blockSizeTokens: null }), others: ['epp-block-size-mismatch', 'epp-block-size-floor'] },
  { rule: 'epp-decider-no-producer', version: 'v0.8.0', why: 'the always decider reads no prefix-match data', decider: 'always', edit: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer' && p.type !== 'prefix-cache-scorer')), others: ['epp-missing-plugin-ref', 'epp-missing-plugin-ref'] },
  { rule: 'epp-producer-invalid', version: 'v0.9.0', why: 'a negative block cap disables matching on v0.9.0 instead of crashing', edit: (c) => { delete c.plugins[0].parameters.maxPrefixTokensToMatch; c.plugins[0].parameters.maxPrefixBlocksToMatch = -1; }, others: ['epp-prefix-cap-ignored'] },
  { rule: 'epp-block-size-mismatch', version: 'v0.10.0', why: 'the engines\' block size is not known', edit: (c) => (c.plugins[0].parameters.blockSizeTokens = 16), input: { engineBlockSize: undefined }, others: ['epp-block-size-floor'] },
  { rule: 'epp-block-size-floor', version: 'v0.8.0', why: 'v0.8.0 has no floor', edit: (c) => (c.plugins[0].parameters.blockSizeTokens = 16), input: { engineBlockSize: 16 } },
  { rule: 'epp-prefix-cap-ignored', version: 'v0.8.0', why: "v0.8.0's default token cap is 0, so the block cap applies", edit: (c) => (c.plugins[0].parameters.maxPrefixBlocksToMatch = 100) },
  { rule: 'epp-encode-stage', version: 'v0.8.0', why: 'a pair without an encode workload needs no encode stage', edit: (c) => Object.assign(plugin(c, 'disagg-profile-handler'), { type: 'pd-profile-handler', parameters: {} }), others: ['epp-deprecated-plugin'] },
  { rule: 'epp-encode-stage', version: 'v0.10.0', why: 'with no profile handler at all epp-no-prefill-decider speaks', encode: true, edit: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler')), others: ['epp-no-prefill-decider'] },
  { rule: 'epp-missing-plugin-ref', version: 'v0.8.0', why: "v0.8.0's prefix-cache-scorer never reads prefixMatchInfoProducerName", edit: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'nope' }), others: ['epp-ignored-params'] },
  { rule: 'epp-prefill-profile-filter', version: 'v0.10.0', why: 'without a profile handler there is no prefill stage', edit: (c) => { c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler'); c.schedulingProfiles[0].plugins.shift(); }, others: ['epp-no-prefill-decider'] },
];

describe('epp-config rules', () => {
  it('every rule has a test case, and rule ids are unique and in scope epp-config', () => {
    const ruleIds = eppConfigRules.map((r) => r.id);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    expect(eppConfigRules.every((r) => r.scope === 'epp-config' && r.summary && r.fix && r.field)).toBe(true);
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(ruleIds));
  });

  for (const [i, tc] of cases.entries()) {
    it(`${tc.rule} #${i} on ${tc.version}: flags the bad config`, () => {
      const config = base(tc.version, 'prefix-based', 128, tc.encode);
      tc.bad(config);
      const input = ctx(tc.version, config, tc.engineBlockSize, tc.encode);
      if (tc.noEngineBlockSize) delete input.engineBlockSize;
      const found = ids(input, tc.rule);
      expect(found.map((f) => f.message)).toEqual(typeof tc.says === 'string' ? [tc.says] : tc.says);
      expect(found[0]!.resourceRef).toEqual(origin.resource);
      const each = (v: unknown, i: number) => (typeof tc.says === 'string' ? v : (v as unknown[] | undefined)?.[i]);
      expect(found.map((f) => f.field)).toEqual(
        found.map((_, i) => ({
          path: origin.path,
          ...(each(tc.current, i) !== undefined ? { currentValue: each(tc.current, i) } : {}),
          ...(each(tc.proposed, i) !== undefined ? { proposedValue: each(tc.proposed, i) } : {}),
        })),
      );
      expect(found[0]!.severity).toBe(eppConfigRules.find((r) => r.id === tc.rule)!.severity);
    });
    it(`${tc.rule} #${i} on ${tc.version}: accepts the near miss`, () => {
      const config = base(tc.version, 'prefix-based', 128, tc.encode);
      tc.good?.(config);
      expect(ids(ctx(tc.version, config, tc.engineBlockSize === 32 ? 128 : tc.engineBlockSize, tc.encode), tc.rule)).toEqual([]);
    });
  }

  for (const q of quiet) {
    it(`${q.rule} on ${q.version} stays silent: ${q.why}`, () => {
      const config = base(q.version, q.decider ?? 'prefix-based', 128, q.encode);
      q.edit(config);
      const found = lintEppConfig({ ...ctx(q.version, config, 128, q.encode), ...q.input });
      expect(found.filter((r) => r.tags?.rule === q.rule)).toEqual([]);
      expect(found.map((r) => r.tags?.rule)).toEqual(q.others ?? []);
    });
  }

  // The Go type each P/D plugin decodes its parameters into (llm-d-router v0.10.0: profilehandler/disagg/
  // disagg_profile_handler.go, pd_profile_handler.go, prefix_based_pd_decider.go; dataproducer/approximateprefix/types.go;
  // scorer/prefix/plugin.go): a value of another JSON type fails to unmarshal, one of the right type passes.
  // The plugin types the rules know by role, each as the router versions that register it: profile handlers (the
  // scheduler takes exactly one), pickers (with none declared the loader adds max-score-picker), role filters.
  it('every profile handler, picker and role filter type a version registers is treated as one', () => {
    const registered = (v: RouterVersion, types: string[]) => types.filter((t) => t in routerTable(v).plugins);
    const rules = (v: RouterVersion, c: KObject, rule: string, encode = false) => ids(ctx(v, c, 128, encode), rule);
    const used = new Set<string>();
    for (const v of ROUTER_VERSIONS) {
      for (const t of registered(v, ['single-profile-handler', 'pd-profile-handler', 'data-parallel-profile-handler', 'header-profile-handler'])) {
        const c = base(v);
        c.plugins.push({ type: t, name: 'second' });
        expect(rules(v, c, 'epp-profile-handlers').map((r) => r.message), `${v} ${t}`).toEqual([expect.stringMatching(/^2 profile handlers are declared \((disagg|pd)-profile-handler, second\)/)]);
        used.add(t);
      }
      for (const t of registered(v, ['random-picker', 'weighted-random-picker', 'max-score-picker'])) {
        const c = base(v);
        Object.assign(plugin(c, 'max-score-picker'), { type: t, name: 'picker' });
        // a picker is declared, so no max-score-picker is added: the profiles' refs to it are missing
        expect(rules(v, c, 'epp-missing-plugin-ref').map((r) => r.field?.currentValue), `${v} ${t}`).toEqual(['max-score-picker', 'max-score-picker']);
        used.add(t);
      }
      for (const t of registered(v, ['by-label', 'by-label-selector', 'label-selector-filter'])) {
        const c = base(v);
        Object.assign(plugin(c, 'prefill-filter'), { type: t, name: 'prefill-filter' });
        Object.assign(plugin(c, 'decode-filter'), { type: t, name: 'decode-filter' });
        expect(rules(v, c, 'epp-prefill-profile-filter'), `${v} ${t}`).toEqual([]);
        if (v !== 'v0.8.0') {
          const e = base(v, 'prefix-based', 128, true);
          Object.assign(plugin(e, 'encode-filter'), { type: t, name: 'encode-filter' });
          expect(rules(v, e, 'epp-encode-stage', true), `${v} ${t} encode`).toEqual([]);
        }
        used.add(t);
      }
    }
    expect([...used].sort()).toEqual(['by-label', 'by-label-selector', 'data-parallel-profile-handler', 'header-profile-handler', 'label-selector-filter', 'max-score-picker', 'pd-profile-handler', 'random-picker', 'single-profile-handler', 'weighted-random-picker']);
    // the near miss: a filter that is no role filter leaves the profile without one
    const c = base('v0.10.0');
    Object.assign(plugin(c, 'prefill-filter'), { type: 'queue-scorer', name: 'prefill-filter' });
    expect(rules('v0.10.0', c, 'epp-prefill-profile-filter')).toHaveLength(1);
  });

  // pd-disagg lints the parameters of the plugins whose decoders it recorded (src/router/versions); the others'
  // parameters pass whatever they are, on the strict v0.9.0+ decoders too
  it('the parameters of a plugin pd-disagg has not recorded are neither rejected nor called ignored', () => {
    let seen = 0;
    for (const v of ROUTER_VERSIONS) {
      const unrecorded = Object.entries(routerTable(v).plugins).filter(([, info]) => info.params.accepts === 'unchecked').map(([type]) => type);
      expect(unrecorded.length, v).toBeGreaterThan(3);
      for (const type of unrecorded) {
        const config = base(v);
        config.plugins.push({ type, name: `x-${type}`, parameters: { threshold: 5, mode: 'fast' } });
        const found = lintEppConfig(ctx(v, config)).filter((r) => r.tags?.rule === 'epp-strict-params' || r.tags?.rule === 'epp-ignored-params');
        expect(found, `${v} ${type}`).toEqual([]);
        seen++;
      }
      // a recorded one with the same parameters is refused (v0.9.0+) or called ignored (v0.8.0)
      const config = base(v);
      config.plugins.push({ type: 'queue-scorer', name: 'x', parameters: { threshold: 5, mode: 'fast' } });
      expect(lintEppConfig(ctx(v, config)).filter((r) => r.tags?.rule === 'epp-strict-params' || r.tags?.rule === 'epp-ignored-params').map((r) => r.field?.currentValue), v).toEqual(['threshold', 'mode']);
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('epp-param-type knows the JSON type of every parameter the P/D plugins decode', () => {
    const decoded: Record<string, Record<string, 'integer' | 'boolean' | 'string' | 'object'>> = {
      'approx-prefix-cache-producer': { autoTune: 'boolean', blockSizeTokens: 'integer', maxPrefixBlocksToMatch: 'integer', maxPrefixTokensToMatch: 'integer', lruCapacityPerServer: 'integer' },
      'prefix-based-pd-decider': { nonCachedTokens: 'integer', promptTokens: 'integer' },
      'disagg-profile-handler': { profiles: 'object', deciders: 'object', stageOrder: 'string', prefillProfile: 'string', decodeProfile: 'string', deciderPluginName: 'string', prefillDeciderPluginName: 'string' },
      'pd-profile-handler': { prefillProfile: 'string', decodeProfile: 'string', deciderPluginName: 'string' },
      'prefix-cache-scorer': { prefixMatchInfoProducerName: 'string' },
    };
    const wrong = { integer: '8', boolean: 'true', string: 5, object: 'x' } as const;
    const right = { integer: 8, boolean: true, string: 'x', object: {} } as const;
    const article = (t: string) => (t === 'integer' || t === 'object' ? `an ${t}` : `a ${t}`);
    const lint = (type: string, parameters: KObject) => ids(ctx('v0.10.0', { ...base('v0.10.0'), plugins: [{ type, parameters }] }), 'epp-param-type').map((r) => r.message);
    for (const [type, params] of Object.entries(decoded)) {
      const bad = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, wrong[t]]));
      expect(lint(type, bad).map((m) => m.replace(/; the EPP stops.*/, '')), type).toEqual(
        Object.entries(params).map(([k, t]) => `plugin ${type} parameter ${k} is ${t === 'string' ? 'an integer' : 'a string'} (${JSON.stringify(wrong[t])}) but the plugin decodes ${article(t === 'object' ? 'object' : t)}`),
      );
      expect(lint(type, Object.fromEntries(Object.entries(params).map(([k, t]) => [k, right[t]]))), type).toEqual([]);
    }
  });

  it('odd shapes: what the loader could not decode is skipped, what it could is still judged, nothing throws', () => {
    const head = { apiVersion: 'llm-d.ai/v1alpha1', kind: 'EndpointPickerConfig' };
    const rules = (config: KObject) => lintEppConfig(ctx('v0.10.0', config)).map((r) => r.tags?.rule);
    expect(rules({ ...head, plugins: { type: 'queue-scorer' }, schedulingProfiles: 'prefill' })).toEqual(['epp-no-prefill-decider']);
    const odd = {
      ...head,
      plugins: [null, 'x', { type: 'queue-scorer' }],
      schedulingProfiles: [null, 'p', { name: 'prefill', plugins: 'queue-scorer' }, { name: 'decode', plugins: [null, 'queue-scorer', { pluginRef: 'queue-scorer', weight: '2' }, { pluginRef: 'queue-scorer', weight: 1 }] }],
    };
    expect(rules(odd)).toEqual(['epp-no-prefill-decider', 'epp-param-type']);
    expect(ids(ctx('v0.10.0', odd), 'epp-param-type').map((r) => r.message)).toEqual([
      'scheduling profile decode gives queue-scorer weight "2", which is not a number; the EPP fails to decode its config. Write the weight as a plain number',
    ]);
  });

  it('honours overrides', () => {
    const config = base('v0.8.0');
    config.featureGates = ['prepareDataPlugins'];
    const c = ctx('v0.8.0', config);
    expect(lintEppConfig(c, { 'epp-unknown-feature-gate': 'off' })).toEqual([]);
    expect(lintEppConfig(c, { 'epp-unknown-feature-gate': 'warning' })[0]!.severity).toBe('warning');
  });

  it('catches the v0.8.0 upstream sample: the prepareDataPlugins gate and scorer-only prefix parameters', () => {
    const sample = {
      apiVersion: 'inference.networking.x-k8s.io/v1alpha1',
      kind: 'EndpointPickerConfig',
      featureGates: ['prepareDataPlugins'],
      plugins: [
        { type: 'disagg-headers-handler' },
        { type: 'prefix-cache-scorer', parameters: { maxPrefixBlocksToMatch: 256, lruCapacityPerServer: 31250 } },
        { type: 'queue-scorer' },
        { type: 'prefill-filter' },
        { type: 'decode-filter' },
        { type: 'max-score-picker' },
        { type: 'prefix-based-pd-decider', parameters: { nonCachedTokens: 16 } },
        { type: 'disagg-profile-handler', parameters: { deciders: { prefill: 'prefix-based-pd-decider' } } },
      ],
      schedulingProfiles: base('v0.8.0').schedulingProfiles,
    };
    const rules = lintEppConfig(ctx('v0.8.0', sample)).map((r) => `${r.severity}:${r.tags?.rule}`);
    expect(rules).toEqual(['error:epp-unknown-feature-gate', 'warning:epp-no-prefix-producer']);
  });
});

describe('the config is read once, into the context', () => {
  it('gives every rule the reading of readEppConfig: plugins, profiles, handler and producer', () => {
    const config = base('v0.10.0');
    const read = readEppConfig(routerTable('v0.10.0'), config);
    expect(read.plugins.map((p) => p.type)).toEqual(config.plugins.map((p: KObject) => p.type));
    expect(read.profiles.map((p) => p.name)).toEqual(config.schedulingProfiles.map((p: KObject) => p.name));
    expect(read.handler?.plugin.type).toBe('disagg-profile-handler');
    expect(read.producer?.type).toBe(routerTable('v0.10.0').producer.type);
    expect(read.producerSettings.blockSizeTokens).toBe(128);
  });

  it('reads what the loader would decode, skipping what is not there: odd shapes give no plugin, no profile, no ref', () => {
    const t = routerTable('v0.10.0');
    expect(readEppConfig(t, { plugins: { type: 'queue-scorer' }, schedulingProfiles: 'prefill' })).toMatchObject({ plugins: [], profiles: [] });
    const read = readEppConfig(t, {
      plugins: ['queue-scorer', { type: 7, name: 'seven' }, { type: 'queue-scorer', name: '' }, { type: 'prefill-filter', parameters: 'x' }, { type: 'decode-filter', parameters: null }],
      schedulingProfiles: [null, { name: 5, plugins: 'decode-filter' }, { name: 'decode', plugins: [{ pluginRef: 'decode-filter' }, { pluginRef: 3 }, 'queue-scorer'] }],
    });
    // a list entry that is not a mapping is skipped but keeps the others' indexes; a missing or empty name is the type
    expect(read.plugins).toEqual([
      { index: 1, name: 'seven', type: '', params: undefined, badParams: false },
      { index: 2, name: 'queue-scorer', type: 'queue-scorer', params: undefined, badParams: false },
      { index: 3, name: 'prefill-filter', type: 'prefill-filter', params: undefined, badParams: true },
      { index: 4, name: 'decode-filter', type: 'decode-filter', params: undefined, badParams: false },
    ]);
    expect(read.profiles).toEqual([{ name: '', refs: [] }, { name: 'decode', refs: ['decode-filter', ''] }]);
    expect(read.handler).toBeUndefined();
    expect(read.producer).toBeUndefined();
    // no producer declared: the version's defaults
    expect(read.producerSettings).toEqual({ autoTune: true, blockSizeTokens: 16, explicitBlockSize: false, maxPrefixBlocksToMatch: undefined, maxPrefixTokensToMatch: undefined });
  });

  it("reads the profile handler's settings in every parameter form, the nested form first, then the version's defaults", () => {
    const t = routerTable('v0.10.0');
    const handler = (type: string, parameters?: KObject) => readEppConfig(t, { plugins: [{ type, ...(parameters ? { parameters } : {}) }] }).handler;
    const view = (h: ReturnType<typeof handler>) => h && { ...h, plugin: undefined };
    // pd-profile-handler (deprecated): its own flat names and defaults, and no encode stage
    expect(view(handler('pd-profile-handler'))).toEqual({ prefillProfile: 'prefill', decodeProfile: 'decode', prefillDecider: 'prefix-based-pd-decider', deciderField: 'deciderPluginName', encodeDeciderField: 'deciders.encode' });
    expect(view(handler('pd-profile-handler', { prefillProfile: 'p', decodeProfile: 'd', deciderPluginName: 'always' }))).toMatchObject({ prefillProfile: 'p', decodeProfile: 'd', prefillDecider: 'always' });
    // disagg-profile-handler without parameters: no decider, the default profiles
    expect(view(handler('disagg-profile-handler'))).toEqual({ prefillProfile: 'prefill', decodeProfile: 'decode', deciderField: 'deciders.prefill', encodeProfile: 'encode', encodeDeciderField: 'deciders.encode' });
    // the flat form: prefillDeciderPluginName before deciderPluginName, named in messages by the parameter used
    expect(view(handler('disagg-profile-handler', { prefillProfile: 'p', decodeProfile: 'd', encodeProfile: 'e', deciderPluginName: 'old', encodeDeciderPluginName: 'mm' }))).toEqual({ prefillProfile: 'p', decodeProfile: 'd', prefillDecider: 'old', deciderField: 'prefillDeciderPluginName', encodeProfile: 'e', encodeDecider: 'mm', encodeDeciderField: 'encodeDeciderPluginName' });
    expect(handler('disagg-profile-handler', { prefillDeciderPluginName: 'new', deciderPluginName: 'old' })?.prefillDecider).toBe('new');
    // the nested form wins over the flat one; empty strings count as unset
    expect(view(handler('disagg-profile-handler', { profiles: { prefill: 'P', decode: 'D', encode: 'E' }, deciders: { prefill: 'pd', encode: 'mm' }, prefillProfile: 'p', decodeProfile: 'd', encodeProfile: 'e', prefillDeciderPluginName: 'x', encodeDeciderPluginName: 'y' }))).toEqual({ prefillProfile: 'P', decodeProfile: 'D', prefillDecider: 'pd', deciderField: 'deciders.prefill', encodeProfile: 'E', encodeDecider: 'mm', encodeDeciderField: 'deciders.encode' });
    expect(view(handler('disagg-profile-handler', { profiles: { prefill: '' }, deciders: { prefill: '', encode: '' }, prefillDeciderPluginName: 'x', encodeDeciderPluginName: 'y' }))).toMatchObject({ prefillProfile: 'prefill', prefillDecider: 'x', deciderField: 'prefillDeciderPluginName', encodeDecider: 'y', encodeDeciderField: 'encodeDeciderPluginName' });
    // profiles / deciders that are not mappings are ignored (epp-param-type says so)
    expect(view(handler('disagg-profile-handler', { profiles: 'P', deciders: ['pd'] }))).toMatchObject({ prefillProfile: 'prefill', deciderField: 'deciders.prefill' });
    expect(handler('disagg-profile-handler', { profiles: 'P', deciders: ['pd'] })?.prefillDecider).toBeUndefined();
    // the first handler of the list is the one read
    expect(readEppConfig(t, { plugins: [{ type: 'queue-scorer' }, { type: 'pd-profile-handler', name: 'a' }, { type: 'disagg-profile-handler', name: 'b' }] }).handler?.plugin.name).toBe('a');
  });

  it("reads the producer the version declares, with the version's defaults under what it sets", () => {
    const t = routerTable('v0.8.0');
    const settings = (parameters: KObject) => readEppConfig(t, { plugins: [{ type: 'approx-prefix-cache-producer', parameters }] }).producerSettings;
    expect(settings({})).toEqual({ autoTune: true, blockSizeTokens: 16, explicitBlockSize: false, maxPrefixBlocksToMatch: undefined, maxPrefixTokensToMatch: undefined });
    expect(settings({ autoTune: false, blockSizeTokens: 64, maxPrefixBlocksToMatch: 8, maxPrefixTokensToMatch: 0 })).toEqual({ autoTune: false, blockSizeTokens: 64, explicitBlockSize: true, maxPrefixBlocksToMatch: 8, maxPrefixTokensToMatch: 0 });
    // values of the wrong JSON type fall back to the defaults (epp-param-type says so)
    expect(settings({ autoTune: 'false', blockSizeTokens: '64' })).toMatchObject({ autoTune: true, blockSizeTokens: 16, explicitBlockSize: false });
  });

  it('the rules judge the reading, not the raw config again', () => {
    // an unknown plugin type in the config, which the reading given to the rules does not hold: no finding
    const config = base('v0.10.0');
    config.plugins.push({ type: 'no-such-plugin' });
    const unknown = eppConfigRules.find((r) => r.id === 'epp-unknown-plugin')!;
    const input = ctx('v0.10.0', config);
    const clean = readEppConfig(routerTable('v0.10.0'), base('v0.10.0'));
    expect(unknown.check({ ...input, read: clean })).toEqual([]);
    expect(unknown.check({ ...input, read: readEppConfig(routerTable('v0.10.0'), config) })).toHaveLength(1);
  });
});
