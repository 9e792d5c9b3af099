// The router side of pd-disagg, as data: version tables, the EndpointPickerConfig, the routing sidecar and the objects
// that run the EPP. It knows no rules (the EPP config linter is src/validate) and prints nothing.

export * from './types.js';
export { routerTable } from './table.js';
export { buildEppConfig } from './epp-config.js';
export { buildSidecarContainer, isRoutingSidecar, prefillPortOf, readSidecarTarget, sidecarKvConnectorFor } from './sidecar.js';
export { buildRoutingStack, EPP_CONFIG_KEY, POOL_TARGET_PORTS_MAX } from './stack.js';
