// Version lookup. Adding a router version = writing src/router/versions/<tag>.ts and listing it here and in
// ROUTER_VERSIONS (src/router/types.ts).
import type { RouterTable, RouterVersion } from './types.js';
import { ROUTER_VERSIONS } from './types.js';
import { v0_8_0 } from './versions/v0_8_0.js';
import { v0_9_0 } from './versions/v0_9_0.js';
import { v0_10_0 } from './versions/v0_10_0.js';

const TABLES: Readonly<Record<RouterVersion, RouterTable>> = {
  'v0.8.0': v0_8_0,
  'v0.9.0': v0_9_0,
  'v0.10.0': v0_10_0,
};

export function isRouterVersion(value: unknown): value is RouterVersion {
  return typeof value === 'string' && (ROUTER_VERSIONS as readonly string[]).includes(value);
}

export function routerTable(version: RouterVersion): RouterTable {
  const table = TABLES[version];
  if (!table) throw new Error(`unknown router version ${String(version)}; known: ${ROUTER_VERSIONS.join(', ')}`);
  return table;
}
