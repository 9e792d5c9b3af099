// The router side of pd-disagg: version tables, the EndpointPickerConfig, the routing sidecar, the EPP config linter
// and the objects that run the EPP.
import type { Result } from '../types.js';
import type { EppContext } from '../validate/context.js';
import type { RuleOverrides } from '../validate/registry.js';
import { runRules } from '../validate/registry.js';
import { eppConfigRules } from '../validate/rules/epp-config.js';

export * from './types.js';
export { routerTable, isRouterVersion } from './table.js';
export {
  buildEppConfig,
  eppConfigYaml,
  checkEppKnobs,
  effectiveBlockSize,
  DECIDER_TYPES,
  DEFAULT_PREFIX_CACHE_WEIGHT,
  DEFAULT_QUEUE_WEIGHT,
  PREFIX_MATCH_BLOCKS,
} from './epp-config.js';
export type { KnobProblem } from './epp-config.js';
export {
  buildSidecarContainer,
  isRoutingSidecar,
  readSidecarTarget,
  readSidecarListenPort,
  readSidecarDataParallel,
  sidecarFlagProblems,
  SIDECAR_CONTAINER_NAME,
  SIDECAR_PORT_NAME,
} from './sidecar.js';
export type { SidecarFlagProblem } from './sidecar.js';
export {
  buildRoutingStack,
  configChecksum,
  eppName,
  CONFIG_CHECKSUM_ANNOTATION,
  DEFAULT_ROUTE_TIMEOUT,
  MANAGED_BY,
} from './stack.js';
export { eppConfigRules };

/** Lint an EndpointPickerConfig against its router version: the epp-config rules, with the user's overrides. */
export function lintEppConfig(ctx: EppContext, overrides?: RuleOverrides): Result[] {
  return runRules(eppConfigRules, ctx, overrides);
}
