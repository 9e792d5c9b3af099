// EndpointPickerConfig rules: the prefill decider and the prefix-cache producer it reads (block size, caps).

import { routerTable } from '../../../router/table.js';
import type { EppContext } from '../../context.js';
import type { Finding, Rule } from '../../registry.js';
import { defineRule } from '../../registry.js';
import { PREFIX_DECIDER, autoCreatesProducer } from './read.js';
import { decidersInUse, finding, pluginLabel, reads, scope, stageOrderOf } from './helpers.js';

export const prefixRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-no-prefill-decider',
    scope,
    severity: 'error',
    summary: 'No profile handler with a prefill decider: the EPP never disaggregates.',
    fix: 'Add disagg-profile-handler with deciders.prefill naming a declared decider.',
    field: 'plugins[disagg-profile-handler].parameters.deciders.prefill',
    check(ctx) {
      const handler = ctx.read.handler;
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
      return ctx.read.plugins
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
      const plugins = ctx.read.plugins;
      if (ctx.read.producer) return [];
      const consumers = plugins.filter((p) => p.type === 'prefix-cache-scorer' || p.type === PREFIX_DECIDER);
      if (!consumers.length) return [];
      // no producer is created at all then: epp-decider-no-producer says so
      if (!autoCreatesProducer(t, plugins)) return [];
      const d = t.producer.defaults;
      return [
        finding(ctx, `no ${t.producer.type} plugin although ${consumers.map((c) => c.name).join(' and ')} ${consumers.length > 1 ? 'read' : 'reads'} its prefix-match data; router ${ctx.version} creates one with defaults (autoTune: ${d.autoTune}, blockSizeTokens: ${d.blockSizeTokens}), so the block size is not pinned to the engines'. Declare ${t.producer.type} with autoTune: false and blockSizeTokens: <engine --block-size>`),
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
      const plugins = ctx.read.plugins;
      const decider = decidersInUse(plugins, ctx.read.handler).find((d) => d.type === PREFIX_DECIDER);
      if (!decider || ctx.read.producer || autoCreatesProducer(t, plugins)) return [];
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
      const producer = ctx.read.producer;
      if (!producer) return [];
      const s = ctx.read.producerSettings;
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
      const producer = ctx.read.producer;
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
      const producer = ctx.read.producer;
      if (!producer) return [];
      const s = ctx.read.producerSettings;
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
      const producer = ctx.read.producer;
      const s = ctx.read.producerSettings;
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
      const producer = ctx.read.producer;
      if (!producer) return [];
      const s = ctx.read.producerSettings;
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
];
