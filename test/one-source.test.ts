// One source of truth (issue 19): router versions are declared once (ROUTER_VERSIONS, src/router/types.ts, with one
// table each in src/router/table.ts) and workload kinds once (WORKLOAD_KINDS, src/config/types.ts). The JSON schema
// of the PrefillDecode form, both config readers and docs/router-versions.md are checked against them here, so that
// a version or kind added to the tables and forgotten elsewhere fails a test instead of being refused by the schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/read-config.js';
import schema from '../src/config/prefilldecode.schema.json' with { type: 'json' };
import { WORKLOAD_KINDS } from '../src/config/types.js';
import { DEFAULT_ROUTER_VERSION, ROUTER_VERSIONS } from '../src/router/types.js';
import { routerTable } from '../src/router/table.js';

const typed = (spec: object) => ({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name: 'qwen' }, spec });
const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'qwen' }, data });
const errors = (o: ReturnType<typeof readConfig>) => o.results.filter((r) => r.severity === 'error').map((r) => r.message);

describe('router versions: declared once', () => {
  it('every declared version has its table, and the default is one of them', () => {
    for (const v of ROUTER_VERSIONS) expect(routerTable(v).version).toBe(v);
    expect(ROUTER_VERSIONS).toContain(DEFAULT_ROUTER_VERSION);
  });

  it('the schema offers exactly the declared versions (edit src/config/prefilldecode.schema.json, then npm run gen)', () => {
    expect(schema.properties.spec.properties.epp.properties.version.enum).toEqual([...ROUTER_VERSIONS]);
  });

  it('both config forms take every declared version', () => {
    for (const version of ROUTER_VERSIONS) {
      const fromTyped = readConfig(typed({ epp: { version } }));
      expect(errors(fromTyped)).toEqual([]);
      expect(fromTyped.config?.epp.version).toBe(version);
      const fromMap = readConfig(configMap({ eppVersion: version }));
      expect(errors(fromMap)).toEqual([]);
      expect(fromMap.config?.epp.version).toBe(version);
    }
  });

  it('both config forms refuse a version that is not declared', () => {
    expect(errors(readConfig(typed({ epp: { version: 'v0.7.1' } })))).not.toEqual([]);
    expect(errors(readConfig(configMap({ eppVersion: 'v0.7.1' })))).not.toEqual([]);
  });

  it('docs/router-versions.md has a column for every declared version', () => {
    const doc = readFileSync('docs/router-versions.md', 'utf8');
    const header = doc.split('\n').find((l) => l.startsWith('| |'));
    expect(header?.split('|').map((c) => c.trim()).filter((c) => /^v\d/.test(c))).toEqual([...ROUTER_VERSIONS]);
  });
});

describe('workload kinds: declared once', () => {
  it('the schema offers exactly the declared kinds (edit src/config/prefilldecode.schema.json, then npm run gen)', () => {
    expect(schema.definitions.workloadRef.properties.kind.enum).toEqual([...WORKLOAD_KINDS]);
  });

  it('both config forms take every declared kind', () => {
    for (const kind of WORKLOAD_KINDS) {
      const fromTyped = readConfig(typed({ prefill: { name: 'p', kind }, decode: { name: 'd', kind } }));
      expect(errors(fromTyped)).toEqual([]);
      expect(fromTyped.config?.prefill?.kind).toBe(kind);
      const fromMap = readConfig(configMap({ prefill: `${kind}/p`, decode: `${kind}/d` }));
      expect(errors(fromMap)).toEqual([]);
      expect(fromMap.config?.decode?.kind).toBe(kind);
    }
  });

  it('both config forms refuse a kind that is not declared', () => {
    expect(errors(readConfig(typed({ prefill: { name: 'p', kind: 'DaemonSet' } })))).not.toEqual([]);
    expect(errors(readConfig(configMap({ prefill: 'DaemonSet/p' })))).not.toEqual([]);
  });
});
