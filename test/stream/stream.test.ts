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
    // documents that had no annotations did not grow an empty map
    expect(find(list, 'Deployment', 'qwen-prefill').metadata.annotations).toBeUndefined();
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
    expect(find(list, 'Deployment', 'qwen-prefill').metadata.annotations).toEqual({ team: 'inference' });
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
