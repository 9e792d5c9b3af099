// The registry: every rule pd-disagg knows, by scope. docs/rules.md is kept in step with this list by a test.
import type { EppContext, PairContext } from '../context.js';
import type { Rule } from '../registry.js';
import { encodeRules } from './encode.js';
import { eppConfigRules } from './epp-config.js';
import { pairRules } from './pair.js';
import { eppKnobRules } from './sidecar.js';
import { dsetPairRules, dsetRules } from './dset.js';
import { screenerRules } from './screener.js';

export const RULES: { pair: readonly Rule<PairContext>[]; 'epp-config': readonly Rule<EppContext>[] } = {
  pair: [...pairRules, ...encodeRules, ...dsetPairRules],
  'epp-config': [...eppConfigRules, ...eppKnobRules, ...dsetRules, ...screenerRules],
};

export const ALL_RULES: readonly Rule<never>[] = [...RULES.pair, ...RULES['epp-config']] as readonly Rule<never>[];
