// metadata.yaml carries the catalog's required fields and lists only example packages that exist; the
// KRMFunctionDefinition is generated from it and embeds the PrefillDecode JSON Schema unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/gen-function-definition.mjs';

const meta = parse(readFileSync('metadata.yaml', 'utf8'));
const definition = parse(readFileSync('krm-function-definition.yaml', 'utf8'));
const schema = JSON.parse(readFileSync('src/config/prefilldecode.schema.json', 'utf8'));

describe('metadata.yaml', () => {
  it('is one YAML document with every field the catalog requires', () => {
    expect(parseAllDocuments(readFileSync('metadata.yaml', 'utf8'))).toHaveLength(1);
    for (const field of ['image', 'description', 'tags', 'sourceURL', 'examplePackageURLs', 'emails', 'license']) {
      expect(meta[field], field).toBeTruthy();
    }
    expect(meta.tags).toContain('mutator');
    expect(meta.image).not.toMatch(/:/); // the catalog adds tags; ours are vX.Y.Z
  });

  it('lists each example package, and each exists with a README-worthy shape', () => {
    const listed = (meta.examplePackageURLs as string[]).map((u) => u.replace(/^.*\/tree\/main\//, ''));
    expect(listed.length).toBeGreaterThan(0);
    for (const path of listed) expect(existsSync(path), path).toBe(true);
    for (const path of listed.filter((p) => existsSync(`${p}/Kptfile`))) {
      expect(existsSync(`${path}/.expected/diff.patch`), path).toBe(true);
      expect(readFileSync(`${path}/.krmignore`, 'utf8')).toContain('.expected');
    }
  });
});

describe('krm-function-definition.yaml', () => {
  it('is in step with metadata.yaml and the schema (else run: node scripts/gen-function-definition.mjs)', () => {
    expect(readFileSync('krm-function-definition.yaml', 'utf8')).toBe(generate());
  });

  it('is a KRMFunctionDefinition for PrefillDecode whose schema is the JSON Schema the function validates with', () => {
    expect(definition.apiVersion).toBe('config.kubernetes.io/v1alpha1');
    expect(definition.kind).toBe('KRMFunctionDefinition');
    expect(definition.spec.group).toBe('pd-disagg.dev');
    expect(definition.spec.names.kind).toBe('PrefillDecode');
    const [version] = definition.spec.versions;
    expect(version.name).toBe('v1alpha1');
    expect(version.schema.openAPIV3Schema).toEqual(schema);
    expect(version.runtime.container.image).toMatch(/^ghcr\.io\/pd-disagg\/pd-disagg:v\d+\.\d+\.\d+$/);
    expect(version.idempotent).toBe(true);
  });
});
