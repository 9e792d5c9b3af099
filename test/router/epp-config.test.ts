import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ROUTER_VERSIONS,
  buildEppConfig,
  routerTable,
  type DeciderKind,
  type EppKnobs,
} from '../../src/router/index.js';
import { checkEppKnobs } from '../../src/router/epp-config.js';
import { alphaPlugins } from '../../src/router/rollout-screener.js';
import { eppConfigYaml } from '../../src/plan/epp-text.js';
import { lintEppConfig } from '../../src/validate/validate.js';

const DECIDERS: DeciderKind[] = ['prefix-based', 'always'];
const knobs = (decider: DeciderKind, blockSizeTokens = 128, extra: Partial<EppKnobs> = {}): EppKnobs => ({
  decider,
  nonCachedTokens: 16,
  blockSizeTokens,
  ...extra,
});
const goldenPath = (v: string, d: string) => fileURLToPath(new URL(`../../testdata/epp/${v}-${d}.yaml`, import.meta.url));

describe('generated EPP config', () => {
  for (const version of ROUTER_VERSIONS) {
    for (const decider of DECIDERS) {
      it(`${version} ${decider} matches its golden file`, () => {
        const text = eppConfigYaml(version, knobs(decider));
        if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath(version, decider), text);
        expect(text).toBe(readFileSync(goldenPath(version, decider), 'utf8'));
        expect(text).toContain(`Same shape as llm-d-router ${version} deploy/config/pd-epp-config.yaml`);
        expect(parse(text)).toEqual(buildEppConfig(version, knobs(decider)));
      });
      for (const block of [16, 64, 128]) {
        it(`${version} ${decider} block ${block} lints clean against engines with the same block size`, () => {
          const config = buildEppConfig(version, knobs(decider, block));
          const results = lintEppConfig({ version, config, origin: { path: 'data.epp.yaml', generated: true }, engineBlockSize: block });
          expect(results.filter((r) => r.severity !== 'info')).toEqual([]);
          const floor = routerTable(version).producer.minBlockSizeTokens;
          const infos = results.map((r) => r.tags?.rule);
          expect(infos).toEqual(floor !== undefined && block < floor ? ['epp-block-size-floor'] : []);
        });
      }
    }
  }

  it('v0.8.0 prefix-based is the configuration the seed verified live, with the block size filled in', () => {
    const seed = {
      apiVersion: 'inference.networking.x-k8s.io/v1alpha1',
      kind: 'EndpointPickerConfig',
      plugins: [
        { type: 'approx-prefix-cache-producer', parameters: { autoTune: false, blockSizeTokens: 128, maxPrefixBlocksToMatch: 256, lruCapacityPerServer: 31250 } },
        { type: 'prefix-cache-scorer' },
        { type: 'disagg-headers-handler' },
        { type: 'queue-scorer' },
        { type: 'prefill-filter' },
        { type: 'decode-filter' },
        { type: 'max-score-picker' },
        { type: 'prefix-based-pd-decider', parameters: { nonCachedTokens: 16 } },
        { type: 'disagg-profile-handler', parameters: { deciders: { prefill: 'prefix-based-pd-decider' } } },
      ],
      schedulingProfiles: ['prefill', 'decode'].map((name) => ({
        name,
        plugins: [
          { pluginRef: `${name}-filter` },
          { pluginRef: 'max-score-picker' },
          { pluginRef: 'prefix-cache-scorer', weight: 2 },
          { pluginRef: 'queue-scorer', weight: 1 },
        ],
      })),
    };
    const text = eppConfigYaml('v0.8.0', knobs('prefix-based'));
    expect(parse(text)).toEqual(seed);
    expect(parse(text).featureGates).toBeUndefined();
    expect(text).not.toContain('prepareDataPlugins\n');
  });

  it('keeps a fixed key order', () => {
    for (const version of ROUTER_VERSIONS) {
      const c = buildEppConfig(version, knobs('prefix-based'));
      expect(Object.keys(c)).toEqual(['apiVersion', 'kind', 'plugins', 'schedulingProfiles']);
      expect(Object.keys(c.plugins[0].parameters)[0]).toBe('autoTune');
    }
  });

  it('caps prefix matching in tokens from v0.9 on, using the block size the EPP really uses', () => {
    expect(buildEppConfig('v0.8.0', knobs('always', 16)).plugins[0].parameters).toEqual({
      autoTune: false, blockSizeTokens: 16, maxPrefixBlocksToMatch: 256, lruCapacityPerServer: 31250,
    });
    expect(buildEppConfig('v0.9.0', knobs('always', 16)).plugins[0].parameters).toEqual({
      autoTune: false, blockSizeTokens: 16, maxPrefixTokensToMatch: 16384, lruCapacityPerServer: 31250,
    });
    expect(buildEppConfig('v0.10.0', knobs('always', 128)).plugins[0].parameters.maxPrefixTokensToMatch).toBe(32768);
  });

  it('adds disagg-headers-handler only where the version needs it', () => {
    const has = (v: (typeof ROUTER_VERSIONS)[number]) =>
      buildEppConfig(v, knobs('always')).plugins.some((p: { type: string }) => p.type === 'disagg-headers-handler');
    expect(has('v0.8.0')).toBe(true);
    expect(has('v0.9.0')).toBe(false);
    expect(has('v0.10.0')).toBe(false);
  });

  it('emits promptTokens only on v0.10.0 and reports it elsewhere', () => {
    const decider = (v: (typeof ROUTER_VERSIONS)[number]) =>
      buildEppConfig(v, knobs('prefix-based', 128, { promptTokens: 256 })).plugins.find(
        (p: { type: string }) => p.type === 'prefix-based-pd-decider',
      ).parameters;
    expect(decider('v0.10.0')).toEqual({ nonCachedTokens: 16, promptTokens: 256 });
    expect(decider('v0.9.0')).toEqual({ nonCachedTokens: 16 });
    expect(checkEppKnobs('v0.9.0', knobs('prefix-based', 128, { promptTokens: 256 }))).toMatchObject([
      { severity: 'warning', field: 'promptTokens' },
    ]);
    expect(checkEppKnobs('v0.10.0', knobs('prefix-based', 128, { promptTokens: 256 }))).toEqual([]);
    expect(checkEppKnobs('v0.10.0', knobs('always', 128, { promptTokens: 256 }))).toMatchObject([{ field: 'promptTokens' }]);
    // the v0.9+ block-size floor is not a knob problem (rule epp-block-size-floor reports it on the config)
    expect(checkEppKnobs('v0.9.0', knobs('always', 16))).toEqual([]);
    expect(checkEppKnobs('v0.8.0', knobs('always', 16))).toEqual([]);
  });

  // the decider's promptTokens parameter exists from v0.10.0 on (llm-d-router v0.10.0
  // pkg/epp/framework/plugins/scheduling/profile/prefix_based_pd_decider.go); 0 means "not set"
  it('promptTokens: 0 is unset, 1 is the smallest value, a fraction is refused; the always decider takes none', () => {
    const params = (extra: Partial<EppKnobs>, decider: DeciderKind = 'prefix-based') =>
      buildEppConfig('v0.10.0', knobs(decider, 128, extra)).plugins.find((p: { type: string }) => p.type.endsWith('-pd-decider'));
    expect(params({ promptTokens: 0 }).parameters).toEqual({ nonCachedTokens: 16 });
    expect(params({ promptTokens: 1 }).parameters).toEqual({ nonCachedTokens: 16, promptTokens: 1 });
    expect(() => params({ promptTokens: 1.5 })).toThrow('EppKnobs.promptTokens must be an integer >= 1, got 1.5');
    expect(params({ promptTokens: 256, nonCachedTokens: 0 }, 'always')).toEqual({ type: 'always-disagg-pd-decider' });
    expect(checkEppKnobs('v0.10.0', knobs('prefix-based', 128, { promptTokens: 0 }))).toEqual([]);
    expect(checkEppKnobs('v0.9.0', knobs('prefix-based', 128, { promptTokens: 0 }))).toEqual([]);
  });

  it('says why a promptTokens is left out, and what to do', () => {
    expect(checkEppKnobs('v0.9.0', knobs('prefix-based', 128, { promptTokens: 256 }))).toEqual([
      {
        severity: 'warning',
        field: 'promptTokens',
        message: "router v0.9.0's prefix-based-pd-decider has no promptTokens parameter (added in v0.10.0); it is left out of the EPP config. Raise the router version to use it, or remove promptTokens",
      },
    ]);
    expect(checkEppKnobs('v0.8.0', knobs('always', 128, { promptTokens: 256 }))).toEqual([
      {
        severity: 'warning',
        field: 'promptTokens',
        message: 'promptTokens only applies to prefix-based-pd-decider; with decider "always" it is left out of the EPP config',
      },
    ]);
  });

  it('refuses a decider it does not know', () => {
    expect(() => buildEppConfig('v0.10.0', knobs('random' as DeciderKind))).toThrow('EppKnobs.decider must be prefix-based or always, got random');
  });

  it('uses the scorer weights and the always decider', () => {
    const c = buildEppConfig('v0.10.0', knobs('always', 64, { scorerWeights: { prefixCache: 3, queue: 2 } }));
    expect(c.plugins.find((p: { type: string }) => p.type === 'always-disagg-pd-decider')).toEqual({ type: 'always-disagg-pd-decider' });
    expect(c.schedulingProfiles[1].plugins.slice(2)).toEqual([
      { pluginRef: 'prefix-cache-scorer', weight: 3 },
      { pluginRef: 'queue-scorer', weight: 2 },
    ]);
  });

  it('rejects knobs that would build a config that never disaggregates', () => {
    expect(() => buildEppConfig('v0.9.0', { decider: 'prefix-based', nonCachedTokens: 0, blockSizeTokens: 16 })).toThrow(/nonCachedTokens/);
    expect(() => buildEppConfig('v0.9.0', { decider: 'always', nonCachedTokens: 0, blockSizeTokens: 0 })).toThrow(/blockSizeTokens/);
    expect(() => buildEppConfig('v0.9.0', { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 16.5 })).toThrow('EppKnobs.blockSizeTokens must be an integer >= 1, got 16.5');
    expect(() => buildEppConfig('v0.9.0', { decider: 'prefix-based', nonCachedTokens: '16' as never, blockSizeTokens: 16 })).toThrow('EppKnobs.nonCachedTokens must be an integer >= 1, got "16"');
    // the smallest values that disaggregate are built; the always decider needs no nonCachedTokens
    expect(buildEppConfig('v0.9.0', { decider: 'prefix-based', nonCachedTokens: 1, blockSizeTokens: 1 }).plugins[0].parameters.blockSizeTokens).toBe(1);
    expect(buildEppConfig('v0.9.0', { decider: 'always', nonCachedTokens: 0, blockSizeTokens: 16 }).plugins.map((p: { type: string }) => p.type)).toContain('always-disagg-pd-decider');
  });
});

// v0.10.0 registers plugins with a stability level; the alpha ones load only with --allow-experimental-plugins
// (llm-d-router v0.10.0 cmd/epp/runner/runner.go fwkplugin.StabilityAlpha); v0.8.0 and v0.9.0 have no levels
describe('alphaPlugins: the plugin types of a config that the EPP loads only with --allow-experimental-plugins', () => {
  const config = {
    plugins: [
      { type: 'disaggregatedset-rollout-screener' },
      { type: 'queue-scorer' },
      { type: 'session-affinity-scorer', name: 'a' },
      { type: 'session-affinity-scorer', name: 'b' },
      { type: 'no-such-plugin' },
      null,
      'session-affinity-filter',
      { type: 7 },
    ],
  };
  it('lists each alpha type once, in config order, and nothing registered without a level', () => {
    expect(alphaPlugins('v0.10.0', config)).toEqual(['disaggregatedset-rollout-screener', 'session-affinity-scorer']);
    expect(alphaPlugins('v0.9.0', config)).toEqual([]);
    expect(alphaPlugins('v0.10.0', { plugins: [{ type: 'queue-scorer' }] })).toEqual([]);
  });
  it('a config without a plugin list has none', () => {
    for (const c of [null, undefined, 'plugins', {}, { plugins: { type: 'session-affinity-scorer' } }]) expect(alphaPlugins('v0.10.0', c)).toEqual([]);
  });
  it('the generated DisaggregatedSet config of v0.10.0 needs the flag; the plain pair\'s does not', () => {
    const rollout = { scope: { 'pd-disagg.dev/pool': 'qwen', 'disaggregatedset.x-k8s.io/name': 'set' }, requireRoles: ['prefill', 'decode'] };
    const c = buildEppConfig('v0.10.0', knobs('prefix-based', 128, { rollout }));
    expect(alphaPlugins('v0.10.0', c)).toEqual(['disaggregatedset-rollout-screener']);
    expect(c.plugins[0]).toEqual({
      type: 'disaggregatedset-rollout-screener',
      parameters: {
        scope: { labelSelector: 'pd-disagg.dev/pool=qwen,disaggregatedset.x-k8s.io/name=set' },
        revisionGating: {
          mode: 'sum',
          revisionLabelKey: 'disaggregatedset.x-k8s.io/revision',
          roleLabelKey: 'disaggregatedset.x-k8s.io/role',
          requireRoles: { values: ['prefill', 'decode'] },
        },
      },
    });
    // v0.9.0 has no screener: the rollout knob adds nothing (rule dset-rollout-unscreened warns)
    expect(buildEppConfig('v0.9.0', knobs('prefix-based', 128, { rollout }))).toEqual(buildEppConfig('v0.9.0', knobs('prefix-based', 128)));
    expect(alphaPlugins('v0.10.0', buildEppConfig('v0.10.0', knobs('prefix-based')))).toEqual([]);
  });
});
