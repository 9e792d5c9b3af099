// Result paths on a re-render name the field in the file (src/apply/view-paths.ts): the rules read each item without
// pd-disagg's earlier injections plus the plan's appends, where an entry the user added after the injected ones sits at
// a lower index than in the file. Through the pipeline (render → user edit → re-render) and on filePath itself.
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { filePath, toFilePaths } from '../src/apply/view-paths.js';
import { getIn } from '../src/paths.js';
import type { Strip } from '../src/plan/owned.js';
import type { KObject, Result } from '../src/types.js';
import { resourceList, runText } from './helpers.js';

const kv = (role: string) => `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role}"}`;
function workload(name: string, role: string, args: string[], env?: object[]): string {
  const container = { name: 'engine', image: 'vllm/vllm-openai:v0.19.1', args, ...(env ? { env } : {}) };
  const obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: { w: name } }, template: { metadata: { labels: { app: 'm', 'llm-d.ai/role': role } }, spec: { containers: [container] } } } };
  return `- ${JSON.stringify(obj)}\n`;
}
const EXPANDABLE = { name: 'PYTORCH_CUDA_ALLOC_CONF', value: 'expandable_segments:True' };
const rule = 'expandable-segments-with-kv-connector';
const prefillOf = (rl: KObject) => rl.items.find((i: KObject) => i.metadata.name === 'm-prefill');

describe('a re-render names the field in the file, not in its view without the earlier injections', () => {
  it("an env entry added after pd-disagg's: env[2] (where it is in the file), not env[0]", () => {
    const first = runText(resourceList(workload('m-prefill', 'prefill', ['m', kv('kv_producer')]) + workload('m-decode', 'decode', ['m', '--port=8200', kv('kv_consumer')])));
    expect(first.exitCode, first.stderr).toBe(0);
    const file = parse(first.stdout);
    const env = prefillOf(file).spec.template.spec.containers[0].env;
    expect(env.map((e: KObject) => e.name)).toEqual(['VLLM_NIXL_SIDE_CHANNEL_HOST', 'VLLM_NIXL_SIDE_CHANNEL_PORT']);
    env.push(EXPANDABLE); // the user's edit, below pd-disagg's entries
    const again = runText(stringify(file));
    expect(again.exitCode).toBe(1);
    const found = again.results.filter((r) => r.tags?.rule === rule);
    expect(found.map((r) => r.field?.path)).toEqual(['spec.template.spec.containers[0].env[2].value']);
    // the path leads to the user's value in the file they edit
    expect(getIn(prefillOf(file), ['spec', 'template', 'spec', 'containers', 0, 'env', 2, 'value'])).toBe(EXPANDABLE.value);
  });

  it("an entry the user wrote before pd-disagg's keeps its index; a fresh render's paths are left alone", () => {
    const input = workload('m-prefill', 'prefill', ['m', kv('kv_producer')], [EXPANDABLE]) + workload('m-decode', 'decode', ['m', '--port=8200', kv('kv_consumer')]);
    const fresh = runText(resourceList(input));
    expect(fresh.results.filter((r) => r.tags?.rule === rule).map((r) => r.field?.path)).toEqual(['spec.template.spec.containers[0].env[0].value']);
  });
});

describe('filePath', () => {
  const env = (list: unknown[]) => ({ spec: { containers: [{ name: 'e', env: list, ports: [{ containerPort: 1 }] }] } });
  const A = { name: 'A', value: 'a' };
  const B = { name: 'B', value: 'b' };
  const U = { name: 'U', value: 'u' };
  const V = { name: 'V', value: 'v' };
  const del = (...i: number[]) => i.map((n) => ['spec', 'containers', 0, 'env', n]);
  const strip = (object: KObject, deletions: (string | number)[][]): Strip => ({ object, deletions, stripped: [], released: [], conflicts: [], carried: new Map() });

  it("a user entry after the stripped ones moves up by each stripped entry at or before it; one before them stays", () => {
    const original = env([U, A, V, B]);
    const s = strip(env([U, V]), [...del(3, 1)]);
    const planned = env([U, V, A, B]);
    expect(filePath('spec.containers[0].env[0].value', original, s, planned)).toBe('spec.containers[0].env[0].value');
    expect(filePath('spec.containers[0].env[1].value', original, s, planned)).toBe('spec.containers[0].env[2].value');
    expect(filePath('spec.containers[0].env[1]', original, s, planned)).toBe('spec.containers[0].env[2]');
  });

  it("an entry the plan appends is found in the file by its key among the stripped ones; one the file lacks keeps the view's path", () => {
    const original = env([A, B, U]);
    const s = strip(env([U]), del(1, 0));
    expect(filePath('spec.containers[0].env[1].value', original, s, env([U, B, A]))).toBe('spec.containers[0].env[1].value');
    expect(filePath('spec.containers[0].env[2].value', original, s, env([U, B, A]))).toBe('spec.containers[0].env[0].value');
    expect(filePath('spec.containers[0].env[3]', original, s, env([U, B, A, { name: 'NEW' }]))).toBe('spec.containers[0].env[3]');
    // a user entry with the same name as an injected one outside the stripped indices is not taken for it
    expect(filePath('spec.containers[0].env[1]', env([U, A]), strip(env([U]), del(1)), env([U, { name: 'U', value: 'x' }]))).toBe('spec.containers[0].env[1]');
  });

  it('deletions are applied in index order whatever order the strip lists them in (it lists them last first)', () => {
    const original = env([A, B, U]);
    for (const deletions of [del(1, 0), del(0, 1)]) expect(filePath('spec.containers[0].env[0]', original, strip(env([U]), deletions), env([U, A, B]))).toBe('spec.containers[0].env[2]');
  });

  it('a list the strip emptied and removed: every planned entry is an appended one, found by its key', () => {
    const original = env([A]);
    const s = strip({ spec: { containers: [{ name: 'e' }] } }, [...del(0), ['spec', 'containers', 0, 'env']]);
    expect(filePath('spec.containers[0].env[0].value', original, s, env([A]))).toBe('spec.containers[0].env[0].value');
  });

  it('a deletion in another list, or of the list itself, shifts nothing; a path it cannot read stays as it is', () => {
    const original = env([U, V]);
    const s = strip(env([U, V]), [['spec', 'containers', 0, 'ports', 0], ['spec', 'containers', 0, 'env']]);
    expect(filePath('spec.containers[0].env[1]', original, s, original)).toBe('spec.containers[0].env[1]');
    expect(filePath('metadata.annotations[x.y]', original, s, original)).toBe('metadata.annotations[x.y]');
    expect(filePath('', original, s, original)).toBe('');
  });

  it('toFilePaths rewrites only results on a stripped item, and only their path', () => {
    const original = env([A, U]);
    const s = strip(env([U]), del(0));
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'p' };
    const on = (r: Partial<Result['resourceRef']>, path: string): Result => ({ message: 'm', severity: 'error', resourceRef: { ...ref, ...r } as Result['resourceRef'], field: { path, currentValue: 1 } });
    const items = [{ ref, original, strip: s, planned: env([U, A]) }];
    expect(toFilePaths([on({}, 'spec.containers[0].env[0]')], items)).toEqual([on({}, 'spec.containers[0].env[1]')]);
    expect(toFilePaths([on({ name: 'q' }, 'spec.containers[0].env[0]')], items)).toEqual([on({ name: 'q' }, 'spec.containers[0].env[0]')]);
    expect(toFilePaths([on({ namespace: 'ns' }, 'spec.containers[0].env[0]')], items)).toEqual([on({ namespace: 'ns' }, 'spec.containers[0].env[0]')]);
    expect(toFilePaths([on({ kind: 'StatefulSet' }, 'spec.containers[0].env[0]')], items)[0]!.field!.path).toBe('spec.containers[0].env[0]');
    const noField: Result = { message: 'm', severity: 'info', resourceRef: ref };
    expect(toFilePaths([noField], items)).toEqual([noField]);
    expect(toFilePaths([on({}, 'x')], [])).toEqual([on({}, 'x')]);
  });
});
