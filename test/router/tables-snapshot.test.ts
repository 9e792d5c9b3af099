// Every router table, fully resolved, must equal test/router/tables.snapshot.json. The snapshot was taken from the
// tables before they were restated as "previous version + changes", so the two forms are proven to say the same.
// A deliberate change to a table (or a new version) shows up as a diff of the snapshot:
//   UPDATE_GOLDEN=1 npx vitest run test/router/tables-snapshot.test.ts   (review the diff!)
//
// The tables are imported inside the tests, not at the top: a table whose "previous + changes" no longer fits
// (nextList/nextPlugins throw at import) must fail a test. A module that throws while vitest collects the file fails
// no test, and StrykerJS, which runs the mutants of these module-level tables while the files load, counts such a
// mutant as survived (README "Tests that bite").
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROUTER_VERSIONS } from '../../src/router/types.js';

const SNAPSHOT = fileURLToPath(new URL('./tables.snapshot.json', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

async function current(): Promise<Record<string, unknown>> {
  const { routerTable } = await import('../../src/router/table.js');
  return Object.fromEntries(ROUTER_VERSIONS.map((v) => [v, routerTable(v)]));
}

describe('router tables snapshot', () => {
  const snapshot = existsSync(SNAPSHOT) ? (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, unknown>) : {};

  it('covers exactly the known versions', async () => {
    if (update) writeFileSync(SNAPSHOT, `${JSON.stringify(await current(), null, 2)}\n`);
    const now = update ? (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, unknown>) : snapshot;
    expect(Object.keys(now)).toEqual([...ROUTER_VERSIONS]);
  });

  for (const version of ROUTER_VERSIONS) {
    it(`${version} resolves to the snapshot`, async () => {
      const tables = await current();
      // toStrictEqual: also fails on a key present with value undefined (e.g. a field "removed" by spreading undefined)
      expect(tables[version]).toStrictEqual(update ? tables[version] : snapshot[version]);
    });
  }
});
