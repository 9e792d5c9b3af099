import { describe, expect, it } from 'vitest';
import { applyOps, sameWithoutToolAnnotations } from '../src/apply/apply.js';
import { generatedFilePath } from '../src/apply/annotations.js';
import { ResourceListDocument } from '../src/read/document.js';
import { readResourceList } from '../src/read/resource-list.js';
import { writeResourceList } from '../src/write/write.js';
import { parse } from 'yaml';

const input = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: d # keep me
    annotations:
      internal.config.kubernetes.io/path: 'engines/d.yaml'
  spec:
    template:
      metadata:
        labels:
          app: "x"
      spec:
        containers:
        - name: engine
          env: []
          args: [a, "0755"]
        volumes:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: mine
    labels: {app.kubernetes.io/managed-by: pd-disagg}
    annotations:
      internal.config.kubernetes.io/path: 'engines/gen.yaml'
      internal.config.kubernetes.io/index: '3'
      config.k8s.io/id: '7'
  data: {k: old}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: theirs
  data: {k: v}
`;

describe('apply', () => {
  it('ensures without overwriting, appends creating lists, and keeps comments and quoting', () => {
    const rl = new ResourceListDocument(readResourceList(input));
    const d = rl.items[0]!;
    const { changes } = applyOps(
      rl,
      [
        { op: 'ensure', item: d, path: ['spec', 'template', 'metadata', 'labels', 'app'], value: 'y', note: 'app' },
        { op: 'ensure', item: d, path: ['spec', 'template', 'metadata', 'labels', 'llm-d.ai/role'], value: 'decode', note: 'role' },
        { op: 'append', item: d, path: ['spec', 'template', 'spec', 'containers', 0, 'env'], value: { name: 'A', value: '1' }, note: 'env A' },
        { op: 'append', item: d, path: ['spec', 'template', 'spec', 'volumes'], value: { name: 'dshm', emptyDir: { medium: 'Memory' } }, note: 'vol' },
        { op: 'append', item: d, path: ['spec', 'template', 'spec', 'containers', 0, 'volumeMounts'], value: { name: 'dshm', mountPath: '/dev/shm' }, note: 'mount' },
      ],
      'engines/x-pd-disagg.yaml',
    );
    const text = writeResourceList(rl.written(), []);
    expect(text).toContain('name: d # keep me');
    expect(text).toContain('app: "x"');
    expect(text).toContain('"0755"');
    const out = parse(text).items[0];
    expect(out.spec.template.metadata.labels).toEqual({ app: 'x', 'llm-d.ai/role': 'decode' });
    expect(out.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    expect(out.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    // the env list was written as `[]`: once it has entries it is a block list
    expect(text).toMatch(/env:\n\s+- name: A/);
    expect(changes).toEqual([{ ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, notes: ['set role', 'added env A', 'added vol', 'added mount'] }]);
  });

  it('adds new resources with a relative path and the next free index, refreshes its own, and leaves the user\'s alone', () => {
    const rl = new ResourceListDocument(readResourceList(input));
    const cm = (name: string, k: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'pd-disagg' } }, data: { k } });
    const { results } = applyOps(
      rl,
      [
        { op: 'upsert', object: cm('new', 'v'), note: 'new' },
        { op: 'upsert', object: cm('mine', 'fresh'), note: 'mine' },
        { op: 'upsert', object: cm('theirs', 'ours'), note: 'theirs' },
      ],
      'engines/gen.yaml',
    );
    const items = parse(writeResourceList(rl.written(), [])).items;
    const added = items.find((i: { metadata: { name: string } }) => i.metadata.name === 'new');
    expect(added.metadata.annotations).toEqual({
      'config.kubernetes.io/path': 'engines/gen.yaml',
      'config.kubernetes.io/index': '4',
      'internal.config.kubernetes.io/path': 'engines/gen.yaml',
      'internal.config.kubernetes.io/index': '4',
    });
    const mine = items.find((i: { metadata: { name: string } }) => i.metadata.name === 'mine');
    expect(mine.data).toEqual({ k: 'fresh' });
    expect(mine.metadata.annotations).toEqual({
      'internal.config.kubernetes.io/path': 'engines/gen.yaml',
      'internal.config.kubernetes.io/index': '3',
      'config.k8s.io/id': '7',
    });
    expect(items.find((i: { metadata: { name: string } }) => i.metadata.name === 'theirs').data).toEqual({ k: 'v' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ severity: 'warning', resourceRef: { kind: 'ConfigMap', name: 'theirs' } });
  });

  it('changes nothing when its own resource is already up to date', () => {
    const rl = new ResourceListDocument(readResourceList(input));
    const before = writeResourceList(rl.written(), []);
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine', labels: { 'app.kubernetes.io/managed-by': 'pd-disagg' } }, data: { k: 'old' } };
    const { changes } = applyOps(rl, [{ op: 'upsert', object, note: 'mine' }], 'engines/gen.yaml');
    expect(changes).toEqual([]);
    expect(writeResourceList(rl.written(), [])).toBe(before);
  });

  it('puts generated files next to the decode workload, never outside the package', () => {
    expect(generatedFilePath('engines/decode.yaml', 'qwen')).toBe('engines/qwen-pd-disagg.yaml');
    expect(generatedFilePath('decode.yaml', 'qwen')).toBe('qwen-pd-disagg.yaml');
    expect(generatedFilePath(undefined, 'qwen')).toBe('qwen-pd-disagg.yaml');
    expect(generatedFilePath('../x/decode.yaml', 'qwen')).toBe('x/qwen-pd-disagg.yaml');
  });
});

describe('sameWithoutToolAnnotations (how a refresh tells a generated object is unchanged)', () => {
  const cm = (annotations?: Record<string, string>, data: Record<string, string> = { k: 'v' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', ...(annotations ? { annotations } : {}) },
    data,
  });
  const tool = { 'config.kubernetes.io/path': 'a.yaml', 'internal.config.kubernetes.io/index': '2', 'config.k8s.io/id': '1' };

  it('leaves the tools\' annotations out, and a map of only those counts as none', () => {
    expect(sameWithoutToolAnnotations(cm(tool), cm())).toBe(true);
    expect(sameWithoutToolAnnotations(cm(), cm(tool))).toBe(true);
    expect(sameWithoutToolAnnotations(cm({ ...tool, 'pd-disagg.dev/pair': 'p' }), cm({ 'pd-disagg.dev/pair': 'p' }))).toBe(true);
    expect(sameWithoutToolAnnotations(cm({}), cm())).toBe(true);
  });

  it('sees every other difference', () => {
    expect(sameWithoutToolAnnotations(cm({ ...tool, 'pd-disagg.dev/pair': 'p' }), cm(tool))).toBe(false);
    expect(sameWithoutToolAnnotations(cm({ 'pd-disagg.dev/pair': 'p' }), cm({ 'pd-disagg.dev/pair': 'q' }))).toBe(false);
    expect(sameWithoutToolAnnotations(cm({ a: '1' }), cm({ b: '1' }))).toBe(false);
    expect(sameWithoutToolAnnotations(cm(tool, { k: 'v' }), cm(tool, { k: 'w' }))).toBe(false);
    expect(sameWithoutToolAnnotations(cm(), { ...cm(), extra: 1 })).toBe(false);
    expect(sameWithoutToolAnnotations(cm(), { ...cm(), metadata: { name: 'y' } })).toBe(false);
    expect(sameWithoutToolAnnotations(cm(), { ...cm(), metadata: { name: 'x', labels: {} } })).toBe(false);
    expect(sameWithoutToolAnnotations({ ...cm(), metadata: 'x' }, { ...cm(), metadata: 'x' })).toBe(true);
    expect(sameWithoutToolAnnotations({ ...cm(), metadata: 'x' }, { ...cm(), metadata: 'y' })).toBe(false);
  });
});
