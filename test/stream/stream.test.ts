// Stream mode in-process: plain multi-document YAML in, the same out, through run().
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStream, STREAM_INDEX_ANNOTATION } from '../../src/stream/stream.js';

const prefill = readFileSync('examples/qwen-pd/prefill.yaml', 'utf8');
const decode = readFileSync('examples/qwen-pd/decode.yaml', 'utf8');
const config = readFileSync('examples/qwen-pd/pd-disagg.yaml', 'utf8');

/** What `helm template` prints: a leading ---, `# Source:` comments, an empty document for a template that rendered
 * to nothing. */
const helmStream = [
  `---\n# Source: qwen/templates/prefill.yaml\n${prefill}`,
  '---\n# Source: qwen/templates/pdb.yaml\n',
  `---\n# Source: qwen/templates/decode.yaml\n${decode}`,
].join('');

const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
const find = (list: any[], kind: string, name: string) => list.find((o) => o.kind === kind && o.metadata.name === name);

describe('pd-disagg --config FILE (stream mode)', () => {
  it('wires a helm-style stream and keeps each document with its comments', () => {
    const out = runStream(helmStream, config, 'pd-disagg.yaml');
    expect(out.exitCode).toBe(0);
    const list = objects(out.stdout);
    // the engines first, in their order, then what pd-disagg generated
    expect(list.slice(0, 2).map((o) => o.metadata.name)).toEqual(['qwen-prefill', 'qwen-decode']);
    const dec = find(list, 'Deployment', 'qwen-decode');
    expect(dec.spec.template.metadata.labels['llm-d.ai/role']).toBe('decode');
    expect(dec.spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(['routing-proxy']);
    expect(find(list, 'ConfigMap', 'qwen-epp-config').data['epp-config.yaml']).toContain('blockSizeTokens: 128');
    expect(find(list, 'InferencePool', 'qwen')).toBeDefined();
    // comments: the Source line and the manifest's own comments stay on their document
    const docs = out.stdout.split(/^---\n/m);
    expect(docs[0]).toMatch(/^# Source: qwen\/templates\/prefill.yaml\n# Prefill engine/);
    expect(docs[1]).toMatch(/^# Source: qwen\/templates\/decode.yaml\n# Decode engine/);
    expect(out.stdout).toContain('image: docker.io/vllm/vllm-openai:v0.19.1-x86_64-cu130 # ships NIXL');
    // the empty document is gone, no plumbing annotations, no config, no local-config objects
    expect(out.stdout).not.toContain('pdb.yaml');
    expect(out.stdout).not.toContain('config.kubernetes.io/path');
    expect(out.stdout).not.toContain('internal.config.kubernetes.io');
    expect(out.stdout).not.toContain('kind: PrefillDecode');
    expect(out.stdout).not.toContain('local-config');
    // documents that had no annotations grew only pd-disagg's ownership markers (src/plan/owned.ts)
    expect(Object.keys(find(list, 'Deployment', 'qwen-prefill').metadata.annotations)).toEqual(['pd-disagg.dev/pair', 'pd-disagg.dev/injected']);
  });

  it('is idempotent: its own output comes back unchanged', () => {
    const first = runStream(helmStream, config, 'pd-disagg.yaml');
    const second = runStream(first.stdout, config, 'pd-disagg.yaml');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('keeps the annotations a document came with and drops local-config objects and configs in the stream', () => {
    const annotated = prefill.replace('  namespace: llm\n', '  namespace: llm\n  annotations:\n    team: inference\n');
    const local = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: values\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata: {a: b}\n';
    const stream = `${annotated}---\n${local}---\n${config}---\n${decode}`;
    const out = runStream(stream, config, 'pd-disagg.yaml');
    expect(out.exitCode).toBe(0);
    const list = objects(out.stdout);
    const { 'pd-disagg.dev/pair': _pair, 'pd-disagg.dev/injected': _injected, ...annotations } = find(list, 'Deployment', 'qwen-prefill').metadata.annotations;
    expect(annotations).toEqual({ team: 'inference' });
    expect(find(list, 'ConfigMap', 'values')).toBeUndefined();
    expect(list.filter((o) => o.kind === 'PrefillDecode')).toEqual([]);
    expect(out.stdout).not.toContain(STREAM_INDEX_ANNOTATION);
  });

  it('takes the ConfigMap form of the config too', () => {
    const cm = readFileSync('fn-config/configmap.yaml', 'utf8');
    const out = runStream(`${prefill}---\n${decode}`, cm, 'configmap.yaml');
    expect(out.exitCode).toBe(0);
    expect(find(objects(out.stdout), 'ConfigMap', 'qwen-epp-config').data['epp-config.yaml']).toContain('prefix-based-pd-decider');
  });

  it('writes nothing on stdout when the pair is inconsistent, and says why on stderr', () => {
    const broken = decode.replace('"kv_role":"kv_consumer"', '"kv_role":"kv_producer"');
    const out = runStream(`${prefill}---\n${broken}`, config, 'pd-disagg.yaml');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('kv_role kv_producer');
  });

  describe('Helm 4: hooks and templates in one stream', () => {
    // what Helm 4's default (combined) post-render strategy sends: every document annotated with its template file,
    // hooks included; here a ServiceAccount that is both a pre-install hook and a template, as in Helm's own example
    const sa = (hook: boolean) =>
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: qwen-setup\n  namespace: llm\n  annotations:\n' +
      `    postrenderer.helm.sh/postrender-filename: qwen/templates/${hook ? 'hook-sa' : 'sa'}.yaml\n` +
      (hook ? '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-5"\n' : '');
    const stream = `${sa(true)}---\n${prefill}---\n# the template copy\n${sa(false)}---\n${decode}`;

    it('writes a hook that shares its identity with a template back unchanged, in its place, and wires the rest', () => {
      const out = runStream(stream, config, 'pd-disagg.yaml');
      expect(out.stderr).toBe('');
      expect(out.exitCode).toBe(0);
      const list = objects(out.stdout);
      expect(list.slice(0, 4).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
        'ServiceAccount/qwen-setup',
        'Deployment/qwen-prefill',
        'ServiceAccount/qwen-setup',
        'Deployment/qwen-decode',
      ]);
      expect(list[0].metadata.annotations).toEqual({
        'postrenderer.helm.sh/postrender-filename': 'qwen/templates/hook-sa.yaml',
        'helm.sh/hook': 'pre-install',
        'helm.sh/hook-weight': '-5',
      });
      expect(list[2].metadata.annotations).toEqual({ 'postrenderer.helm.sh/postrender-filename': 'qwen/templates/sa.yaml' });
      expect(out.stdout.split(/^---\n/m)[2]).toMatch(/^# the template copy\n/);
      expect(find(list, 'Deployment', 'qwen-decode').spec.template.spec.initContainers[0].name).toBe('routing-proxy');
      expect(find(list, 'ConfigMap', 'qwen-epp-config')).toBeDefined();
      expect(out.stdout).not.toContain(STREAM_INDEX_ANNOTATION);
      // and again: the output is stable
      expect(runStream(out.stdout, config, 'pd-disagg.yaml').stdout).toBe(out.stdout);
    });

    it('still refuses two templates with one identity (no hook involved)', () => {
      const out = runStream(`${sa(false)}---\n${prefill}---\n${sa(false)}---\n${decode}`, config, 'pd-disagg.yaml');
      expect(out.exitCode).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain('ServiceAccount/llm/qwen-setup appears twice');
    });

    it('sends a hook whose identity is its own through the function like any document', () => {
      const out = runStream(`${sa(true)}---\n${prefill}---\n${decode}`, config, 'pd-disagg.yaml');
      expect(out.exitCode).toBe(0);
      expect(objects(out.stdout)[0].metadata.annotations['helm.sh/hook']).toBe('pre-install');
    });
  });

  it.each([
    ['an empty stream', '', config, /no Kubernetes object/],
    ['a document that is not an object', `${prefill}---\n- just\n- a list\n`, config, /document 2 \(line \d+\) is not a mapping/],
    ['a List', `${prefill}---\napiVersion: v1\nkind: List\nitems: []\n`, config, /document 2 .*metadata.name.*kind: List/],
    ['broken YAML', `${prefill}---\nkind: [unclosed\n`, config, /document 2 .*not valid YAML/],
    ['a config file with two documents', `${prefill}---\n${decode}`, `${config}---\n${config}`, /--config pd-disagg.yaml: .*2 YAML documents/],
    ['a config that is not a mapping', `${prefill}---\n${decode}`, '- a\n', /--config pd-disagg.yaml: .*not a mapping/],
    ['a config of the wrong kind', `${prefill}---\n${decode}`, 'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n', /not accepted/],
  ])('refuses %s: exit 1, empty stdout, the reason on stderr', (_, stream, cfg, message) => {
    const out = runStream(stream, cfg, 'pd-disagg.yaml');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
  });
});

describe('stream mode limits', () => {
  it('honours a raised PD_DISAGG_MAX_INPUT_BYTES inside the wrapped run, and a lowered one', () => {
    const stream = ['prefill.yaml', 'decode.yaml'].map((f) => readFileSync(`examples/qwen-pd/${f}`, 'utf8')).join('---\n');
    const config = readFileSync('examples/qwen-pd/pd-disagg.yaml', 'utf8');
    const small = runStream(stream, config, 'pd-disagg.yaml', { env: { PD_DISAGG_MAX_INPUT_BYTES: '1Ki' } });
    expect(small.exitCode).toBe(1);
    expect(small.stdout).toBe('');
    expect(small.stderr).toMatch(/PD_DISAGG_MAX_INPUT_BYTES/);
    const big = runStream(stream, config, 'pd-disagg.yaml', { env: { PD_DISAGG_MAX_INPUT_BYTES: '1Mi' } });
    expect(big.exitCode).toBe(0);
  });
});
