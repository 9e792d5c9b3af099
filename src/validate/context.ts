// What each rule scope gets to look at: the pair scope reads the planned pair (src/plan/context.ts), the epp-config
// scope an EndpointPickerConfig and where it lives.
import type { EppKnobs, RouterVersion } from '../router/types.js';
import type { KObject, ResourceRef } from '../types.js';
import type { EppConfigRead } from './rules/epp/read.js';

import type { SetContext } from '../plan/context.js';

export type { EngineSide, PairContext, SetContext, StageSide } from '../plan/context.js';

export interface EppContext {
  version: RouterVersion;
  /** the EndpointPickerConfig as plain data */
  config: KObject;
  /** the config read once for the rules: plugins, profiles, handler, producer (rules/epp/read.ts) */
  read: EppConfigRead;
  /** where the config lives: the resource and the field holding it (e.g. data.epp-config.yaml or spec.epp.config) */
  origin: { resource?: ResourceRef; path: string; generated: boolean };
  /** the engines' KV block size, when known */
  engineBlockSize?: number;
  /** for a generated config: the knobs it was built from, and where the pd-disagg config sets them
   * (`spec.epp.` or `data.`) */
  knobs?: { knobs: EppKnobs; configRef?: ResourceRef; fieldPrefix: string };
  /** the EPP pd-disagg generates for this config runs with --allow-experimental-plugins */
  experimentalAllowed?: boolean;
  /** the config routes a DisaggregatedSet pair (the config of the pair itself, not other ConfigMaps in sight) */
  set?: SetContext;
  /** the config routes an E/P/D trio: the pair has an encode stage (the config of the pair itself, as for `set`) */
  encode?: boolean;
}

/** What a caller gives to lint a config: the context without what lintEppConfig reads from it. */
export type EppConfigInput = Omit<EppContext, 'read'>;
