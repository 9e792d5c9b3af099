// Version lookup. Adding a router version (the whole recipe: docs/router-versions.md, "How to add a version"):
// write src/router/versions/<tag>.ts, list it here and in ROUTER_VERSIONS (src/router/types.ts), add it to the
// epp.version enum of src/config/prefilldecode.schema.json and run `npm run gen`, add its column to
// docs/router-versions.md, then its goldens and its conformance harness. test/one-source.test.ts checks the lists agree.
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

export function routerTable(version: RouterVersion): RouterTable {
  const table = TABLES[version];
  if (!table) throw new Error(`unknown router version ${String(version)}; known: ${ROUTER_VERSIONS.join(', ')}`);
  return table;
}
