// Every router table, fully resolved, must equal test/router/tables.snapshot.json. The snapshot was taken from the
// tables before they were restated as "previous version + changes", so the two forms are proven to say the same.
// A deliberate change to a table (or a new version) shows up as a diff of the snapshot:
//   UPDATE_GOLDEN=1 npx vitest run test/router/tables-snapshot.test.ts   (review the diff!)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROUTER_VERSIONS, routerTable } from '../../src/router/index.js';

const SNAPSHOT = fileURLToPath(new URL('./tables.snapshot.json', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function current(): Record<string, unknown> {
  return Object.fromEntries(ROUTER_VERSIONS.map((v) => [v, routerTable(v)]));
}

describe('router tables snapshot', () => {
  if (update) writeFileSync(SNAPSHOT, `${JSON.stringify(current(), null, 2)}\n`);
  const snapshot = existsSync(SNAPSHOT) ? (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, unknown>) : {};

  it('covers exactly the known versions', () => {
    expect(Object.keys(snapshot)).toEqual([...ROUTER_VERSIONS]);
  });

  for (const version of ROUTER_VERSIONS) {
    it(`${version} resolves to the snapshot`, () => {
      // toStrictEqual: also fails on a key present with value undefined (e.g. a field "removed" by spreading undefined)
      expect(routerTable(version)).toStrictEqual(snapshot[version]);
    });
  }
});
