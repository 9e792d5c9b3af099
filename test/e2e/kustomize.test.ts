// Container mode under kubectl's kustomize (which silently skips exec functions): the repo's kustomization.yaml runs
// pd-disagg as a container transformer through the `docker` stand-in, which runs the bundle as nobody without
// network and records the argv kustomize passed.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs, scratch, sh, toolbox } from './harness.js';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const build = (dir: string) => sh('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { env: tools.env });

describe('kubectl kustomize --enable-alpha-plugins (container transformer)', () => {
  it('renders the bundled example through the function, the same way twice', () => {
    const first = build('.');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const objects = parseAllDocuments(first.stdout).map((d) => d.toJS());
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toContain('ConfigMap/qwen-epp-config');
    const decode = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-decode');
    expect(decode.spec.template.spec.initContainers[0].name).toBe('routing-proxy');
    // kustomize strips the internal annotations and never shows the functionConfig
    expect(first.stdout).not.toContain('internal.config.kubernetes.io');
    expect(first.stdout).not.toContain('kind: PrefillDecode');

    const argv = readFileSync(tools.dockerLog, 'utf8');
    expect(argv).toMatch(/run --rm -i .*--network none/);
    expect(argv).toContain('--user nobody');
    expect(argv).toContain('ghcr.io/pd-disagg/pd-disagg:v0.1.0');

    expect(build('.').stdout).toBe(first.stdout);
  });

  it('is idempotent: its own output rendered again comes back the same', () => {
    const first = build('.');
    const dir = scratch('kust');
    writeFileSync(join(dir, 'rendered.yaml'), first.stdout);
    cpSync('fn-config/kustomize-container.yaml', join(dir, 'fn.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [rendered.yaml]\ntransformers: [fn.yaml]\n');
    const second = build(dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('fails the build with the message on stderr when the pair is inconsistent', () => {
    const dir = scratch('kust-bad');
    for (const f of ['prefill.yaml', 'decode.yaml']) cpSync(`examples/qwen-pd/${f}`, join(dir, f));
    const decode = join(dir, 'decode.yaml');
    writeFileSync(decode, readFileSync(decode, 'utf8').replace('--port=8001', '--port=8000'));
    cpSync('fn-config/kustomize-container.yaml', join(dir, 'fn.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [prefill.yaml, decode.yaml]\ntransformers: [fn.yaml]\n');
    const r = build(dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("the decode engine's port is set to 8000");
  });
});

const kinds = (text: string) => parseAllDocuments(text).map((d) => `${d.toJS().kind}/${d.toJS().metadata.name}`);

describe('examples/pd-disagg-kustomize-container and -exec', () => {

  it('container example: kubectl runs the image (network none, user nobody) and the engines come out wired', () => {
    writeFileSync(tools.dockerLog, '');
    const r = build('examples/pd-disagg-kustomize-container');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(['ConfigMap/qwen-epp-config', 'InferencePool/qwen', 'Deployment/qwen-epp']));
    expect(r.stdout).toContain('llm-d.ai/role: decode');
    expect(r.stdout).not.toContain('kind: PrefillDecode');
    const runs = readFileSync(tools.dockerLog, 'utf8').split('\n').filter((l) => l.startsWith('run '));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^run --rm -i .*--network none .*--user nobody .*ghcr\.io\/pd-disagg\/pd-disagg:v\d+\.\d+\.\d+$/);
    expect(runs[0]).toContain('--security-opt=no-new-privileges');
  });

  it('exec example: kubectl kustomize skips the exec function without a word (the trap the README warns about)', () => {
    writeFileSync(tools.dockerLog, '');
    const r = build('examples/pd-disagg-kustomize-exec');
    // exit 0, nothing on stderr, and nothing wired: this is why the README says "use container mode with kubectl"
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(kinds(r.stdout).sort()).toEqual(['Deployment/qwen-decode', 'Deployment/qwen-prefill']);
    expect(r.stdout).not.toContain('llm-d.ai/role');
    expect(readFileSync(tools.dockerLog, 'utf8')).toBe('');
  });
});

// Standalone kustomize, built by .ci/tools.sh (sigs.k8s.io/kustomize/kustomize/v5, pinned there) into .tools/bin.
describe.runIf(needs('kustomize'))('standalone kustomize build --enable-alpha-plugins (exec and container mode)', () => {
  const kustomize = (...args: string[]) => sh('kustomize', ['build', '--enable-alpha-plugins', ...args], { env: tools.env });

  it('is the standalone binary, not kubectl', () => {
    const r = sh('kustomize', ['version'], { env: tools.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^v5\.\d+\.\d+/);
  });

  it('exec example: --enable-exec runs pd-disagg from PATH, and it comes out the same as the container example', () => {
    writeFileSync(tools.dockerLog, '');
    const exec = kustomize('--enable-exec', 'examples/pd-disagg-kustomize-exec');
    expect(exec.stderr).toBe('');
    expect(exec.code).toBe(0);
    expect(kinds(exec.stdout)).toEqual(expect.arrayContaining(['ConfigMap/qwen-epp-config', 'InferencePool/qwen', 'Deployment/qwen-epp']));
    const decode = parseAllDocuments(exec.stdout).map((d) => d.toJS()).find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-decode');
    expect(decode.spec.template.spec.initContainers[0].name).toBe('routing-proxy');
    expect(exec.stdout).not.toContain('kind: PrefillDecode');
    expect(exec.stdout).not.toContain('internal.config.kubernetes.io');
    // exec mode never goes through docker
    expect(readFileSync(tools.dockerLog, 'utf8')).toBe('');

    const container = kustomize('examples/pd-disagg-kustomize-container');
    expect(container.stderr).toBe('');
    expect(container.code).toBe(0);
    expect(container.stdout).toBe(exec.stdout);
  });

  it('exec example without --enable-exec: standalone kustomize skips the function without a word too', () => {
    // measured with kustomize v5.8.2: exit 0, nothing on stderr, the engines unwired (the README warns about it)
    const r = kustomize('examples/pd-disagg-kustomize-exec');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(kinds(r.stdout).sort()).toEqual(['Deployment/qwen-decode', 'Deployment/qwen-prefill']);
    expect(r.stdout).not.toContain('llm-d.ai/role');
  });

  it('container example: kustomize runs the image through docker (network none, user nobody)', () => {
    writeFileSync(tools.dockerLog, '');
    const r = kustomize('examples/pd-disagg-kustomize-container');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(['ConfigMap/qwen-epp-config', 'InferencePool/qwen', 'Deployment/qwen-epp']));
    const runs = readFileSync(tools.dockerLog, 'utf8').split('\n').filter((l) => l.startsWith('run '));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^run --rm -i .*--network none .*--user nobody .*ghcr\.io\/pd-disagg\/pd-disagg:v\d+\.\d+\.\d+$/);
  });

  it('exec mode is idempotent: the rendered output through the function again comes back the same', () => {
    const first = kustomize('--enable-exec', 'examples/pd-disagg-kustomize-exec');
    expect(first.code).toBe(0);
    const dir = scratch('kust-exec-again');
    writeFileSync(join(dir, 'rendered.yaml'), first.stdout);
    cpSync('examples/pd-disagg-kustomize-exec/pd-disagg.yaml', join(dir, 'fn.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [rendered.yaml]\ntransformers: [fn.yaml]\n');
    const second = kustomize('--enable-exec', dir);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  // Issue 13 item 8: the ClusterRoleBinding of the EPP's /metrics auth, rendered from workloads without a namespace,
  // put into a namespace by kustomize afterwards: its subject must follow the ServiceAccount (kustomize's
  // name-reference pass does, from the subject pd-disagg writes: namespace default).
  const namespaceless = (tag: string) => {
    const base = scratch(`kust-ns-${tag}`);
    for (const f of ['prefill.yaml', 'decode.yaml', 'pd-disagg.yaml']) cpSync(`examples/pd-disagg-kustomize-exec/${f}`, join(base, f));
    for (const f of ['prefill.yaml', 'decode.yaml']) writeFileSync(join(base, f), readFileSync(join(base, f), 'utf8').replace(/^ {2}namespace: .*\n/m, ''));
    return base;
  };
  const objectsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

  it('metrics auth: an overlay namespace moves the ClusterRoleBinding subject with the ServiceAccount', () => {
    const base = namespaceless('base');
    expect(readFileSync(join(base, 'decode.yaml'), 'utf8')).not.toMatch(/^ {2}namespace:/m);
    writeFileSync(join(base, 'kustomization.yaml'), 'resources: [prefill.yaml, decode.yaml]\ntransformers: [pd-disagg.yaml]\n');
    const alone = objectsOf(kustomize('--enable-exec', base).stdout);
    expect(alone.find((o) => o.kind === 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'qwen-epp', namespace: 'default' }]);
    const overlay = scratch('kust-ns-overlay');
    writeFileSync(join(overlay, 'kustomization.yaml'), `namespace: team-a\nresources: [${relative(overlay, base)}]\n`);
    const r = kustomize('--enable-exec', overlay);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const objects = objectsOf(r.stdout);
    const sa = objects.find((o) => o.kind === 'ServiceAccount');
    expect(sa.metadata).toMatchObject({ name: 'qwen-epp', namespace: 'team-a' });
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'qwen-epp', namespace: 'team-a' }]);
    expect(binding.metadata.namespace).toBeUndefined();
    expect(objects.find((o) => o.kind === 'ClusterRole').metadata.namespace).toBeUndefined();
  });

  it('metrics auth: a namespace in the same kustomization runs before pd-disagg, so the names carry it', () => {
    const dir = namespaceless('same');
    writeFileSync(join(dir, 'kustomization.yaml'), 'namespace: team-b\nresources: [prefill.yaml, decode.yaml]\ntransformers: [pd-disagg.yaml]\n');
    const r = kustomize('--enable-exec', dir);
    expect(r.code).toBe(0);
    const objects = objectsOf(r.stdout);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding.metadata.name).toBe('pd-disagg:team-b:qwen-epp');
    expect(binding.roleRef.name).toBe('pd-disagg:team-b:qwen-epp');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'qwen-epp', namespace: 'team-b' }]);
    expect(objects.find((o) => o.kind === 'ClusterRole').metadata.name).toBe('pd-disagg:team-b:qwen-epp');
  });

  it('exec mode: an inconsistent pair fails the build, with the message on stderr and nothing on stdout', () => {
    const dir = scratch('kust-exec-bad');
    cpSync('examples/pd-disagg-kustomize-exec', dir, { recursive: true });
    const decode = join(dir, 'decode.yaml');
    writeFileSync(decode, readFileSync(decode, 'utf8').replace('"kv_role":"kv_consumer"', '"kv_role":"kv_producer"'));
    const r = kustomize('--enable-exec', dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kv_role kv_producer');
  });
});
