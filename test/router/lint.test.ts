import { describe, expect, it } from 'vitest';
import { buildEppConfig, routerTable, type RouterVersion } from '../../src/router/index.js';
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
  /** text the message must contain */
  says: RegExp;
  /** the config routes an E/P/D trio: the generated trio config, linted as the trio's */
  encode?: boolean;
}

const cases: Case[] = [
  { rule: 'epp-api-version', version: 'v0.8.0', bad: (c) => (c.apiVersion = 'llm-d.ai/v1alpha1'), says: /inference\.networking\.x-k8s\.io\/v1alpha1/ },
  { rule: 'epp-api-version', version: 'v0.10.0', bad: (c) => (c.kind = 'PluginConfig'), says: /kind/, good: (c) => (c.apiVersion = 'inference.networking.x-k8s.io/v1alpha1') },
  { rule: 'epp-api-version-deprecated', version: 'v0.9.0', bad: (c) => (c.apiVersion = 'inference.networking.x-k8s.io/v1alpha1'), says: /deprecated.*llm-d\.ai\/v1alpha1/ },
  { rule: 'epp-unknown-plugin', version: 'v0.8.0', bad: (c) => c.plugins.push({ type: 'label-selector-filter' }), says: /label-selector-filter.*registered in v0\.9\.0, v0\.10\.0/, good: (c) => c.plugins.push({ type: 'by-label' }) },
  { rule: 'epp-deprecated-plugin', version: 'v0.9.0', bad: (c) => c.plugins.unshift({ type: 'disagg-headers-handler' }), says: /disagg-headers-handler.*v0\.11\.0.*#905/ },
  { rule: 'epp-experimental-plugin', version: 'v0.10.0', bad: (c) => c.plugins.push({ type: 'topology-affinity-filter' }), says: /--allow-experimental-plugins/, good: (c) => c.plugins.push({ type: 'label-selector-filter' }) },
  { rule: 'epp-unknown-feature-gate', version: 'v0.8.0', bad: (c) => (c.featureGates = ['prepareDataPlugins']), says: /prepareDataPlugins.*crashloops/, good: (c) => (c.featureGates = ['flowControl']) },
  { rule: 'epp-unknown-feature-gate', version: 'v0.9.0', bad: (c) => (c.featureGates = ['flowControl=true']), says: /flowControl=true/, good: (c) => (c.featureGates = ['dataLayer']) },
  { rule: 'epp-unknown-feature-gate', version: 'v0.10.0', bad: (c) => (c.featureGates = ['dataLayer']), says: /dataLayer/, good: (c) => (c.featureGates = ['flowControl=false']) },
  { rule: 'epp-strict-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { lruCapacityPerServer: 31250 }), says: /prefix-cache-scorer parameter lruCapacityPerServer.*strict.*belongs on approx-prefix-cache-producer/, good: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'approx-prefix-cache-producer' }) },
  { rule: 'epp-strict-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.promptTokens = 64), says: /promptTokens/ },
  { rule: 'epp-strict-params', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.decode = 'x'), says: /deciders\.decode/, good: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.promptTokens = 64) },
  { rule: 'epp-ignored-params', version: 'v0.8.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.promptTokens = 64), says: /promptTokens has no effect/ },
  { rule: 'epp-ignored-params', version: 'v0.8.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { maxPrefixBlocksToMatch: 256 }), says: /never reads.*belongs on approx-prefix-cache-producer/, good: (c) => { c.plugins.shift(); plugin(c, 'prefix-cache-scorer').parameters = { autoTune: false, blockSizeTokens: 128 }; } },
  { rule: 'epp-ignored-params', version: 'v0.10.0', bad: (c) => (plugin(c, 'queue-scorer').parameters = { hashBlockSize: 5 }), says: /queue-scorer factory never reads/ },
  { rule: 'epp-handler-mixed-params', version: 'v0.9.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.prefillProfile = 'prefill'), says: /mixes flat.*prefillProfile.*nested.*deciders/, good: (c) => (plugin(c, 'disagg-profile-handler').parameters = { deciderPluginName: 'prefix-based-pd-decider' }) },
  { rule: 'epp-missing-plugin-ref', version: 'v0.9.0', bad: (c) => c.schedulingProfiles[0].plugins.push({ pluginRef: 'kv-cache-utilization-scorer' }), says: /profile prefill refers to plugin "kv-cache-utilization-scorer"/ },
  { rule: 'epp-missing-plugin-ref', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.deciders.prefill = 'pd-decider'), says: /deciders\.prefill names "pd-decider"/ },
  { rule: 'epp-missing-profile', version: 'v0.9.0', bad: (c) => (c.schedulingProfiles[1].name = 'decoding'), says: /decode stage.*"decode"/ },
  { rule: 'epp-no-prefill-decider', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters = { deciders: {} }), says: /no deciders\.prefill/ },
  { rule: 'epp-no-prefill-decider', version: 'v0.9.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler')), says: /no disagg-profile-handler/ },
  { rule: 'epp-non-cached-tokens', version: 'v0.8.0', bad: (c) => delete plugin(c, 'prefix-based-pd-decider').parameters, says: /nonCachedTokens is not set.*#691/ },
  { rule: 'epp-non-cached-tokens', version: 'v0.10.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = 0), says: /nonCachedTokens is 0/ },
  { rule: 'epp-no-prefix-producer', version: 'v0.9.0', bad: (c) => c.plugins.shift(), says: /no approx-prefix-cache-producer/ },
  { rule: 'epp-producer-autotune', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters = { maxPrefixBlocksToMatch: 256 }), says: /autoTune on and no blockSizeTokens.*blockSizeTokens: 128/, good: (c) => (c.plugins[0].parameters.autoTune = false) },
  { rule: 'epp-producer-invalid', version: 'v0.9.0', bad: (c) => (c.plugins[0].parameters.blockSizeTokens = 0), says: /autoTune: false with blockSizeTokens 0/ },
  { rule: 'epp-producer-invalid', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters.maxPrefixTokensToMatch = -1), says: /maxPrefixTokensToMatch is negative/ },
  // router conformance, v0.8.0 mut-param-cap-negative: the EPP panics in approximateprefix.hashPrompt
  { rule: 'epp-producer-invalid', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters.maxPrefixBlocksToMatch = -1), says: /maxPrefixBlocksToMatch is -1.*panics/, good: (c) => Object.assign(c.plugins[0].parameters, { maxPrefixBlocksToMatch: -1, maxPrefixTokensToMatch: 4096 }) },
  // router conformance, v0.8.0 mut-producer-none-no-scorer: loads, never disaggregates
  { rule: 'epp-decider-no-producer', version: 'v0.8.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer' && p.type !== 'prefix-cache-scorer')), says: /creates that producer only when prefix-cache-scorer is declared/, good: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'approx-prefix-cache-producer')) },
  // router conformance, v0.8.0 mut-profile-prefill-renamed: the prefill pod is picked but the header never set
  { rule: 'epp-headers-handler-profile', version: 'v0.8.0', bad: (c) => { plugin(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'pf' }; c.schedulingProfiles[0].name = 'pf'; }, says: /from the pick of profile "prefill".*runs the prefill stage as "pf"/, good: (c) => { plugin(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'pf' }; c.schedulingProfiles[0].name = 'pf'; plugin(c, 'disagg-headers-handler').parameters = { prefillProfile: 'pf' }; } },
  { rule: 'epp-block-size-mismatch', version: 'v0.8.0', bad: (c) => (c.plugins[0].parameters.blockSizeTokens = 16), says: /blockSizeTokens is 16 but the engines use 128/, good: (c) => (c.plugins[0].parameters.autoTune = true) },
  { rule: 'epp-block-size-mismatch', version: 'v0.10.0', engineBlockSize: 32, bad: () => {}, says: /blockSizeTokens is 128 but the engines use 32/ },
  { rule: 'epp-block-size-floor', version: 'v0.9.0', engineBlockSize: 16, bad: (c) => (c.plugins[0].parameters.blockSizeTokens = 16), says: /raises any block size below 64 to 64/ },
  { rule: 'epp-prefix-cap-ignored', version: 'v0.9.0', bad: (c) => { delete c.plugins[0].parameters.maxPrefixTokensToMatch; c.plugins[0].parameters.maxPrefixBlocksToMatch = 256; }, says: /maxPrefixBlocksToMatch: 256 is ignored.*maxPrefixTokensToMatch: 32768/, good: (c) => { c.plugins[0].parameters.maxPrefixTokensToMatch = 0; c.plugins[0].parameters.maxPrefixBlocksToMatch = 256; } },
  { rule: 'epp-prefill-profile-name', version: 'v0.10.0', bad: (c) => { c.schedulingProfiles[0].name = 'p'; plugin(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'p' }; }, says: /prefill profile "p".*#2080/ },
  { rule: 'epp-headers-handler-missing', version: 'v0.8.0', bad: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'disagg-headers-handler')), says: /x-prefiller-host-port.*disagg-headers-handler/, good: (c) => (plugin(c, 'disagg-headers-handler').type = 'prefill-header-handler') },
  { rule: 'epp-plugin-order', version: 'v0.8.0', bad: (c) => c.plugins.reverse(), says: /comes before its decider prefix-based-pd-decider/ },
  { rule: 'epp-plugin-order', version: 'v0.9.0', bad: (c) => c.plugins.reverse(), says: /builds plugins in list order/ },
  { rule: 'epp-unknown-field', version: 'v0.10.0', bad: (c) => (c.schedulingProfile = []), says: /unknown field "schedulingProfile"/, good: (c) => (c.requestHandler = {}) },
  { rule: 'epp-unknown-field', version: 'v0.8.0', bad: (c) => (c.requestHandler = {}), says: /requestHandler is unknown to router v0\.8\.0/, good: (c) => (c.parser = {}) },
  { rule: 'epp-param-type', version: 'v0.10.0', bad: (c) => (plugin(c, 'approx-prefix-cache-producer').parameters.blockSizeTokens = '64'), says: /blockSizeTokens is a string.*decodes an integer/, good: (c) => (plugin(c, 'approx-prefix-cache-producer').parameters.blockSizeTokens = 64) },
  { rule: 'epp-param-type', version: 'v0.9.0', bad: (c) => (c.schedulingProfiles[0].plugins[2].weight = '2'), says: /weight "2", which is not a number/ },
  { rule: 'epp-param-type', version: 'v0.8.0', bad: (c) => (plugin(c, 'prefix-based-pd-decider').parameters = [{ nonCachedTokens: 16 }]), says: /parameters is a array, not a mapping/ },
  { rule: 'epp-profile-handlers', version: 'v0.10.0', bad: (c) => c.plugins.push({ type: 'single-profile-handler' }), says: /2 profile handlers.*only one is allowed/ },
  { rule: 'epp-stage-order', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'prefill-first'), says: /prefill decider is not supported in prefill-first/, good: (c) => (plugin(c, 'disagg-profile-handler').parameters = { stageOrder: 'prefill-first' }) },
  { rule: 'epp-stage-order', version: 'v0.10.0', bad: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'first'), says: /must be "decode-first"/, good: (c) => (plugin(c, 'disagg-profile-handler').parameters.stageOrder = 'decode-first') },
  { rule: 'epp-prefill-profile-filter', version: 'v0.9.0', bad: (c) => (c.schedulingProfiles[0].plugins = c.schedulingProfiles[0].plugins.slice(1)), says: /profile prefill \(the prefill stage\) has no prefill filter/, good: (c) => (c.schedulingProfiles[1].plugins[0].pluginRef = "decode-filter") },
  { rule: 'epp-missing-plugin-ref', version: 'v0.10.0', bad: (c) => (plugin(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'nope' }), says: /prefixMatchInfoProducerName names "nope"/, good: (c) => (c.plugins = c.plugins.filter((p: KObject) => p.type !== 'max-score-picker')) },
  { rule: 'epp-headers-handler-missing', version: 'v0.10.0', bad: (c) => { const h = plugin(c, 'disagg-profile-handler'); h.type = 'pd-profile-handler'; h.parameters = { deciderPluginName: 'prefix-based-pd-decider' }; }, says: /pd-profile-handler picks a prefill pod but does not set x-prefiller-host-port/ },
  { rule: 'epp-encode-stage', version: 'v0.10.0', encode: true, bad: (c) => delete plugin(c, 'disagg-profile-handler').parameters.deciders.encode, says: /no deciders\.encode.*E disaggregation disabled/ },
  { rule: 'epp-encode-stage', version: 'v0.8.0', encode: true, bad: (c) => (plugin(c, 'disagg-headers-handler').parameters = { encodeProfile: 'vision' }), says: /x-encoder-hosts-ports from the pick of profile "vision"/, good: (c) => (plugin(c, 'disagg-headers-handler').parameters = { encodeProfile: 'encode' }) },
  { rule: 'epp-duplicate-plugin-name', version: 'v0.9.0', bad: (c) => c.plugins.push({ type: 'queue-scorer' }), says: /both named "queue-scorer"/, good: (c) => c.plugins.push({ type: 'queue-scorer', name: 'queue-2' }) },
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
      const found = ids(ctx(tc.version, config, tc.engineBlockSize, tc.encode), tc.rule);
      expect(found.length).toBeGreaterThan(0);
      expect(found[0]!.message).toMatch(tc.says);
      expect(found[0]!.resourceRef).toEqual(origin.resource);
      expect(found[0]!.field?.path).toBe(origin.path);
      expect(found[0]!.severity).toBe(eppConfigRules.find((r) => r.id === tc.rule)!.severity);
    });
    it(`${tc.rule} #${i} on ${tc.version}: accepts the near miss`, () => {
      const config = base(tc.version, 'prefix-based', 128, tc.encode);
      tc.good?.(config);
      expect(ids(ctx(tc.version, config, tc.engineBlockSize === 32 ? 128 : tc.engineBlockSize, tc.encode), tc.rule)).toEqual([]);
    });
  }

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
