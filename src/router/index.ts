// The router side of pd-disagg, as data: version tables, the EndpointPickerConfig, the routing sidecar and the objects
// that run the EPP. It knows no rules (the EPP config linter is src/validate) and prints nothing.

export * from './types.js';
export { routerTable, isRouterVersion } from './table.js';
export {
  buildEppConfig,
  eppConfigNotes,
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
  eppName,
  CONFIG_CHECKSUM_ANNOTATION,
  DEFAULT_ROUTE_TIMEOUT,
  MANAGED_BY,
} from './stack.js';
